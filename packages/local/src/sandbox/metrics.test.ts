import { type MetricQuery, PortRequestError } from "@architech/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxSeed } from "./load-seed.ts";
import { computeStatistic } from "./metrics.ts";
import { DAY, HOUR, MINUTE, manualClock } from "./test-clock.ts";

const NOW = "2026-03-02T10:00:00.000Z";

const SEED = `
ecs:
  clusters:
    prod:
      services:
        catalog-api:
          desiredCount: 2
          releases:
            - { revision: 1, image: "r@sha256:${"a".repeat(64)}", cpu: 2048, memory: 4096, deployedAt: -30d }
          running: 1
          metrics:
            CPUUtilization: { baseline: 10, dailyAmplitude: 3, noise: 1.5 }
            MemoryUtilization: { baseline: 22, noise: 1 }
        search-api:
          desiredCount: 2
          releases:
            - { revision: 1, image: "r@sha256:${"b".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -30d }
          running: 1
          metrics:
            CPUUtilization: { baseline: 20, noise: 3, coverage: 0.5 }
        checkout-api:
          desiredCount: 2
          releases:
            - { revision: 1, image: "r@sha256:${"c".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -30d }
            - { revision: 2, image: "r@sha256:${"d".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -2h, healthy: false }
          running: 2
          metrics:
            ErrorRate: { namespace: Storefront, baseline: 0.3, noise: 0.1, unhealthyBaseline: 12 }
lambda:
  functions:
    image-resizer:
      versions: [{ version: 1, memorySize: 2048 }]
      aliases:
        live:
          version: 1
          metrics:
            Invocations: { baseline: 30, noise: 5 }
      metrics:
        Duration: { baseline: 850, noise: 90 }
        memory_utilization: { baseline: 19, noise: 2 }
`;

function setup() {
  const clock = manualClock(NOW);
  const sandbox = createSandboxAccount({ seed: loadSandboxSeed(SEED, "seed.yaml"), clock });
  return { clock, sandbox, cloudwatch: sandbox.ports.cloudwatch, ecs: sandbox.ports.ecs };
}

const ecsQuery = (service: string, overrides: Partial<MetricQuery> = {}): MetricQuery => ({
  namespace: "AWS/ECS",
  metricName: "CPUUtilization",
  dimensions: { ClusterName: "prod", ServiceName: service },
  start: new Date(Date.parse(NOW) - 14 * DAY).toISOString(),
  end: NOW,
  periodSeconds: 3600,
  statistics: ["Average", "p95", "Maximum", "Minimum", "Sum", "SampleCount"],
  ...overrides,
});

