import type { DynamoStore } from "@architech/aws";
import { RecordingSlack } from "@architech/local";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handler } from "./escalate-approvals.ts";
import { context, NOW, type RouterTestBed, startRouterTestBed } from "./test-support.ts";

const POLICY = "rollback-on-errors";
const ONCALL = "S0PLATFORMONCALL";
const policies = {
  "rollback.yaml": `
name: ${POLICY}
description: Roll back services whose error-rate alarms fire, once a person approves.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
runbook: rollback
target: { from: alarm-dimensions }
mode: approve
approval: { escalateAfter: 15m, deadline: 1h }
notify: { slack: "#oncall", oncall: ${ONCALL} }
`,
};

/** What Scheduler delivers to the function: the schedule's input, which the sweep does not read. */
const scheduled = { source: "architech.escalation" };

const MINUTE = 60_000;

/** An approval the workflow asked for `minutesAgo` minutes before the sweep, for one hour. */
async function requestedAgo(store: DynamoStore, id: string, minutesAgo: number): Promise<void> {
  const requestedAt = new Date(NOW.getTime() - minutesAgo * MINUTE);
  // The store stamps `requestedAt` from its clock, which reads the sweep's time: written as it was then.
  await store.entities.approval
    .create({
      id,
      runId: `run-${id}`,
      policy: POLICY,
      target: "ecs-service:prod/checkout-api",
      planHash: "sha256:0123456789abcdef",
      requestedBy: "architech",
      requestedAt: requestedAt.toISOString(),
      expiresAt: new Date(requestedAt.getTime() + 60 * MINUTE).toISOString(),
      decision: "pending",
    })
    .go();
}

let bed: RouterTestBed;
let store: DynamoStore;
let slack: RecordingSlack;
beforeAll(async () => {
  bed = await startRouterTestBed();
});
afterAll(async () => {
  await bed.stop();
});
beforeEach(async () => {
  slack = new RecordingSlack({ clock: { now: () => NOW } });
  store = await bed.reset(policies, { port: slack });
});

describe("escalate-approvals handler", () => {
  it("mentions the on-call once for an approval pending past escalateAfter, and audits it", async () => {
    // Prepare
    await requestedAgo(store, "approval-run-1", 16);

    // Act
    const first = await handler(scheduled, context);
    const second = await handler(scheduled, context);

    // Assess
    expect(first).toEqual({ escalated: ["approval-run-1"], checked: 1, failed: [] });
    expect(second).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(slack.messages).toEqual([
      expect.objectContaining({ channel: "#oncall", text: expect.stringContaining(`<!subteam^${ONCALL}>`) }),
    ]);
    const audit = await store.listAuditByRun({ runId: "run-approval-run-1", order: "oldest-first" });
    expect(audit.items).toEqual([
      expect.objectContaining({
        kind: "approval",
        action: "escalated",
        actor: "escalation",
        reason: expect.stringContaining(ONCALL),
      }),
    ]);
  });

  it("escalates once when two invocations sweep at the same time", async () => {
    // Prepare
    await requestedAgo(store, "approval-run-4", 20);

    // Act
    const [one, other] = await Promise.all([handler(scheduled, context), handler(scheduled, context)]);

    // Assess
    expect([...one.escalated, ...other.escalated]).toEqual(["approval-run-4"]);
    expect(slack.messages).toHaveLength(1);
  });

  it("leaves an approval alone until escalateAfter has passed", async () => {
    // Prepare
    await requestedAgo(store, "approval-run-2", 14);

    // Act
    const result = await handler(scheduled, context);

    // Assess
    expect(result).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(slack.messages).toEqual([]);
  });

  it("escalates nothing once the approval has been decided", async () => {
    // Prepare
    await requestedAgo(store, "approval-run-3", 30);
    await store.decideApproval({
      id: "approval-run-3",
      planHash: "sha256:0123456789abcdef",
      decision: "approved",
      decidedBy: "slack:U024BE7LH",
    });

    // Act
    const result = await handler(scheduled, context);

    // Assess
    expect(result.escalated).toEqual([]);
    expect(slack.messages).toEqual([]);
  });
});
