import { fileURLToPath } from "node:url";
import {
  loadPolicyDirectory,
  type MetricQuery,
  matchesEventPattern,
  normalizeEvent,
  resolveTarget,
} from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxFile } from "./load-seed.ts";
import { DAY, MINUTE, manualClock } from "./test-clock.ts";

const DEFAULT_ESTATE = fileURLToPath(new URL("../../../../sandbox/default.yaml", import.meta.url));
const POLICIES = fileURLToPath(new URL("../../../../policies", import.meta.url));
const NOW = "2026-03-02T10:00:00.000Z";

async function setup() {
  const clock = manualClock(NOW);
  const sandbox = createSandboxAccount({ seed: await loadSandboxFile(DEFAULT_ESTATE), clock });
  return { clock, sandbox, ...sandbox.ports };
}

const fortnight = (service: string, statistics: string[]): MetricQuery => ({
  namespace: "AWS/ECS",
  metricName: "CPUUtilization",
  dimensions: { ClusterName: "prod", ServiceName: service },
  start: new Date(Date.parse(NOW) - 14 * DAY).toISOString(),
  end: NOW,
  periodSeconds: 3600,
  statistics,
});

describe("the default estate", () => {
  it("runs checkout-api on a bad release with its alarms firing, and a healthy release before it", async () => {
    // Prepare
    const { ecs, cloudwatch, sandbox } = await setup();

    // Act
    const service = await ecs.describeService("prod", "checkout-api");
    const alarms = await cloudwatch.listAlarmsForDimensions({
      ClusterName: "prod",
      ServiceName: "checkout-api",
    });
    const releases = sandbox.snapshot().ecs.services.find((s) => s.service === "checkout-api")?.releases;

    // Assess
    expect(service.taskDefinitionArn).toMatch(/task-definition\/checkout-api:42$/);
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ["checkout-api-5xx-rate", "ALARM"],
      ["checkout-api-p99-latency", "ALARM"],
    ]);
    expect(releases?.map((r) => [r.revision, r.healthy])).toEqual([
      [40, true],
      [41, true],
      [42, false],
    ]);
  });

  it("has one Lambda alias on a bad version and one healthy", async () => {
    // Prepare
    const { lambda, cloudwatch } = await setup();

    // Act
    const payments = await lambda.getAlias("payments-webhook", "live");
    const resizer = await lambda.getAlias("image-resizer", "live");
    const paymentsAlarm = await cloudwatch.describeAlarm("payments-webhook-error-rate");
    const resizerAlarm = await cloudwatch.describeAlarm("image-resizer-error-rate");

    // Assess
    expect(payments.functionVersion).toBe("8");
    expect(paymentsAlarm?.state).toBe("ALARM");
    expect(resizer.functionVersion).toBe("13");
    expect(resizerAlarm?.state).toBe("OK");
  });

  it("names every alarm so the shipped rollback policy reads its target from the dimensions", async () => {
    // Prepare
    const { cloudwatch } = await setup();

    // Act
    const alarms = await cloudwatch.listAlarmsForDimensions({});

    // Assess
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    for (const alarm of alarms) {
      expect(alarm.name).toMatch(/-(error-rate|5xx-rate|p99-latency)$/);
      const { ClusterName, ServiceName, FunctionName, Resource } = alarm.dimensions;
      expect(
        (ClusterName !== undefined && ServiceName !== undefined) || Resource?.startsWith(`${FunctionName}:`),
      ).toBe(true);
    }
  });

  it("starts a rollback under the shipped policy when a bad release fires an alarm", async () => {
    // Prepare
    const { clock, sandbox } = await setup();
    const { policies, problems } = loadPolicyDirectory(POLICIES);
    const policy = policies.find((p) => p.policy.name === "rollback-on-error-alarms")?.policy;
    if (policy === undefined || !("pattern" in policy.trigger))
      throw new Error(`no rollback policy (${problems})`);
    const { pattern } = policy.trigger;

    // Act
    sandbox.scenario.deployRelease("prod", "orders-worker", {
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-worker:v3.10.0@sha256:${"9".repeat(64)}`,
      healthy: false,
    });
    clock.advance(2 * MINUTE);
    const alarmEvents = sandbox
      .drainEvents()
      .filter((e) => e["detail-type"] === "CloudWatch Alarm State Change");

    // Assess
    expect(alarmEvents).toHaveLength(1);
    expect(matchesEventPattern(pattern, alarmEvents[0])).toBe(true);
    const normalized = normalizeEvent(alarmEvents[0]);
    if (!normalized.ok) throw new Error("the alarm event does not normalize");
    expect(resolveTarget(policy.target, normalized.signal)).toEqual({
      ok: true,
      target: { type: "ecs-service", cluster: "prod", service: "orders-worker" },
    });
  });

  it("holds utilisation for rightsizing: one idle, one busy, one with sparse data", async () => {
    // Prepare
    const { cloudwatch } = await setup();

    // Act
    const idle = await cloudwatch.getMetricStatistics(fortnight("catalog-api", ["p95"]));
    const busy = await cloudwatch.getMetricStatistics(fortnight("orders-worker", ["Average", "p95"]));
    const sparse = await cloudwatch.getMetricStatistics(fortnight("search-api", ["p95"]));

    // Assess
    const max = (points: typeof idle, statistic: string) =>
      Math.max(...points.map((p) => p.values[statistic] ?? 0));
    const mean = (points: typeof idle, statistic: string) =>
      points.reduce((sum, p) => sum + (p.values[statistic] ?? 0), 0) / points.length;
    expect(max(idle, "p95")).toBeLessThan(20);
    expect(mean(busy, "Average")).toBeGreaterThan(60);
    expect(max(busy, "p95")).toBeGreaterThan(70);
    expect(sparse.length / (14 * 24)).toBeGreaterThan(0.4);
    expect(sparse.length / (14 * 24)).toBeLessThan(0.6);
  });

  it("exposes the plain-data resources and a JSON snapshot for the dashboard", async () => {
    // Prepare
    const { sandbox } = await setup();

    // Act
    const snapshot = JSON.parse(JSON.stringify(sandbox.snapshot()));

    // Assess
    expect(snapshot.ecs.services).toHaveLength(5);
    expect(snapshot.lambda.functions.map((f: { functionName: string }) => f.functionName)).toEqual([
      "payments-webhook",
      "image-resizer",
    ]);
    expect(sandbox.resources.ec2.volumes.filter((v) => v.state === "available")).toHaveLength(8);
    expect(sandbox.resources.backup.recoveryPoints[0]).toMatchObject({
      resourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
      createdAt: "2026-03-02T09:20:00.000Z",
    });
    expect(snapshot.resources.dynamodb.tables).toHaveLength(3);
    expect(sandbox.resources.budgets[0]).toMatchObject({ name: "platform-monthly", limit: 12000 });
    const checkoutImage = snapshot.ecs.services[0].releases[2].image as string;
    const digests = sandbox.resources.ecr.repositories["checkout-api"]?.images.map((i) => i.digest);
    expect(digests).toContain(checkoutImage.slice(checkoutImage.indexOf("@") + 1));
  });
});
