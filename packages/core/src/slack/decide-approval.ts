import type { ApprovalResumer } from "../ports/approval-resumer.ts";
import type { Approval } from "../store/approval.ts";
import type { Store } from "../store/store.ts";

/** What deciding an approval needs, whichever way the decision arrives. */
export interface ApprovalDecisionRequest {
  id: string;
  decision: "approved" | "denied";
  /** Who decides, e.g. a Slack user id. */
  by: string;
  reason?: string;
  /** How the decision arrived, for the audit entry: "the local API", "Slack". */
  via: string;
}

/** Why an approval was not decided: there is none, or the store refused the decision. */
export type ApprovalRefusal = "not-found" | "already-decided" | "expired" | "plan-mismatch";

export type ApprovalDecisionOutcome =
  | { decided: true; approval: Omit<Approval, "taskToken"> }
  | { decided: false; notFound: boolean; message: string; refusal: ApprovalRefusal };

/** What {@link decideApproval} acts through. */
export interface ApprovalDecisionDeps {
  store: Store;
  approvals: ApprovalResumer;
}

/** Why the store refused, in words for the person who tried: what happened and what to do now. */
function refusalText(reason: Exclude<ApprovalRefusal, "not-found">, approval: Approval): string {
  switch (reason) {
    case "already-decided":
      return `it has already been decided (${approval.decision}${approval.decidedBy ? ` by ${approval.decidedBy}` : ""})`;
    case "expired":
      return `it expired at ${approval.expiresAt}: an approval not given in time counts as denied, so nothing was approved; ask for the run again if it is still needed`;
    case "plan-mismatch":
      return "the plan changed since the approval was requested, so nothing was approved; review the new plan and decide on it";
  }
}

/** The approval as it may be shown: without the task token that resumes its workflow. */
export function withoutTaskToken(approval: Approval): Omit<Approval, "taskToken"> {
  const { taskToken: _token, ...rest } = approval;
  return rest;
}

/**
 * Decides an approval, bound to the plan hash stored with it, audits the decision, then resumes the
 * waiting workflow (approved) or fails it with `ApprovalDenied` (denied).
 *
 * @example
 * const outcome = await decideApproval({ store, approvals }, { id, decision: "approved", by: "U024BE7LH", via: "Slack" });
 */
export async function decideApproval(
  { store, approvals }: ApprovalDecisionDeps,
  { id, decision, by, reason, via }: ApprovalDecisionRequest,
): Promise<ApprovalDecisionOutcome> {
  const notFound = {
    decided: false,
    notFound: true,
    message: `no approval ${id}`,
    refusal: "not-found",
  } as const;
  const approval = await store.getApproval(id);
  if (approval === undefined) return notFound;
  const result = await store.decideApproval({
    id,
    planHash: approval.planHash,
    decision,
    decidedBy: by,
    ...(reason === undefined ? {} : { reason }),
  });
  if (!result.decided) {
    if (result.reason === "not-found") return notFound;
    return {
      decided: false,
      notFound: false,
      message: `approval ${id} cannot be ${decision}: ${refusalText(result.reason, result.approval)}`,
      refusal: result.reason,
    };
  }
  await store.appendAudit({
    kind: "approval",
    action: decision,
    actor: by,
    reason: reason ?? `${decision} through ${via}`,
    policy: approval.policy,
    target: approval.target,
    runId: approval.runId,
  });
  const token = approval.taskToken;
  if (token !== undefined) {
    if (decision === "approved") {
      await approvals.resume(token, { approvalId: id, approvedBy: by, planHash: approval.planHash });
    } else {
      await approvals.reject(token, "ApprovalDenied", `denied by ${by}: ${reason ?? ""}`);
    }
  }
  return { decided: true, approval: withoutTaskToken(result.approval) };
}
