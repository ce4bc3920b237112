import type { MetricDatapoint } from "@architech/core";
import { gaussian, hashString, uniform } from "./prng.ts";
import type { MetricSeriesSpec } from "./seed.ts";

export const SAMPLE_INTERVAL_MS = 60_000;
/** Gaps come in whole hours: an hour has data or it has none. */
export const COVERAGE_BLOCK_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type MetricUnit = NonNullable<MetricSeriesSpec["unit"]>;

/** How a series bends to what happens in the account, evaluated for one query. */
export interface SeriesEffects {
  /** Multiplies the sample at `t` (utilisation of a resized task scales with the size). */
  scale?(t: number): number;
  /** True while the owner serves an unhealthy release: the baseline becomes `unhealthyBaseline`. */
  unhealthy?(t: number): boolean;
}

/** One metric the sandbox publishes: its identity, its shape, and how the estate affects it. */
export interface MetricSource {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit: MetricUnit;
  readonly spec: MetricSeriesSpec;
  readonly seed: number;
  effects(): SeriesEffects;
}

/** The unit a metric has unless the seed says otherwise. */
export function defaultUnit(metricName: string): MetricUnit {
  if (/utili[sz]ation$/i.test(metricName) || /rate$/i.test(metricName)) return "Percent";
  if (/^(Errors|Invocations|Throttles|ConcurrentExecutions)$|count$/i.test(metricName)) return "Count";
  if (/^Duration$|latency$/i.test(metricName)) return "Milliseconds";
  return "None";
}

/** The PRNG seed of a series: the seed's own, or one derived from the metric's identity. */
export function seriesSeed(
  spec: MetricSeriesSpec,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
): number {
  if (typeof spec.seed === "number") return spec.seed >>> 0;
  if (typeof spec.seed === "string") return hashString(spec.seed);
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return hashString(`${namespace}/${metricName}/${dims}`);
}

export interface Sample {
  t: number;
  value: number;
}

/**
 * The per-minute samples of a series in `[from, to)` that exist by `now`: a minute's sample is published
 * once the minute is over.
 */
export function sampleSeries(source: MetricSource, from: number, to: number, now: number): Sample[] {
  const { spec, seed, unit } = source;
  const effects = source.effects();
  const first = Math.ceil(from / SAMPLE_INTERVAL_MS);
  const end = Math.min(to, now - SAMPLE_INTERVAL_MS + 1);
  const samples: Sample[] = [];
  let block = Number.NaN;
  let blockHasData = true;
  for (let minute = first; minute * SAMPLE_INTERVAL_MS < end; minute++) {
    const t = minute * SAMPLE_INTERVAL_MS;
    const thisBlock = Math.floor(t / COVERAGE_BLOCK_MS);
    if (thisBlock !== block) {
      block = thisBlock;
      blockHasData = spec.coverage >= 1 || uniform(seed, thisBlock, 7) < spec.coverage;
    }
    if (!blockHasData) continue;
    const baseline =
      spec.unhealthyBaseline !== undefined && effects.unhealthy?.(t) === true
        ? spec.unhealthyBaseline
        : spec.baseline;
    const hour = (t % DAY_MS) / 3_600_000;
    let value =
      baseline +
      spec.dailyAmplitude * Math.cos((2 * Math.PI * (hour - spec.peakHour)) / 24) +
      spec.noise * gaussian(seed, minute);
    value *= effects.scale?.(t) ?? 1;
    samples.push({ t, value: clampToUnit(value, unit) });
  }
  return samples;
}

function clampToUnit(value: number, unit: MetricUnit): number {
  switch (unit) {
    case "Percent":
      return round(Math.min(100, Math.max(0, value)));
    case "Count":
      return Math.max(0, Math.round(value));
    default:
      return round(Math.max(0, value));
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Buckets samples into periods of `periodMs` starting at `from` and computes the statistics of each
 * period that has samples; periods without data have no datapoint, as in CloudWatch.
 */
export function aggregate(
  samples: readonly Sample[],
  from: number,
  periodMs: number,
  statistics: readonly string[],
): MetricDatapoint[] {
  const buckets = new Map<number, number[]>();
  for (const sample of samples) {
    const bucket = Math.floor((sample.t - from) / periodMs);
    const values = buckets.get(bucket);
    if (values) values.push(sample.value);
    else buckets.set(bucket, [sample.value]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const result: Record<string, number> = {};
      for (const statistic of statistics) result[statistic] = computeStatistic(sorted, statistic);
      return { timestamp: new Date(from + bucket * periodMs).toISOString(), values: result };
    });
}

/** One CloudWatch statistic over ascending `sorted` values (percentiles by nearest rank). */
export function computeStatistic(sorted: readonly number[], statistic: string): number {
  const n = sorted.length;
  const sum = sorted.reduce((total, value) => total + value, 0);
  switch (statistic) {
    case "SampleCount":
      return n;
    case "Sum":
      return round(sum);
    case "Average":
      return round(sum / n);
    case "Minimum":
      return sorted[0] ?? 0;
    case "Maximum":
      return sorted[n - 1] ?? 0;
  }
  const percentile = Number(statistic.slice(1));
  const rank = Math.max(1, Math.ceil((percentile / 100) * n));
  return sorted[Math.min(n, rank) - 1] ?? 0;
}
