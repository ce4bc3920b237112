// The router under an alarm storm on the embedded DynamoDB: 1,000 distinct alarm events for one service
// (one run, 999 audited suppressions), then 1,000 events spread over 100 services. Measures decisions
// per second and per-event latency; every figure includes the conditional writes and the audit log.
import { createDynamoStore } from "@architech/aws";
import {
  normalizeEvent,
  PolicyIndex,
  parsePolicySet,
  route,
  type Signal,
  type WorkflowStarter,
} from "@architech/core";
import { startEmbeddedDynamoDb } from "@architech/local";

const POLICY = `
name: bench-rollback
description: Roll back on error-rate alarms.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      alarmName: [{ suffix: "-error-rate" }]
      state: { value: [ALARM] }
runbook: rollback
target: { from: alarm-dimensions }
mode: auto
guardrails: { cooldown: 30m, maxRunsPerHour: 1000, maxConcurrent: 100 }
`;

function alarm(id: string, service: string): Signal {
  const result = normalizeEvent({
    version: "0",
    id,
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: "123456789012",
    time: "2026-12-01T10:00:00Z",
    region: "eu-west-1",
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${service}-error-rate`],
    detail: {
      alarmName: `${service}-error-rate`,
      state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2026-12-01T10:00:00.000+0000" },
      previousState: { value: "OK", reason: "Threshold Crossed", timestamp: "2026-12-01T09:00:00.000+0000" },
      configuration: {
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: {
                namespace: "Svc",
                name: "ErrorRate",
                dimensions: { ClusterName: "prod", ServiceName: service },
              },
              period: 60,
              stat: "Average",
            },
            returnData: true,
          },
        ],
      },
    },
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function run(): Promise<Record<string, unknown>> {
  const db = await startEmbeddedDynamoDb();
  try {
    const clock = { now: () => new Date("2026-12-01T10:00:30Z") };
    const store = createDynamoStore({ client: db.client, tableName: db.tableName, clock });
    const workflows: WorkflowStarter = {
      startWorkflow: async (input) => ({
        executionArn: `arn:local:${input.executionName}`,
        alreadyStarted: false,
      }),
      stopWorkflow: async () => {},
    };
    const { policies, problems } = parsePolicySet([{ file: "bench.yaml", text: POLICY }]);
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
    let n = 0;
    const deps = {
      store,
      workflows,
      clock,
      ids: { newRunId: () => `bench-${++n}` },
      policies: new PolicyIndex(policies.map((p) => p.policy)),
    };
    const measure = async (signals: Signal[]) => {
      const latencies: number[] = [];
      const started = performance.now();
      const results = await Promise.all(
        signals.map(async (signal) => {
          const t0 = performance.now();
          const result = await route(signal, deps);
          latencies.push(performance.now() - t0);
          return result;
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const decisions = results.flatMap((r) => r.decisions);
      return {
        events: signals.length,
        starts: decisions.filter((d) => d.kind === "start").length,
        suppressed: decisions.filter((d) => d.kind === "suppressed").length,
        seconds: Number(seconds.toFixed(2)),
        decisionsPerSecond: Math.round(decisions.length / seconds),
        latencyMsP50: Number(percentile(latencies, 0.5).toFixed(1)),
        latencyMsP99: Number(percentile(latencies, 0.99).toFixed(1)),
      };
    };
    const storm = await measure(Array.from({ length: 1000 }, (_, i) => alarm(`storm-${i}`, "checkout")));
    const spread = await measure(
      Array.from({ length: 1000 }, (_, i) => alarm(`spread-${i}`, `svc-${i % 100}`)),
    );
    // One event at a time: the latency of a single decision (8–10 conditional reads and writes).
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await route(alarm(`one-${i}`, `solo-${i}`), deps);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const sequential = {
      events: latencies.length,
      latencyMsP50: Number(percentile(latencies, 0.5).toFixed(1)),
      latencyMsP99: Number(percentile(latencies, 0.99).toFixed(1)),
    };
    return { stormOneService: storm, spreadOver100Services: spread, oneAtATime: sequential };
  } finally {
    await db.stop();
  }
}
