import { describe, expect, it } from "vitest";
import { parsePolicySet } from "../policy/load.ts";
import type { Notifier, RunNotice } from "../ports/notifier.ts";
import { PolicyIndex } from "../router/policy-index.ts";
import type { Approval } from "../store/approval.ts";
import type { AppendAuditInput, AuditEntry } from "../store/audit.ts";
import { ClaimDedupeInputSchema, type ClaimDedupeResult } from "../store/dedupe.ts";
import type { Run } from "../store/run.ts";
import { type EscalateApprovalsDeps, escalateApprovals } from "./escalate-approvals.ts";

const REQUESTED = "2026-12-01T10:00:00.000Z";
const MINUTE = 60_000;
const POLICY = "rollback-on-errors";
const QUIET = "rollback-quietly";

const policies = (() => {
  const policy = (name: string, extra: string) => `
name: ${name}
description: Roll back services whose error-rate alarms fire.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
runbook: rollback
target: { from: alarm-dimensions }
mode: approve
${extra}`;
  const { policies, problems } = parsePolicySet([
    {
      file: "policies.yaml",
      text: [
        policy(
          POLICY,
          `approval: { escalateAfter: 10m, deadline: 1h }\nnotify: { slack: "#oncall", oncall: S0PLATFORMONCALL }`,
        ),
        policy(QUIET, `notify: { slack: "#oncall" }`),
      ].join("\n---\n"),
    },
  ]);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return new PolicyIndex(policies.map((p) => p.policy));
})();

function at(offsetMs: number): Date {
  return new Date(Date.parse(REQUESTED) + offsetMs);
}

function approval(id: string, overrides: Partial<Approval> = {}): Approval {
  return {
    id,
    runId: `run-${id}`,
    policy: POLICY,
    target: "ecs-service:prod/checkout-api",
    planHash: "sha256:0123456789abcdef",
    requestedBy: "architech",
    requestedAt: REQUESTED,
    expiresAt: at(60 * MINUTE).toISOString(),
    decision: "pending",
    ...overrides,
  };
}

/**
 * The store as far as the sweep uses it, in memory: the pending listing comes in pages of at most two
 * (a store may return fewer items than asked), a dedupe claim is validated as the store validates it and
 * is won by the first live claim, as the conditional write is.
 */
function fakeStore(clock: { now(): Date }, approvals: Approval[]) {
  const runs = new Map<string, Run>();
  const claims = new Map<string, { runId: string; claimedAt: string; expiresAt: number }>();
  const audit: AppendAuditInput[] = [];
  let failAuditFor: string | undefined;
  const store: EscalateApprovalsDeps["store"] = {
    async listPendingApprovals({ limit = 50, cursor }) {
      const pending = approvals
        .filter((a) => a.decision === "pending")
        .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
      const start = cursor === undefined ? 0 : Number(cursor);
      const end = start + Math.min(limit, 2);
      return {
        items: pending.slice(start, end),
        ...(end < pending.length ? { cursor: String(end) } : {}),
      };
    },
    async getApproval(id) {
      return approvals.find((a) => a.id === id);
    },
    async claimDedupe(raw): Promise<ClaimDedupeResult> {
      const input = ClaimDedupeInputSchema.parse(raw);
      await Promise.resolve();
      const key = `${input.policy}\u0000${input.key}`;
      const now = clock.now().getTime();
      const held = claims.get(key);
      if (held && held.expiresAt > now)
        return { claimed: false, runId: held.runId, claimedAt: held.claimedAt };
      claims.set(key, {
        runId: input.runId,
        claimedAt: clock.now().toISOString(),
        expiresAt: now + input.ttlMs,
      });
      return { claimed: true, runId: input.runId };
    },
    async appendAudit(input) {
      if (input.runId === `run-${failAuditFor}`) throw new Error("the store is unavailable");
      audit.push(input);
      return { ...input, id: "01JE0000000000000000000000", at: clock.now().toISOString() } as AuditEntry;
    },
    async getRun(id) {
      return runs.get(id);
    },
  };
  return {
    store,
    runs,
    audit,
    claims,
    failAuditFor(id: string) {
      failAuditFor = id;
    },
  };
}

