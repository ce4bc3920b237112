import type { Notifier, RunNoticeRef } from "../ports/notifier.ts";
import type { PolicyIndex } from "../router/policy-index.ts";
import { alarmRefOf, noticeNotifyOf } from "../router/run-notice.ts";
import type { AlarmSignal } from "../signals/signal.ts";
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

/**
 * A run's notice reference from what the store keeps of it (the run, else its approval) and its policy:
 * for notices sent from outside the run's workflow (a decision, an escalation), which never saw its input.
 * A policy no longer loaded leaves its fields to the run (or to `unknown`) and mentions nobody.
 *
 * @example
 * const ref = runNoticeRefOfRun(await store.getRun(approval.runId), approval, policies);
 * await notifier.announce({ kind: "approval-escalated", run: ref, approvalId: approval.id, expiresAt: approval.expiresAt });
 */
export function runNoticeRefOfRun(
  run: Run | undefined,
  approval: Pick<Approval, "runId" | "policy" | "target">,
  policies: PolicyIndex,
): RunNoticeRef {
  const policyName = run?.policy ?? approval.policy;
  const policy = policies.byName(policyName);
  const signal = run?.signal as { type?: unknown; id?: unknown; userId?: unknown } | undefined;
  const type = typeof signal?.type === "string" ? signal.type : "unknown";
  const alarm = type === "alarm" ? storedAlarmRef(run?.signal) : undefined;
  return {
    runId: approval.runId,
    policy: policyName,
    runbook: run?.runbook ?? policy?.runbook ?? "unknown",
    targetKey: run?.target ?? approval.target,
    mode: run?.mode ?? policy?.mode ?? "approve",
    ...noticeNotifyOf(policy?.notify),
    trigger: {
      type,
      summary: `${type} ${typeof signal?.id === "string" ? signal.id : ""}`.trim(),
      ...(alarm ? { alarm } : {}),
      ...(type === "chat-command" && typeof signal?.userId === "string"
        ? { requestedBy: signal.userId }
        : {}),
    },
  };
}

/**
 * The alarm a run threads under, from its stored alarm signal: replies about the run (an escalation) go
 * in that alarm's thread, where the run's own message is, since Slack threads are one level deep.
 */
function storedAlarmRef(stored: Record<string, unknown> | undefined): RunNoticeRef["trigger"]["alarm"] {
  const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
  const alarmName = text(stored?.alarmName);
  const stateChangedAt = text(stored?.stateChangedAt);
  if (alarmName === null || stateChangedAt === null) return undefined;
  const reason = text(stored?.reason);
  return alarmRefOf({
    alarmName,
    stateChangedAt,
    alarmArn: text(stored?.alarmArn),
    account: text(stored?.account),
    region: text(stored?.region),
    ...(reason ? { reason } : {}),
  } as AlarmSignal);
}
