import { normalizeEvent, type Signal, type StartedDecision } from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { alarmEvent } from "../integration/router/fakes.ts";
import {
  buttonsOf,
  type ControlPlane,
  slackMessageOfRun,
  startControlPlane,
  stopDatabase,
  waitFor,
} from "./harness.ts";

const policy = (mode: string, extra = "") => `
name: rollback-on-errors
description: Roll back services whose error-rate or latency alarms fire.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      alarmName: [{ suffix: "-5xx-rate" }, { suffix: "-error-rate" }]
      state: { value: [ALARM] }
runbook: rollback
params: { verifyWindow: 10m }
target: { from: alarm-dimensions }
mode: ${mode}
notify: { slack: "#oncall", oncall: S0PLATFORMONCALL }
${extra}`;

const CHECKOUT = "ecs-service:prod/checkout-api";
const GOOD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:41";
const BAD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:42";

function alarmSignal(id: string, alarmName: string, service: string, time: string): Signal {
  const result = normalizeEvent(alarmEvent({ id, alarmName, service, cluster: "prod", time }));
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

let plane: ControlPlane;
beforeEach(async () => {
  plane = await startControlPlane();
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

async function startRollback(
  mode: string,
  alarm = "checkout-api-5xx-rate",
  service = "checkout-api",
  extra = "",
) {
  const { route } = await import("@architech/core");
  const result = await route(
    alarmSignal(`evt-${alarm}-${mode}`, alarm, service, plane.clock.now().toISOString()),
    plane.deps(policy(mode, extra)),
  );
  const decision = result.decisions[0];
  if (!decision || decision.kind === "suppressed" || decision.kind === "rejected") {
    throw new Error(`expected a started run, got ${JSON.stringify(decision)}`);
  }
  return decision as StartedDecision;
}

describe("rollback on the embedded runtime", () => {
  it("rolls a bad release back to the last known-good one, and its alarm recovers", async () => {
    expect((await plane.sandbox.ports.cloudwatch.describeAlarm("checkout-api-5xx-rate"))?.state).toBe(
      "ALARM",
    );

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const service = await plane.sandbox.ports.ecs.describeService("prod", "checkout-api");
    expect(service.taskDefinitionArn).toBe(GOOD);
    expect((await plane.sandbox.ports.cloudwatch.describeAlarm("checkout-api-5xx-rate"))?.state).toBe("OK");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("succeeded");
    expect(run?.reason).toContain("returned to OK");
    expect((await plane.store.getLease(CHECKOUT))?.released).toBe(true);
    const updates = plane.sandbox.actions.filter((a) => a.operation === "ecs.updateServiceTaskDefinition");
    expect(updates.map((a) => a.target)).toEqual([CHECKOUT]);
    const audit = await plane.store.listAuditByRun({ runId: decision.runId, order: "oldest-first" });
    expect(audit.items.map((e) => e.action)).toEqual(["start", "rolled-back", "succeeded"]);
  });

  it("says so in one Slack message, updated in place to succeeded, in the alarm's thread", async () => {
    const decision = await startRollback("auto");
    await plane.runner.waitForExecution(decision.executionArn);

    const [alarm, ...replies] = plane.sandbox.slack.messages;
    expect(alarm?.channel).toBe("#oncall");
    expect(alarm?.threadTs).toBeUndefined();
    expect(alarm?.text).toContain("Alarm checkout-api-5xx-rate in ALARM");
    expect(replies).toHaveLength(1);
    const message = await slackMessageOfRun(plane, decision.runId);
    expect(message).toBe(replies[0]);
    expect(message?.threadTs).toBe(alarm?.ts);
    expect(message?.text).toContain("succeeded");
    expect(message?.history.map((v) => v.text)).toEqual([
      expect.stringContaining("started"),
      expect.stringContaining("acting: roll ecs-service:prod/checkout-api back"),
      expect.stringContaining("succeeded"),
    ]);
    expect(JSON.stringify(message?.blocks)).not.toContain("subteam");
  });

  it("finishes the run when Slack refuses every message, and reports what it could not say", async () => {
    plane.sandbox.injectFault({
      operation: "slack.*",
      error: "access-denied",
      times: Number.POSITIVE_INFINITY,
    });

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    expect((await plane.store.getRun(decision.runId))?.status).toBe("succeeded");
    expect(plane.sandbox.slack.messages).toEqual([]);
    expect(plane.sandbox.notifierFailures.map((f) => f.kind)).toEqual(
      expect.arrayContaining(["run-started", "run-progress", "run-finished"]),
    );
    expect(plane.sandbox.notifierFailures.every((f) => f.error.includes("chat:PostMessage"))).toBe(true);
  });

  it("refuses when there is no known-good release to return to, and changes nothing", async () => {
    await plane.stop();
    plane = await startControlPlane({ history: false });

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("FAILED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("failed");
    expect(run?.reason).toContain("no known-good release");
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
    expect((await plane.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn).toBe(
      BAD,
    );
    expect((await plane.store.getLease(CHECKOUT))?.released).toBe(true);
  });

  it("does not act on an alarm that has already resolved", async () => {
    // catalog-api runs a healthy release: its alarm is OK by the time the workflow re-checks it.
    const decision = await startRollback("auto", "catalog-api-5xx-rate", "catalog-api");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("cancelled");
    expect(run?.reason).toContain("nothing to roll back");
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
  });

  it("reports a rollback that fails as failed, and releases the lease", async () => {
    plane.sandbox.injectFault({ operation: "ecs.updateServiceTaskDefinition", error: "access-denied" });

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("FAILED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("failed");
    expect(run?.reason).toMatch(/PortRequestRejected|refused|denied/i);
    expect((await plane.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn).toBe(
      BAD,
    );
    expect((await plane.store.getLease(CHECKOUT))?.released).toBe(true);
    const message = await slackMessageOfRun(plane, decision.runId);
    expect(message?.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> .*failed/);
    // The message said "started" first: an edit pages nobody, so the on-call is mentioned in a reply.
    const page = plane.sandbox.slack.messages.filter(
      (m) => m.threadTs === message?.threadTs && m !== message,
    );
    expect(page.map((m) => m.text)).toEqual([
      expect.stringMatching(/^<!subteam\^S0PLATFORMONCALL> .*failed/),
    ]);
  });

  it("retries a throttled rollback and still succeeds", async () => {
    plane.sandbox.injectFault({ operation: "ecs.updateServiceTaskDefinition", error: "throttle", times: 2 });

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    expect((await plane.store.getRun(decision.runId))?.status).toBe("succeeded");
  });

  it("never reports success when the alarm does not recover", async () => {
    // A pipeline ships another bad release on top: the known-good release is then 41 still, but force the
    // alarm to stay in ALARM so that verification cannot pass.
    plane.sandbox.scenario.setAlarmState("checkout-api-5xx-rate", "ALARM", "forced for the test");

    const decision = await startRollback("auto");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("FAILED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("failed");
    expect(run?.reason).toContain("still ALARM");
    // It rolled back, but does not roll forward again on its own.
    expect((await plane.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn).toBe(
      GOOD,
    );
  });

  it("plans in full and touches nothing in dry-run", async () => {
    const decision = await startRollback("dry-run");
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("dry-run");
    expect(run?.reason).toContain("checkout-api:42");
    expect(run?.reason).toContain("checkout-api:41");
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
  });

  it("waits for approval bound to the plan, with the task token kept server-side, then acts", async () => {
    const decision = await startRollback("approve");
    const approvalId = `approval-${decision.runId}`;
    const approval = await waitFor(() => plane.store.getApproval(approvalId));
    expect(approval.taskToken).toBeTruthy();
    const message = await waitFor(async () =>
      plane.sandbox.slack.messages.find((m) => buttonsOf(m).length > 0),
    );
    expect(message.channel).toBe("#oncall");
    expect(buttonsOf(message)).toEqual([
      expect.objectContaining({ action_id: "approve", value: approvalId }),
      expect.objectContaining({ action_id: "deny", value: approvalId }),
    ]);
    expect(JSON.stringify(plane.sandbox.slack.messages)).not.toContain(approval.taskToken);
    const runMessage = await slackMessageOfRun(plane, decision.runId);
    expect(runMessage?.text).toContain("awaiting approval");
    expect(message.threadTs).toBe(runMessage?.threadTs);
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);

    const decided = await plane.store.decideApproval({
      id: approvalId,
      planHash: approval.planHash,
      decision: "approved",
      decidedBy: "U024BE7LH",
    });
    expect(decided.decided).toBe(true);
    await plane.runner.sendTaskSuccess(approval.taskToken ?? "", { approvedBy: "U024BE7LH" });
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    expect((await plane.store.getRun(decision.runId))?.status).toBe("succeeded");
    expect((await plane.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn).toBe(
      GOOD,
    );
  });

  it("treats an approval that expires as a denial", async () => {
    const decision = await startRollback("approve", undefined, undefined, "approval: { deadline: 30m }");
    await waitFor(() => plane.store.getApproval(`approval-${decision.runId}`));
    // Nobody presses a button they were never shown: the deadline passes once the plan is in Slack.
    await waitFor(() =>
      plane.store.getSlackThread({ subject: "approval", id: `approval-${decision.runId}` }),
    );
    plane.clock.advance(31 * 60_000);
    const execution = await plane.runner.waitForExecution(decision.executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("cancelled");
    expect(run?.reason).toContain("approval expired");
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
    const approval = plane.sandbox.slack.messages.find((m) =>
      m.history.some((v) => v.text.startsWith("Approval needed")),
    );
    expect(approval?.text).toContain("expired (denied)");
    expect(buttonsOf(approval)).toEqual([]);
    expect((await slackMessageOfRun(plane, decision.runId))?.text).toContain("cancelled");
  });
});
