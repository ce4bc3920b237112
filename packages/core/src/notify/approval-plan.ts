import type { PlanChange, RunNoticeRef } from "../ports/notifier.ts";
import type { CleanupCandidate, CleanupFindings, SweepPlan } from "../runbook/cleanup-steps.ts";
import type { Recommendation, RightsizePlan } from "../runbook/rightsize-steps.ts";
import type { RollbackPlan } from "../runbook/rollback-steps.ts";
import type { SelectedRecoveryPoint } from "../runbook/verify-backup-steps.ts";

/** A plan as the person approving it reads it. */
export interface ApprovalPlan {
  summary: string;
  why: string;
  changes: PlanChange[];
}

type Plan = Record<string, unknown> | undefined;

/**
 * What a runbook's plan asks a person to approve: its summary, why the run wants to act, and each
 * change as `target: action (from → to)`. Each runbook's plan has its own shape; one small reader each.
 *
 * @example
 * describeApprovalPlan(run, "plan", rollbackPlan);
 * // { summary: "roll prod/checkout-api back from …", why: "alarm checkout-api-5xx-rate is in ALARM: …", changes: [{ target, action: "roll back", from, to }] }
 */
export function describeApprovalPlan(run: RunNoticeRef, planKey: string, plan: Plan): ApprovalPlan {
  const summary = typeof plan?.summary === "string" ? plan.summary : `${run.runbook} on ${run.targetKey}`;
  const reader = READERS[run.runbook];
  const read = reader ? reader(run, planKey, plan) : { why: triggerWhy(run), changes: [] };
  return { summary, ...read };
}

type Reader = (run: RunNoticeRef, planKey: string, plan: Plan) => Omit<ApprovalPlan, "summary">;

const READERS: Record<string, Reader> = {
  rollback: (run, _key, plan) => {
    const p = plan as Partial<RollbackPlan> | undefined;
    return {
      why: triggerWhy(run),
      changes:
        p?.target && p.current
          ? [{ target: run.targetKey, action: "roll back", from: release(p.current), to: release(p.target) }]
          : [],
    };
  },
  rightsize: (run, _key, plan) => {
    const p = plan as Partial<RightsizePlan> | undefined;
    const toApply = new Set(p?.toApply ?? []);
    const chosen = (p?.recommendations ?? []).filter((r) => toApply.has(r.id));
    const savings = chosen.reduce((sum, r) => sum + r.estimatedMonthlySavings, 0);
    return {
      why:
        `${chosen.length} target(s) sized against their measured utilisation, ${usd(savings)}/month estimated; ` +
        `every change is verified and reverted if an alarm fires (${triggerWhy(run)})`,
      changes: chosen.map(resizeChange),
    };
  },
  cleanup: (run, planKey, plan) => {
    if (planKey === "sweepPlan") {
      const p = plan as Partial<SweepPlan> | undefined;
      return {
        why: p?.exceedsCap
          ? `more is due for deletion than the policy's blast radius (${p.cap}) allows unasked; the grace period has passed and each was re-checked`
          : "the grace period has passed and each resource was re-checked as still stale",
        changes: (p?.deletable ?? []).map((c) => ({
          target: c.key,
          action: `${deleteAction(c)}: ${c.reason}`,
        })),
      };
    }
    const p = plan as Partial<CleanupFindings> | undefined;
    return {
      why: `stale resources found (${triggerWhy(run)}); marking only tags them and tells their owners — nothing is deleted before the grace period and a re-check`,
      changes: (p?.candidates ?? []).map((c) => ({ target: c.key, action: `mark for cleanup: ${c.reason}` })),
    };
  },
  "verify-backup": (run, _key, plan) => {
    const p = plan as Partial<SelectedRecoveryPoint> | undefined;
    return {
      why: triggerWhy(run),
      changes: p?.resourceArn
        ? [
            {
              target: p.resourceArn,
              action: "restore into an isolated copy, validate it, delete it",
              ...(p.recoveryPoint?.recoveryPointArn ? { from: p.recoveryPoint.recoveryPointArn } : {}),
            },
          ]
        : [],
    };
  },
};

/** Why the run exists: the alarm and its reason, the person who asked, or the trigger. */
function triggerWhy(run: RunNoticeRef): string {
  const alarm = run.trigger.alarm;
  if (alarm)
    return `alarm ${alarm.name} is in ALARM since ${alarm.since}${alarm.reason ? `: ${alarm.reason}` : ""}`;
  if (run.trigger.requestedBy) return `requested by ${run.trigger.requestedBy} (${run.trigger.summary})`;
  return run.trigger.summary;
}

function release(r: { taskDefinitionArn?: string; lambdaVersion?: string; imageTag?: string }): string {
  const name = r.taskDefinitionArn?.split("/").pop() ?? `version ${r.lambdaVersion ?? "?"}`;
  return r.imageTag ? `${name} (${r.imageTag})` : name;
}

function size(s: Recommendation["current"] | Recommendation["recommended"]): string {
  return "memoryMb" in s ? `${s.memoryMb} MB` : `${s.cpu} CPU units / ${s.memory} MiB`;
}

function resizeChange(r: Recommendation): PlanChange {
  const money =
    r.estimatedMonthlySavings >= 0
      ? `saves ${usd(r.estimatedMonthlySavings)}/month`
      : `costs ${usd(-r.estimatedMonthlySavings)}/month more`;
  return {
    target: r.targetKey,
    action: `resize ${r.direction} (${money})`,
    from: size(r.current),
    to: size(r.recommended),
  };
}

function deleteAction(c: CleanupCandidate): string {
  if (c.kind === "ebs-volume") return "snapshot, then delete";
  if (c.kind === "elastic-ip") return "release";
  return "delete";
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
