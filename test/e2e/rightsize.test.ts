import { normalizeEvent, route, type StartedDecision } from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, stopDatabase } from "./harness.ts";

const policy = (mode: string, target: string, guardrails = "") => `
name: rightsize-services
description: Rightsize from two weeks of utilisation.
trigger: { command: { name: rightsize } }
runbook: rightsize
params: { lookback: 14d, statistic: p95, minDataCoverage: 0.9, minMonthlySavings: 10, verifyWindow: 30m }
target: ${target}
mode: ${mode}
${guardrails}`;

const ACCOUNT = "{ type: account }";
const CATALOG = "{ type: ecs-service, cluster: prod, service: catalog-api }";

let plane: ControlPlane;
beforeEach(async () => {
  plane = await startControlPlane();
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

async function startRightsize(yaml: string): Promise<StartedDecision> {
  const body = new URLSearchParams({
    token: "t",
    team_id: "T1",
    team_domain: "acme",
    channel_id: "C1",
    channel_name: "finops",
    user_id: "U1",
    user_name: "ana",
    command: "/architech",
    text: "rightsize",
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: "1.2.3",
  }).toString();
  const signal = normalizeEvent({
    kind: "slack-command",
    body,
    timestamp: String(plane.clock.now().getTime() / 1000),
  });
  if (!signal.ok) throw new Error(signal.error.message);
  const result = await route(signal.signal, plane.deps(yaml));
  const decision = result.decisions[0];
  if (!decision || decision.kind === "suppressed" || decision.kind === "rejected") {
    throw new Error(`expected a started run, got ${JSON.stringify(decision)}`);
  }
  return decision;
}

describe("rightsize on the embedded runtime", () => {
  it("recommends right sizes with estimated savings across the account and changes nothing in dry-run", async () => {
    const decision = await startRightsize(policy("dry-run", ACCOUNT));
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("dry-run");
    const recommendations = await plane.store.listRecommendationsByStatus({ status: "open", limit: 100 });
    const catalog = recommendations.items.find((r) => r.target === "ecs-service:prod/catalog-api");
    expect(catalog?.current).toMatchObject({ cpu: 2048, memory: 4096 });
    expect(catalog?.recommended).toEqual({ cpu: 512, memory: 2048 });
    expect(catalog?.estimatedMonthlySavings).toBeGreaterThan(100);
    const plan = (
      run?.outcome as { plan?: { skipped?: { targetKey: string; reason: string }[] } } | undefined
    )?.plan;
    expect(plan?.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          targetKey: "ecs-service:prod/search-api",
          reason: expect.stringContaining("insufficient data"),
        }),
      ]),
    );
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
  });

  it("applies in auto mode, verifies, and marks the recommendation applied", async () => {
    const decision = await startRightsize(policy("auto", CATALOG));
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    expect((await plane.store.getRun(decision.runId))?.status).toBe("succeeded");
    const service = await plane.sandbox.ports.ecs.describeService("prod", "catalog-api");
    const taskDefinition = await plane.sandbox.ports.ecs.describeTaskDefinition(service.taskDefinitionArn);
    expect({ cpu: taskDefinition.cpu, memory: taskDefinition.memory }).toEqual({ cpu: 512, memory: 2048 });
    const [recommendation] = (
      await plane.store.listRecommendationsByTarget({ target: "ecs-service:prod/catalog-api" })
    ).items;
    expect(recommendation?.status).toBe("applied");
    // The target now cools down for days: a second run leaves it alone.
    expect(
      (
        await plane.store.getCooldown({
          policy: "rightsize-services",
          target: "resized:ecs-service:prod/catalog-api",
        })
      ).active,
    ).toBe(true);
  });

  it("reverts a change when the target's alarm fires during the verify window", async () => {
    plane.beforeStep = (_runbook, step) => {
      if (step === "verify")
        plane.sandbox.scenario.setAlarmState("catalog-api-5xx-rate", "ALARM", "errors after resizing");
    };
    const before = (await plane.sandbox.ports.ecs.describeService("prod", "catalog-api")).taskDefinitionArn;

    const decision = await startRightsize(policy("auto", CATALOG));
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("reverted");
    expect(run?.reason).toContain("reverted ecs-service:prod/catalog-api");
    expect((await plane.sandbox.ports.ecs.describeService("prod", "catalog-api")).taskDefinitionArn).toBe(
      before,
    );
    const [recommendation] = (
      await plane.store.listRecommendationsByTarget({ target: "ecs-service:prod/catalog-api" })
    ).items;
    expect(recommendation?.status).toBe("open");
  });

  it("applies no more than the blast radius allows", async () => {
    const decision = await startRightsize(
      policy("auto", ACCOUNT, "guardrails: { blastRadius: { maxCount: 1 } }"),
    );
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const resized = plane.sandbox.actions.filter(
      (a) => a.operation === "ecs.updateServiceTaskDefinition" && !a.error,
    );
    expect(resized).toHaveLength(1);
    // checkout-api's alarms are firing (a bad release): it is never resized, whatever its utilisation.
    expect(resized[0]?.target).not.toBe("ecs-service:prod/checkout-api");
    const run = await plane.store.getRun(decision.runId);
    const plan = (
      run?.outcome as { plan?: { skipped?: { reason: string }[]; toApply?: string[] } } | undefined
    )?.plan;
    expect(plan?.toApply).toHaveLength(1);
    expect(plan?.skipped?.some((s) => s.reason.includes("blast radius"))).toBe(true);
    expect(run?.status).toBe("succeeded");
  });
});
