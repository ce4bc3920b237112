import type { Policy } from "../policy/policy.ts";
import type { ApprovalResumer } from "../ports/approval-resumer.ts";
import { type Approval, effectiveApprovalDecision } from "../store/approval.ts";
import type { Store } from "../store/store.ts";
import { auditAccessDenied, checkSlackAccess } from "./access.ts";
import { requesterOf, who } from "./commands/format.ts";
import { decideApproval } from "./decide-approval.ts";
import type { SlackApprovalDecision, SlackHooks } from "./deps.ts";
import { SlackSettingsSchema } from "./settings.ts";

/** What deciding an approval from Slack needs. */
export interface SlackApprovalDeps extends SlackHooks {
  store: Store;
  approvals: ApprovalResumer;
  /** The policy an approval is for, by name; undefined when the policies are not known here at all. */
  policyNamed: ((name: string) => Policy | undefined) | undefined;
  now: () => Date;
}

/** A decision asked for in Slack: by the command or by a button. */
export interface SlackApprovalRequest {
  /** The approval id (`approval-<run id>`); the run id alone is accepted too. */
  approvalId: string;
  decision: "approved" | "denied";
  userId: string;
  channelId: string | undefined;
  /** The person's reason, if they gave one. */
  reason?: string;
  /** How it arrived, for the audit entry: `the approve command`, `the approval buttons`. */
  via: string;
  /** True when the caller already checked the access rule (the command dispatcher does). */
  accessChecked?: boolean;
  /**
   * The plan hash (or its prefix) the person was shown, from the clicked approval message. An approval
   * whose stored plan is not that one is refused: the person would approve a plan they did not see.
   */
  shownPlanHash?: string;
}

/**
 * What came of it: `access` (the access rule refused the person: 403), `refused` (not decided, for the
 * reason in `text`), `decided`.
 */
export type SlackApprovalResult =
  | { kind: "access"; text: string }
  | { kind: "refused"; text: string }
  | {
      kind: "decided";
      text: string;
      approval: Omit<Approval, "taskToken">;
      decision: SlackApprovalDecision;
    };

/**
 * Approves or denies from Slack. In order: the `approve` / `deny` access rule; the approval exists; for an
 * approval, four eyes — whoever asked for the run by a chat command cannot approve it — and the policy's
 * `approval.approvers` when it lists any; then the store's conditional decision (pending, unexpired, same
 * plan), which resumes or fails the waiting workflow. Every refusal is audited; a decision is audited by
 * `decideApproval`. The caller then tells `onApprovalDecided` ({@link tellApprovalDecided}).
 *
 * @example
 * const result = await decideSlackApproval(deps, { approvalId, decision: "approved", userId: "U024BE7LH", channelId, via: "the approval buttons" });
 */
export async function decideSlackApproval(
  deps: SlackApprovalDeps,
  request: SlackApprovalRequest,
): Promise<SlackApprovalResult> {
  const verb = request.decision === "approved" ? "approve" : "deny";
  if (!request.accessChecked) {
    const settings = deps.settings ?? SlackSettingsSchema.parse({});
    const accessRequest = { command: verb, userId: request.userId, channelId: request.channelId };
    const access = await checkSlackAccess(
      { settings, slack: deps.slack, onError: deps.onError, now: deps.now },
      accessRequest,
    );
    if (!access.allowed) {
      await auditAccessDenied(deps.store, accessRequest, access.reason, access.rule);
      return { kind: "access", text: `You may not ${verb} approvals: ${access.reason}.` };
    }
  }

  const approval = await findApproval(deps.store, request.approvalId);
  if (approval === undefined) {
    return {
      kind: "refused",
      text: `No approval \`${request.approvalId}\`: approvals are named \`approval-<run id>\`, as on the approval message.`,
    };
  }
  if (request.decision === "approved" && effectiveApprovalDecision(approval, deps.now()) === "pending") {
    const refusal =
      request.shownPlanHash !== undefined && !approval.planHash.startsWith(request.shownPlanHash)
        ? `the plan changed since this message was posted (it showed ${request.shownPlanHash}, the approval is for ${approval.planHash}); approve the plan as it is now, from its own message`
        : await approverRefusal(deps, approval, request.userId);
    if (refusal !== undefined) {
      await deps.store.appendAudit({
        kind: "approval",
        action: "refused",
        actor: request.userId,
        reason: `${request.userId} may not approve ${approval.id}: ${refusal}`,
        policy: approval.policy,
        target: approval.target,
        runId: approval.runId,
      });
      return { kind: "refused", text: `Not approved: ${refusal}.` };
    }
  }

  // A denial always carries a reason: the waiting workflow fails with it.
  const stored =
    request.reason ?? (request.decision === "denied" ? `denied in Slack by ${request.userId}` : undefined);
  const outcome = await decideApproval(
    { store: deps.store, approvals: deps.approvals },
    {
      id: approval.id,
      decision: request.decision,
      by: request.userId,
      via: request.via,
      ...(stored === undefined ? {} : { reason: stored }),
    },
  );
  const done = request.decision === "approved" ? "approved" : "denied";
  if (!outcome.decided) return { kind: "refused", text: `Not ${done}: ${outcome.message}.` };
  const why = request.reason === undefined ? "" : `: ${request.reason}`;
  return {
    kind: "decided",
    text: `Approval ${approval.id} ${done} by ${who(request.userId)}${why}.`,
    approval: outcome.approval,
    decision: {
      decision: request.decision,
      by: request.userId,
      ...(stored === undefined ? {} : { reason: stored }),
    },
  };
}

/**
 * Tells `onApprovalDecided` of a decision; a failure goes to `onError` (the decision stands). Called last,
 * after any reply that replaces the approval message, so that the hook's update of it is the one that stays.
 *
 * @example
 * if (result.kind === "decided") await tellApprovalDecided(deps, result);
 */
export async function tellApprovalDecided(
  deps: Pick<SlackHooks, "onApprovalDecided" | "onError">,
  result: Extract<SlackApprovalResult, { kind: "decided" }>,
): Promise<void> {
  if (deps.onApprovalDecided === undefined) return;
  try {
    await deps.onApprovalDecided(result.approval, result.decision);
  } catch (error) {
    deps.onError?.(error);
  }
}

async function findApproval(store: Store, id: string): Promise<Approval | undefined> {
  const approval = await store.getApproval(id);
  if (approval !== undefined || id.startsWith("approval-")) return approval;
  return store.getApproval(`approval-${id}`);
}

/**
 * Why `userId` may not approve, or undefined when they may: four eyes (not the person who asked for the
 * run) and the policy's own approvers.
 */
async function approverRefusal(
  deps: SlackApprovalDeps,
  approval: Approval,
  userId: string,
): Promise<string | undefined> {
  const requesters = new Set<string>();
  const fromRun = requesterOf(await deps.store.getRun(approval.runId));
  if (fromRun !== undefined) requesters.add(fromRun);
  // An approval requested on a person's behalf names them; the router and the workflows name themselves.
  if (/^[UW][A-Z0-9]{2,}$/.test(approval.requestedBy)) requesters.add(approval.requestedBy);
  if (requesters.has(userId)) {
    return "you asked for this run; another person must approve it (four eyes)";
  }
  if (deps.policyNamed === undefined) {
    return `the approvers of policy ${approval.policy} cannot be checked here; approve it with the command`;
  }
  const approvers = deps.policyNamed(approval.policy)?.approval.approvers ?? [];
  if (approvers.length > 0 && !approvers.includes(userId)) {
    return `policy ${approval.policy} is approved only by ${approvers.map(who).join(", ")}`;
  }
  return undefined;
}