function sweeper(approvals: Approval[], now: Date) {
  const clock = { current: now, now: () => clock.current };
  const fake = fakeStore(clock, approvals);
  const notices: RunNotice[] = [];
  const notifier: Notifier = {
    notify: async () => {},
    announce: async (notice) => {
      notices.push(notice);
    },
  };
  const deps: EscalateApprovalsDeps = { store: fake.store, policies, notifier, clock };
  return { ...fake, clock, notices, sweep: () => escalateApprovals(deps) };
}

describe("escalateApprovals", () => {
  it("does not escalate an approval before its policy's escalateAfter has passed", async () => {
    // Prepare
    const { sweep, notices, audit, claims } = sweeper([approval("approval-a")], at(10 * MINUTE - 1));

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(notices).toEqual([]);
    expect(audit).toEqual([]);
    expect(claims.size).toBe(0);
  });

  it("escalates it exactly at escalateAfter: audited, then the on-call is mentioned in the run's thread", async () => {
    // Prepare
    const pending = approval("approval-a");
    const { sweep, notices, audit } = sweeper([pending], at(10 * MINUTE));

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ escalated: ["approval-a"], checked: 1, failed: [] });
    expect(notices).toEqual([
      {
        kind: "approval-escalated",
        run: expect.objectContaining({
          runId: "run-approval-a",
          policy: POLICY,
          runbook: "rollback",
          targetKey: "ecs-service:prod/checkout-api",
          notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
        }),
        approvalId: "approval-a",
        expiresAt: pending.expiresAt,
      },
    ]);
    expect(audit).toEqual([
      expect.objectContaining({
        kind: "approval",
        action: "escalated",
        actor: "escalation",
        reason: expect.stringContaining("mentioned S0PLATFORMONCALL"),
        policy: POLICY,
        target: "ecs-service:prod/checkout-api",
        runId: "run-approval-a",
      }),
    ]);
  });

  it("escalates an approval once across two sweeps", async () => {
    // Prepare
    const { sweep, notices, audit, clock } = sweeper([approval("approval-a")], at(11 * MINUTE));
    const first = await sweep();
    clock.current = at(12 * MINUTE);

    // Act
    const second = await sweep();

    // Assess
    expect(first.escalated).toEqual(["approval-a"]);
    expect(second).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(notices).toHaveLength(1);
    expect(audit).toHaveLength(1);
  });

  it("escalates an approval once across two concurrent sweeps", async () => {
    // Prepare
    const { sweep, notices, audit } = sweeper(
      [approval("approval-a"), approval("approval-b")],
      at(11 * MINUTE),
    );

    // Act
    const [one, other] = await Promise.all([sweep(), sweep()]);

    // Assess
    expect([...one.escalated, ...other.escalated].sort()).toEqual(["approval-a", "approval-b"]);
    expect(notices.map((n) => (n.kind === "approval-escalated" ? n.approvalId : n.kind)).sort()).toEqual([
      "approval-a",
      "approval-b",
    ]);
    expect(audit).toHaveLength(2);
  });

  it("does not escalate an approval at or after its expiry: it counts as denied by then", async () => {
    // Prepare
    const expiring = approval("approval-a", { expiresAt: at(30 * MINUTE).toISOString() });
    const { sweep, notices, clock } = sweeper([expiring], at(30 * MINUTE));
    const atExpiry = await sweep();
    clock.current = at(45 * MINUTE);

    // Act
    const afterExpiry = await sweep();

    // Assess
    expect(atExpiry).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(afterExpiry).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(notices).toEqual([]);
  });

  it("does not escalate decided approvals, even when the listing has not caught up with the decision", async () => {
    // Prepare
    const decided = {
      decision: "approved" as const,
      decidedBy: "slack:U024BE7LH",
      decidedAt: at(5 * MINUTE).toISOString(),
    };
    const approvals = [approval("approval-a", decided), approval("approval-b", { decision: "denied" })];
    const { sweep, store, notices } = sweeper(approvals, at(20 * MINUTE));
    const listed = approval("approval-a");
    store.listPendingApprovals = async () => ({ items: [listed] });

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ escalated: [], checked: 1, failed: [] });
    expect(notices).toEqual([]);
  });

  it("uses 15 minutes for an approval whose policy is gone, and mentions nobody", async () => {
    // Prepare
    const orphan = approval("approval-a", { policy: "retired-policy" });
    const { sweep, notices, audit, clock } = sweeper([orphan], at(15 * MINUTE - 1));
    const early = await sweep();
    clock.current = at(15 * MINUTE);

    // Act
    const due = await sweep();

    // Assess
    expect(early.escalated).toEqual([]);
    expect(due.escalated).toEqual(["approval-a"]);
    expect(notices).toEqual([
      expect.objectContaining({
        kind: "approval-escalated",
        run: expect.not.objectContaining({ notify: expect.anything() }),
      }),
    ]);
    expect(audit).toEqual([
      expect.objectContaining({ reason: expect.stringContaining("retired-policy is no longer loaded") }),
    ]);
  });

  it("uses the default 15 minutes of a policy that does not set escalateAfter, and says nobody is on call", async () => {
    // Prepare
    const quiet = approval("approval-a", { policy: QUIET });
    const { sweep, audit, clock } = sweeper([quiet], at(14 * MINUTE));
    const early = await sweep();
    clock.current = at(15 * MINUTE);

    // Act
    const due = await sweep();

    // Assess
    expect(early.escalated).toEqual([]);
    expect(due.escalated).toEqual(["approval-a"]);
    expect(audit).toEqual([
      expect.objectContaining({ reason: expect.stringContaining(`${QUIET} names no on-call`) }),
    ]);
  });

  it("replies in the thread of the alarm that started the run, where the run's message is", async () => {
    // Prepare
    const { sweep, notices, runs } = sweeper([approval("approval-a")], at(10 * MINUTE));
    const alarmArn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate";
    runs.set("run-approval-a", {
      id: "run-approval-a",
      policy: POLICY,
      runbook: "rollback",
      target: "ecs-service:prod/checkout-api",
      signal: {
        type: "alarm",
        id: "evt-1",
        alarmName: "checkout-api-5xx-rate",
        alarmArn,
        account: "123456789012",
        region: "eu-west-1",
        state: "ALARM",
        stateChangedAt: "2026-12-01T09:58:00.000Z",
        reason: "Threshold Crossed",
      },
      mode: "approve",
      status: "awaiting-approval",
      createdAt: REQUESTED,
      updatedAt: REQUESTED,
    });

    // Act
    await sweep();

    // Assess
    expect(notices).toEqual([
      expect.objectContaining({
        run: expect.objectContaining({
          trigger: expect.objectContaining({
            type: "alarm",
            alarm: {
              name: "checkout-api-5xx-rate",
              arn: alarmArn,
              since: "2026-12-01T09:58:00.000Z",
              reason: "Threshold Crossed",
            },
          }),
        }),
      }),
    ]);
  });

  it("reads every page of pending approvals", async () => {
    // Prepare
    const approvals = ["a", "b", "c", "d", "e"].map((id) => approval(`approval-${id}`));
    const { sweep, notices } = sweeper(approvals, at(20 * MINUTE));

    // Act
    const result = await sweep();

    // Assess
    expect(result.checked).toBe(5);
    expect(result.escalated.sort()).toEqual(approvals.map((a) => a.id));
    expect(notices).toHaveLength(5);
  });

  it("goes on with the other approvals when one fails, and reports it without announcing it", async () => {
    // Prepare
    const { sweep, notices, failAuditFor } = sweeper(
      [approval("approval-a"), approval("approval-b")],
      at(20 * MINUTE),
    );
    failAuditFor("approval-a");

    // Act
    const result = await sweep();

    // Assess
    expect(result.escalated).toEqual(["approval-b"]);
    expect(result.failed).toEqual([
      { approvalId: "approval-a", error: expect.objectContaining({ message: "the store is unavailable" }) },
    ]);
    expect(notices).toHaveLength(1);
  });
});
