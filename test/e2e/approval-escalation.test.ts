import {
  type EscalateApprovalsDeps,
  escalateApprovals,
  normalizeEvent,
  type RouterDeps,
  route,
  type StartedDecision,
} from "@architech/core";
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

const ONCALL = "S0PLATFORMONCALL";
const MINUTE = 60_000;

const POLICY = `
name: rollback-on-errors
description: Roll back services whose error-rate alarms fire, once a person approves.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      alarmName: [{ suffix: "-5xx-rate" }]
      state: { value: [ALARM] }
runbook: rollback
params: { verifyWindow: 10m }
target: { from: alarm-dimensions }
mode: approve
approval: { escalateAfter: 10m, deadline: 30m }
notify: { slack: "#oncall", oncall: ${ONCALL} }
`;

let plane: ControlPlane;
let deps: RouterDeps;
beforeEach(async () => {
  plane = await startControlPlane();
  deps = plane.deps(POLICY);
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

async function startApprovalRun(): Promise<StartedDecision> {
  const normalized = normalizeEvent(
    alarmEvent({
      id: "evt-checkout-api-5xx",
      alarmName: "checkout-api-5xx-rate",
      service: "checkout-api",
      cluster: "prod",
      time: plane.clock.now().toISOString(),
    }),
  );
  if (!normalized.ok) throw new Error(normalized.error.message);
  const decision = (await route(normalized.signal, deps)).decisions[0];
  if (!decision || decision.kind === "suppressed" || decision.kind === "rejected") {
    throw new Error(`expected a started run, got ${JSON.stringify(decision)}`);
  }
  return decision as StartedDecision;
}

/** The sweep as the schedule runs it: over the control plane's store, policies and Slack notifier. */
function sweepDeps(): EscalateApprovalsDeps {
  return {
    store: plane.store,
    policies: deps.policies,
    notifier: plane.sandbox.ports.notifier,
    clock: plane.clock,
  };
}

/** Lets the minutes pass one by one, sweeping at each, as the every-minute schedule does. */
async function sweepEveryMinute(minutes: number): Promise<{ minute: number; escalated: string[] }[]> {
  const swept: { minute: number; escalated: string[] }[] = [];
  for (let minute = 1; minute <= minutes; minute++) {
    plane.clock.advance(MINUTE);
    const { escalated } = await escalateApprovals(sweepDeps());
    swept.push({ minute, escalated });
  }
  return swept;
}

describe("approval escalation on the embedded runtime", () => {
  it("mentions the on-call once in the run's thread when an approval is left pending, and the run still expires to a denial", async () => {
    // Prepare
    const decision = await startApprovalRun();
    const approvalId = `approval-${decision.runId}`;
    await waitFor(() => plane.store.getApproval(approvalId));
    // The plan is in Slack before anyone could be left waiting on it.
    await waitFor(() => plane.store.getSlackThread({ subject: "approval", id: approvalId }));

    // Act
    const swept = await sweepEveryMinute(29);
    // Nobody decides: the 30-minute deadline passes.
    plane.clock.advance(2 * MINUTE);
    const execution = await plane.runner.waitForExecution(decision.executionArn);
    const afterExpiry = await escalateApprovals(sweepDeps());

    // Assess
    expect(swept.filter((s) => s.escalated.length > 0)).toEqual([{ minute: 10, escalated: [approvalId] }]);
    const runMessage = await slackMessageOfRun(plane, decision.runId);
    const escalations = plane.sandbox.slack.messages.filter((m) => m.text.includes("still waiting"));
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.text).toContain(`<!subteam^${ONCALL}>`);
    expect(escalations[0]?.text).toContain(approvalId);
    // The run's message is a reply in its alarm's thread (Slack threads are one level deep): so is this.
    expect(runMessage?.threadTs).toBeDefined();
    expect(escalations[0]?.threadTs).toBe(runMessage?.threadTs);
    const audit = await plane.store.listAuditByRun({ runId: decision.runId, order: "oldest-first" });
    expect(audit.items.filter((e) => e.action === "escalated")).toEqual([
      expect.objectContaining({
        kind: "approval",
        actor: "escalation",
        reason: expect.stringContaining(ONCALL),
      }),
    ]);

    expect(execution.status).toBe("SUCCEEDED");
    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("cancelled");
    expect(run?.reason).toContain("approval expired");
    expect(plane.sandbox.actions.filter((a) => a.via !== "scenario")).toEqual([]);
    const approvalMessage = plane.sandbox.slack.messages.find((m) =>
      m.history.some((v) => v.text.startsWith("Approval needed")),
    );
    expect(approvalMessage?.text).toContain("expired (denied)");
    expect(buttonsOf(approvalMessage)).toEqual([]);
    expect(afterExpiry.escalated).toEqual([]);
  });

  it("does not escalate an approval decided before escalateAfter", async () => {
    // Prepare
    const decision = await startApprovalRun();
    const approvalId = `approval-${decision.runId}`;
    const approval = await waitFor(() => plane.store.getApproval(approvalId));
    await waitFor(() => plane.store.getSlackThread({ subject: "approval", id: approvalId }));
    plane.clock.advance(5 * MINUTE);
    await plane.store.decideApproval({
      id: approvalId,
      planHash: approval.planHash,
      decision: "denied",
      decidedBy: "slack:U024BE7LH",
      reason: "not this release",
    });

    // Act
    const swept = await sweepEveryMinute(10);

    // Assess
    expect(swept.flatMap((s) => s.escalated)).toEqual([]);
    expect(plane.sandbox.slack.messages.filter((m) => m.text.includes("still waiting"))).toEqual([]);
  });
});
