import type { Notifier, RunNoticeRef } from "../ports/notifier.ts";
import type { PolicyIndex } from "../router/policy-index.ts";
import type { Approval } from "../store/approval.ts";
import type { Run } from "../store/run.ts";
import type { Store } from "../store/store.ts";

/** What {@link announceApprovalDecision} reads and tells. */
export interface ApprovalDecisionNoticeDeps {
  store: Pick<Store, "getRun">;
  policies: PolicyIndex;
  notifier: Notifier;
}

/**
 * Tells the approval's message that a person decided it (the buttons come off, who decided shows), from
 * wherever the decision arrived: a button, a slash command, the local API. The run's reference is rebuilt
 * from the stored run and its policy, since the decider never saw the workflow's input.
 *
 * @example
 * await announceApprovalDecision({ store, policies, notifier }, approval, { decision: "approved", by: "U024BE7LH" });
 */
export async function announceApprovalDecision(
  deps: ApprovalDecisionNoticeDeps,
  approval: Pick<Approval, "id" | "runId" | "policy" | "target">,
  decided: { decision: "approved" | "denied"; by: string; reason?: string },
): Promise<void> {
  const run = await deps.store.getRun(approval.runId);
  const ref = runNoticeRefOfRun(run, approval, deps.policies);
  await deps.notifier.announce({
    kind: "approval-decided",
    run: ref,
    approvalId: approval.id,
    decision: decided.decision,
    by: decided.by,
    ...(decided.reason === undefined ? {} : { reason: decided.reason }),
  });
}

/** A run's notice reference from what the store keeps of it (the run, else its approval) and its policy. */
function runNoticeRefOfRun(
  run: Run | undefined,
  approval: Pick<Approval, "runId" | "policy" | "target">,
  policies: PolicyIndex,
): RunNoticeRef {
  const policyName = run?.policy ?? approval.policy;
  const policy = policies.byName(policyName);
  const signal = run?.signal as { type?: unknown; id?: unknown; userId?: unknown } | undefined;
  const type = typeof signal?.type === "string" ? signal.type : "unknown";
  return {
    runId: approval.runId,
    policy: policyName,
    runbook: run?.runbook ?? policy?.runbook ?? "unknown",
    targetKey: run?.target ?? approval.target,
    mode: run?.mode ?? policy?.mode ?? "approve",
    ...(policy?.notify
      ? {
          notify: {
            slack: policy.notify.slack,
            ...(policy.notify.oncall ? { oncall: policy.notify.oncall } : {}),
          },
        }
      : {}),
    trigger: {
      type,
      summary: `${type} ${typeof signal?.id === "string" ? signal.id : ""}`.trim(),
      ...(type === "chat-command" && typeof signal?.userId === "string"
        ? { requestedBy: signal.userId }
        : {}),
    },
  };
}