describe("metric statistics", () => {
  it("gives the same datapoints for the same query, and the same samples whichever window holds them", async () => {
    // Prepare
    const { cloudwatch } = setup();
    const query = ecsQuery("catalog-api");

    // Act
    const first = await cloudwatch.getMetricStatistics(query);
    const second = await cloudwatch.getMetricStatistics(query);
    const lastDay = await cloudwatch.getMetricStatistics({
      ...query,
      start: new Date(Date.parse(NOW) - DAY).toISOString(),
    });

    // Assess
    expect(first).toHaveLength(14 * 24);
    expect(second).toEqual(first);
    expect(lastDay).toEqual(first.slice(-24));
  });

  it("describes the seeded shape: an over-provisioned service idles around its baseline", async () => {
    // Prepare
    const { cloudwatch } = setup();

    // Act
    const [fortnight] = await cloudwatch.getMetricStatistics(
      ecsQuery("catalog-api", { periodSeconds: 14 * 24 * 3600, statistics: ["Average", "p95", "Maximum"] }),
    );

    // Assess
    expect(fortnight?.values.Average).toBeGreaterThan(9);
    expect(fortnight?.values.Average).toBeLessThan(11);
    expect(fortnight?.values.p95).toBeLessThan(16);
    expect(fortnight?.values.Maximum).toBeLessThan(25);
  });

  it("leaves the hours without data out, at the seeded coverage", async () => {
    // Prepare
    const { cloudwatch } = setup();

    // Act
    const sparse = await cloudwatch.getMetricStatistics(ecsQuery("search-api"));
    const full = await cloudwatch.getMetricStatistics(ecsQuery("catalog-api"));

    // Assess
    const coverage = sparse.length / (14 * 24);
    expect(coverage).toBeGreaterThan(0.4);
    expect(coverage).toBeLessThan(0.6);
    expect(full).toHaveLength(14 * 24);
    expect(sparse.every((d) => d.values.SampleCount === 60)).toBe(true);
  });

  it("keeps the statistics of every period in order, for any window and period", async () => {
    // Prepare
    const { cloudwatch } = setup();

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.integer({ min: 1, max: 24 * 60 }),
        fc.constantFrom(1, 5, 60, 300),
        async (startMinutesAgo, lengthMinutes, periodMinutes) => {
          const start = Date.parse(NOW) - startMinutesAgo * MINUTE;
          const query = ecsQuery("catalog-api", {
            start: new Date(start).toISOString(),
            end: new Date(start + lengthMinutes * MINUTE).toISOString(),
            periodSeconds: periodMinutes * 60,
          });

          // Act
          const datapoints = await cloudwatch.getMetricStatistics(query);

          // Assess
          for (const { values } of datapoints) {
            const { Minimum = 0, Average = 0, p95 = 0, Maximum = 0, Sum = 0, SampleCount = 0 } = values;
            expect(Minimum).toBeLessThanOrEqual(p95);
            expect(p95).toBeLessThanOrEqual(Maximum);
            expect(Minimum).toBeLessThanOrEqual(Average);
            expect(Average).toBeLessThanOrEqual(Maximum);
            expect(SampleCount).toBeLessThanOrEqual(periodMinutes);
            expect(Sum).toBeCloseTo(Average * SampleCount, 0);
          }
          const times = datapoints.map((d) => Date.parse(d.timestamp));
          expect(times).toEqual([...times].sort((a, b) => a - b));
          expect(times.every((t) => t >= start - MINUTE && t < Date.parse(query.end))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("puts p95 at or above the average over a fortnight of hourly periods", async () => {
    // Prepare
    const { cloudwatch } = setup();

    // Act
    const datapoints = await cloudwatch.getMetricStatistics(ecsQuery("catalog-api"));

    // Assess
    expect(datapoints.every((d) => (d.values.p95 ?? 0) >= (d.values.Average ?? 0))).toBe(true);
  });

  it("publishes nothing for minutes that are not over yet", async () => {
    // Prepare
    const { clock, cloudwatch } = setup();
    const query = ecsQuery("catalog-api", {
      start: NOW,
      end: new Date(Date.parse(NOW) + HOUR).toISOString(),
      periodSeconds: 60,
      statistics: ["Average"],
    });

    // Act
    const now = await cloudwatch.getMetricStatistics(query);
    clock.advance(10 * MINUTE);
    const later = await cloudwatch.getMetricStatistics(query);

    // Assess
    expect(now).toEqual([]);
    expect(later).toHaveLength(10);
  });

  it("raises the error rate while a bad release serves", async () => {
    // Prepare
    const { cloudwatch } = setup();

    // Act
    const datapoints = await cloudwatch.getMetricStatistics({
      namespace: "Storefront",
      metricName: "ErrorRate",
      dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
      start: new Date(Date.parse(NOW) - 4 * HOUR).toISOString(),
      end: NOW,
      periodSeconds: 3600,
      statistics: ["Average"],
    });

    // Assess
    expect(datapoints.map((d) => Math.round(d.values.Average ?? 0))).toEqual([0, 0, 12, 12]);
  });

  it("measures utilisation against the size that runs: half the CPU, twice the utilisation", async () => {
    // Prepare
    const { clock, cloudwatch, ecs } = setup();
    const { taskDefinitionArn } = await ecs.registerResizedTaskDefinition(
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/catalog-api:1",
      { cpu: 1024, memory: 2048 },
    );
    await ecs.updateServiceTaskDefinition("prod", "catalog-api", taskDefinitionArn);
    const window = { periodSeconds: 3600, statistics: ["Average"] };

    // Act
    clock.advance(2 * HOUR);
    const datapoints = await cloudwatch.getMetricStatistics(
      ecsQuery("catalog-api", {
        ...window,
        start: new Date(Date.parse(NOW) - 2 * HOUR).toISOString(),
        end: clock.now().toISOString(),
      }),
    );

    // Assess
    const [before1, before2, after1, after2] = datapoints.map((d) => d.values.Average ?? 0);
    expect(taskDefinitionArn).toBe("arn:aws:ecs:eu-west-1:123456789012:task-definition/catalog-api:2");
    expect(((after1 ?? 0) + (after2 ?? 0)) / ((before1 ?? 0) + (before2 ?? 0))).toBeCloseTo(2, 0);
  });

  it("publishes Lambda metrics by function, by alias, and Lambda Insights memory by function_name", async () => {
    // Prepare
    const { cloudwatch } = setup();
    const base = { start: new Date(Date.parse(NOW) - HOUR).toISOString(), end: NOW, periodSeconds: 3600 };

    // Act
    const [duration] = await cloudwatch.getMetricStatistics({
      ...base,
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: { FunctionName: "image-resizer" },
      statistics: ["p95"],
    });
    const [invocations] = await cloudwatch.getMetricStatistics({
      ...base,
      namespace: "AWS/Lambda",
      metricName: "Invocations",
      dimensions: { FunctionName: "image-resizer", Resource: "image-resizer:live" },
      statistics: ["Sum"],
    });
    const [memory] = await cloudwatch.getMetricStatistics({
      ...base,
      namespace: "LambdaInsights",
      metricName: "memory_utilization",
      dimensions: { function_name: "image-resizer" },
      statistics: ["Maximum"],
    });
    const partialDimensions = await cloudwatch.getMetricStatistics({
      ...base,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: { ServiceName: "catalog-api" },
      statistics: ["Average"],
    });

    // Assess
    expect(duration?.values.p95).toBeGreaterThan(850);
    expect(Number.isInteger(invocations?.values.Sum)).toBe(true);
    expect(invocations?.values.Sum).toBeGreaterThan(60 * 20);
    expect(memory?.values.Maximum).toBeLessThan(30);
    // GetMetricStatistics matches dimensions exactly.
    expect(partialDimensions).toEqual([]);
  });

  it("refuses malformed queries as CloudWatch does", async () => {
    // Prepare
    const { cloudwatch } = setup();

    // Act
    const results = await Promise.allSettled([
      cloudwatch.getMetricStatistics(ecsQuery("catalog-api", { periodSeconds: 90 })),
      cloudwatch.getMetricStatistics(ecsQuery("catalog-api", { start: NOW, end: NOW })),
      cloudwatch.getMetricStatistics(ecsQuery("catalog-api", { statistics: ["Median"] })),
      cloudwatch.getMetricStatistics(ecsQuery("catalog-api", { start: "yesterday" })),
    ]);

    // Assess
    for (const result of results) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(PortRequestError);
    }
  });
});

describe("statistics", () => {
  it("takes percentiles by nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(computeStatistic(sorted, "p95")).toBe(95);
    expect(computeStatistic(sorted, "p99.5")).toBe(100);
    expect(computeStatistic(sorted, "p0")).toBe(1);
    expect(computeStatistic(sorted, "Average")).toBe(50.5);
    expect(computeStatistic(sorted, "SampleCount")).toBe(100);
    expect(computeStatistic(sorted, "Sum")).toBe(5050);
  });
});
