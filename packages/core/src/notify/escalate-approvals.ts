import { createHash } from "node:crypto";
import { ApprovalSchema } from "../policy/policy.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { PolicyIndex } from "../router/policy-index.ts";
import type { Clock } from "../router/ports.ts";
import type { Approval } from "../store/approval.ts";
import type { Store } from "../store/store.ts";
import { formatDuration } from "../time/duration.ts";
import { runNoticeRefOfRun } from "./approval-decided.ts";

/** A policy's `approval.escalateAfter` when it says nothing, and for an approval whose policy is gone. */
export const DEFAULT_ESCALATE_AFTER_MS: number = ApprovalSchema.parse({}).escalateAfter;

/** The actor of the escalations in the audit log. */
export const ESCALATION_ACTOR = "escalation";

/** Pending approvals read per page: a sweep reads them all, page after page. */
const PAGE_SIZE = 100;

/**
 * How long an escalation's claim outlives its approval's expiry. Once expired, an approval is never
 * escalated again, so the claim only has to cover sweeps whose clocks run a little behind.
 */
const CLAIM_MARGIN_MS = 3_600_000;

/** A dedupe key's longest length (a store key part). */
const MAX_KEY_LENGTH = 512;

/** What {@link escalateApprovals} reads, claims, records and tells. */
export interface EscalateApprovalsDeps {
  store: Pick<Store, "listPendingApprovals" | "getApproval" | "claimDedupe" | "appendAudit" | "getRun">;
  policies: PolicyIndex;
  notifier: Notifier;
  clock: Clock;
}

/** What one sweep did. */
export interface ApprovalEscalationSweep {
  /** The ids of the approvals this sweep escalated (claimed, audited and announced). */
  escalated: string[];
  /** How many pending approvals the sweep looked at. */
  checked: number;
  /**
   * Approvals whose escalation failed part-way; the sweep went on with the others. One that failed after
   * its claim is not escalated by a later sweep either: the approval still expires to a denial.
   */
  failed: { approvalId: string; error: unknown }[];
}

/**
 * One sweep of the pending approvals: each one still pending `approval.escalateAfter` (its policy's,
 * 15 minutes when the policy is gone) after it was requested, and not yet expired, mentions the policy's
 * on-call in the run's thread — exactly once. The escalation is claimed first (a dedupe claim per
 * approval), so that sweeps running at the same time, or later, never repeat it; then it is audited
 * (`approval` / `escalated`), then announced. Run it every minute or so.
 *
 * @example
 * const sweep = await escalateApprovals({ store, policies, notifier, clock });
 * logger.info("approvals escalated", { escalated: sweep.escalated, checked: sweep.checked });
 */
export async function escalateApprovals(deps: EscalateApprovalsDeps): Promise<ApprovalEscalationSweep> {
  const sweep: ApprovalEscalationSweep = { escalated: [], checked: 0, failed: [] };
  let cursor: string | undefined;
  do {
    const page = await deps.store.listPendingApprovals({
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const approval of page.items) {
      sweep.checked += 1;
      try {
        if (await escalateApproval(deps, approval)) sweep.escalated.push(approval.id);
      } catch (error) {
        sweep.failed.push({ approvalId: approval.id, error });
      }
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return sweep;
}

/** Escalates one approval if it is due and no sweep has yet; true when this call escalated it. */
async function escalateApproval(deps: EscalateApprovalsDeps, listed: Approval): Promise<boolean> {
  const { store, policies, notifier, clock } = deps;
  const policy = policies.byName(listed.policy);
  const escalateAfterMs = policy?.approval.escalateAfter ?? DEFAULT_ESCALATE_AFTER_MS;
  if (!isDue(listed, escalateAfterMs, clock.now())) return false;
  // The listing is read from an index that may trail a decision by a moment: the approval itself is not.
  const approval = await store.getApproval(listed.id);
  const now = clock.now();
  if (approval === undefined || !isDue(approval, escalateAfterMs, now)) return false;
  const expiresAt = Date.parse(approval.expiresAt);

  const claim = await store.claimDedupe({
    policy: approval.policy,
    key: escalationKey(approval.id),
    runId: approval.runId,
    ttlMs: expiresAt - now.getTime() + CLAIM_MARGIN_MS,
  });
  if (!claim.claimed) return false;

  const run = await store.getRun(approval.runId);
  const ref = runNoticeRefOfRun(run, approval, policies);
  const oncall = ref.notify?.oncall;
  await store.appendAudit({
    kind: "approval",
    action: "escalated",
    actor: ESCALATION_ACTOR,
    reason:
      `approval ${approval.id} still pending ${formatDuration(escalateAfterMs)} after it was requested: ` +
      (oncall !== undefined
        ? `mentioned ${oncall}, on call for ${ref.policy}`
        : policy === undefined
          ? `policy ${approval.policy} is no longer loaded, so nobody is mentioned`
          : `policy ${approval.policy} names no on-call, so nobody is mentioned`),
    policy: approval.policy,
    target: approval.target,
    runId: approval.runId,
    details: {
      approvalId: approval.id,
      expiresAt: approval.expiresAt,
      escalateAfter: formatDuration(escalateAfterMs),
      ...(oncall === undefined ? {} : { oncall }),
    },
  });
  await notifier.announce({
    kind: "approval-escalated",
    run: ref,
    approvalId: approval.id,
    expiresAt: approval.expiresAt,
  });
  return true;
}

/**
 * Whether the approval is still pending, `escalateAfterMs` or more after it was requested, and not past its
 * expiry: from then on it counts as denied, whether or not the workflow has written so yet.
 */
function isDue(approval: Approval, escalateAfterMs: number, now: Date): boolean {
  const at = now.getTime();
  return (
    approval.decision === "pending" &&
    at >= Date.parse(approval.requestedAt) + escalateAfterMs &&
    at < Date.parse(approval.expiresAt)
  );
}

/**
 * The dedupe key of an approval's escalation. Approval ids are store key parts (no `#`); one too long to
 * take the prefix is hashed instead, so the key stays a key part too.
 */
function escalationKey(approvalId: string): string {
  const key = `approval-escalation:${approvalId}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `approval-escalation:sha256:${createHash("sha256").update(approvalId).digest("hex")}`;
}
