import {
  type AlarmDescription,
  type CloudWatchPort,
  type MetricDatapoint,
  type MetricQuery,
  PortRequestError,
  ResourceNotFoundError,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import type { AlarmRecord, Estate } from "./estate.ts";
import { aggregate, SAMPLE_INTERVAL_MS, sampleSeries } from "./metrics.ts";
import { STATISTIC_PATTERN } from "./seed.ts";
import { alarmStateAt, iso } from "./timeline.ts";

export function describeAlarmAt(estate: Estate, alarm: AlarmRecord, t: number): AlarmDescription {
  const { state, reason, since } = alarmStateAt(estate, alarm, t);
  return {
    name: alarm.name,
    arn: alarm.arn,
    state,
    stateReason: reason,
    stateUpdatedAt: iso(since),
    dimensions: { ...alarm.dimensions },
  };
}

/**
 * GetMetricStatistics over the seeded series: the periods start at `start` rounded down to the minute,
 * only periods with data have a datapoint, and nothing is published for minutes not yet over. A metric
 * that does not exist yields no datapoints, as in CloudWatch; a malformed query is refused.
 */
export function queryMetric(estate: Estate, query: MetricQuery, now: number): MetricDatapoint[] {
  const start = Date.parse(query.start);
  const end = Date.parse(query.end);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new PortRequestError(
      `InvalidParameterValue: start and end must be timestamps (${query.start}, ${query.end})`,
    );
  }
  if (start >= end) {
    throw new PortRequestError(
      "InvalidParameterCombination: The parameter StartTime must be less than EndTime",
    );
  }
  if (!Number.isInteger(query.periodSeconds) || query.periodSeconds < 60 || query.periodSeconds % 60 !== 0) {
    throw new PortRequestError(
      `InvalidParameterValue: The parameter Period must be a multiple of 60 (got ${query.periodSeconds})`,
    );
  }
  if (query.statistics.length === 0) {
    throw new PortRequestError("MissingParameter: at least one statistic is required");
  }
  for (const statistic of query.statistics) {
    if (!STATISTIC_PATTERN.test(statistic)) {
      throw new PortRequestError(`InvalidParameterValue: unknown statistic ${statistic}`);
    }
  }
  const source = estate.metrics.find(
    (m) =>
      m.namespace === query.namespace &&
      m.metricName === query.metricName &&
      sameDimensions(m.dimensions, query.dimensions),
  );
  if (source === undefined) return [];
  const from = Math.floor(start / SAMPLE_INTERVAL_MS) * SAMPLE_INTERVAL_MS;
  return aggregate(sampleSeries(source, from, end, now), from, query.periodSeconds * 1000, query.statistics);
}

function sameDimensions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The CloudWatch port over the sandbox estate. */
export function createSandboxCloudWatch(ctx: SandboxContext): CloudWatchPort {
  const { estate } = ctx;
  return {
    async describeAlarm(name) {
      try {
        ctx.read({
          operation: "cloudwatch.describeAlarm",
          target: `alarm:${name}`,
          resource: `alarm ${name}`,
        });
      } catch (error) {
        // DescribeAlarms answers a missing alarm with an empty list: the port says undefined.
        if (error instanceof ResourceNotFoundError) return undefined;
        throw error;
      }
      const alarm = estate.alarms.get(name);
      return alarm === undefined ? undefined : describeAlarmAt(estate, alarm, ctx.now());
    },

    async listAlarmsForDimensions(dimensions) {
      ctx.read({
        operation: "cloudwatch.listAlarmsForDimensions",
        target: "cloudwatch",
        resource: "CloudWatch alarms",
      });
      const wanted = Object.entries(dimensions);
      return [...estate.alarms.values()]
        .filter((alarm) => wanted.every(([key, value]) => alarm.dimensions[key] === value))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((alarm) => describeAlarmAt(estate, alarm, ctx.now()));
    },

    async getMetricStatistics(query) {
      ctx.read({
        operation: "cloudwatch.getMetricStatistics",
        target: `metric:${query.namespace}/${query.metricName}`,
        resource: `metric ${query.namespace}/${query.metricName}`,
      });
      return queryMetric(estate, query, ctx.now());
    },
  };
}
