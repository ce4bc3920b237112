import { normalizeEvent, route, type StartedDecision } from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, stopDatabase } from "./harness.ts";

const POLICY = `
name: rollback-by-hand
description: A person asks for a rollback.
trigger: { command: { name: rollback } }
runbook: rollback
target: { from: event }
mode: auto
guardrails: { cooldown: 0s, maxRunsPerHour: 100 }
notify: { slack: "#deployments" }
`;

const TD = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:${revision}`;

let plane: ControlPlane;
let triggers = 0;
beforeEach(async () => {
  plane = await startControlPlane();
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

/** Types `/architech <text>` in Slack and waits for the run to finish. */
async function ask(text: string) {
  const body = new URLSearchParams({
    team_id: "T1",
    channel_id: "C1",
    channel_name: "deployments",
    user_id: "U0ANA0001",
    user_name: "ana",
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: `ask-${++triggers}`,
  }).toString();
  const signal = normalizeEvent({ kind: "slack-command", body });
  if (!signal.ok) throw new Error(signal.error.message);
  const result = await route(signal.signal, plane.deps(POLICY));
  const decision = result.decisions[0];
  if (decision?.kind !== "start") throw new Error(`expected a start, got ${JSON.stringify(decision)}`);
  const execution = await plane.runner.waitForExecution((decision as StartedDecision).executionArn);
  const run = await plane.store.getRun(decision.runId);
  return { execution, run };
}

const running = async () =>
  (await plane.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn;

describe("rollback --to on the embedded runtime", () => {
  it("rolls back to exactly the release asked for, past the last known-good one", async () => {
    // Prepare: checkout-api runs 42; 41 is its last known-good release, 40 the one before.
    expect(await running()).toBe(TD(42));

    // Act
    const { execution, run } = await ask(
      'rollback prod/checkout-api --to checkout-api:40 --reason "41 leaks memory"',
    );

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(run?.status).toBe("succeeded");
    expect(await running()).toBe(TD(40));
  });

  it("refuses a release it does not know, and changes nothing", async () => {
    const { execution, run } = await ask("rollback prod/checkout-api --to checkout-api:39");

    expect(execution.status).toBe("FAILED");
    expect(run?.status).toBe("failed");
    expect(run?.reason).toContain("not in the release history");
    expect(await running()).toBe(TD(42));
    expect(plane.sandbox.actions.filter((a) => a.operation === "ecs.updateServiceTaskDefinition")).toEqual(
      [],
    );
  });

  it("never rolls forward to a release newer than the one running", async () => {
    await ask("rollback prod/checkout-api --to checkout-api:41");
    expect(await running()).toBe(TD(41));

    const { run } = await ask("rollback prod/checkout-api --to v2.15.0");

    expect(run?.status).toBe("failed");
    expect(run?.reason).toContain("never rolls forward");
    expect(await running()).toBe(TD(41));
  });
});
