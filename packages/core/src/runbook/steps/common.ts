import { createHash } from "node:crypto";
import { describeApprovalPlan } from "../../notify/approval-plan.ts";
import { runNoticeRefOf } from "../../router/run-notice.ts";
import { effectiveApprovalDecision } from "../../store/approval.ts";
import { isTerminalRunStatus, type RunStatus } from "../../store/run.ts";
import {
  RunbookStepError,
  type StepCall,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./context.ts";

const FINAL_STATUSES = ["succeeded", "failed", "cancelled", "dry-run", "reverted"] as const;
type FinalStatus = (typeof FINAL_STATUSES)[number];

function describeError(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { Error: name, Cause: cause } = error as { Error?: unknown; Cause?: unknown };
  let text = typeof cause === "string" ? cause : "";
  try {
    // Lambda errors arrive as a JSON Cause: {"errorType","errorMessage",…}.
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") text = parsed.errorMessage;
  } catch {
    // A plain-text cause.
  }
  return `${typeof name === "string" ? name : "Error"}: ${text}`.trim();
}

/**
 * Records how the run ended — status, reason, what was planned and observed — audits it and updates the
 * run's message. The status is the one the workflow reached, never better: a rollback whose alarm did
 * not recover is `failed`, whatever the rollback call returned.
 */
export const recordOutcome: StepHandler = async (call, context) => {
  const { store, ports } = context;
  const outcome = (call.outcome ?? {}) as { status?: unknown; reason?: unknown; error?: unknown };
  const status = outcome.status as FinalStatus;
  if (!FINAL_STATUSES.includes(status)) {
    throw new RunbookStepError(`record-outcome: status must be one of ${FINAL_STATUSES.join(", ")}`);
  }
  const reason =
    (typeof outcome.reason === "string" && outcome.reason) || describeError(outcome.error) || `run ${status}`;
  // The workflow caught its approval wait's timeout into `$.error`. Said before anything is recorded,
  // so that a retry of this step (the store read failing) repeats nothing.
  if (timedOut(outcome.error ?? call.state.error)) await announceExpiredApprovals(call, context);
  const observed = observedState(call.state, outcome.error);
  const transition = () =>
    store.transitionRun({
      id: call.run.runId,
      to: status as RunStatus,
      reason: reason.slice(0, 4000),
      outcome: observed,
    });
  let moved = await transition();
  if (!moved.transitioned && (moved.current === "pending" || moved.current === "awaiting-approval")) {
    // A run that ends well without having acted (nothing to apply) still passes through running.
    await store.transitionRun({ id: call.run.runId, to: "running", from: [moved.current] });
    moved = await transition();
  }
  if (!moved.transitioned && (moved.current === undefined || !isTerminalRunStatus(moved.current))) {
    throw new RunbookStepError(
      `run ${call.run.runId} is ${moved.current ?? "missing"}; cannot record it as ${status}`,
    );
  }
  const recordedStatus = moved.transitioned ? status : (moved.current ?? status);
  await store.appendAudit({
    kind: "run",
    action: status,
    actor: "workflow",
    reason: reason.slice(0, 4000),
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
    ...(moved.transitioned ? {} : { details: { note: `run was already ${moved.current}` } }),
  });
  const run = runNoticeRefOf(call.run);
  const announced = FINAL_STATUSES.find((s) => s === recordedStatus) ?? status;
  await ports.notifier.announce({ kind: "run-finished", run, status: announced, reason });
  return { status: recordedStatus, reason };
};

/** The workflow's approval wait ended on its timeout: the approval expired, which is a denial. */
function timedOut(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { Error?: unknown }).Error === "States.Timeout"
  );
}

/**
 * Takes the buttons off the run's approvals that expired: nothing else happens at an approval's deadline
 * (the workflow's wait times out), so their messages are told here that they count as denied.
 */
async function announceExpiredApprovals(call: StepCall, { store, ports, clock }: StepContext): Promise<void> {
  const now = clock.now();
  // An approval expires at its `expiresAt` instant, so one expiring exactly now is included (+1 ms).
  const page = await store.listPendingApprovals({
    expiringBefore: new Date(now.getTime() + 1).toISOString(),
    limit: 100,
  });
  for (const approval of page.items) {
    if (approval.runId !== call.run.runId || effectiveApprovalDecision(approval, now) !== "expired") continue;
    await ports.notifier.announce({
      kind: "approval-decided",
      run: runNoticeRefOf(call.run),
      approvalId: approval.id,
      decision: "expired",
      by: "architech",
      reason: `not approved before ${approval.expiresAt}`,
    });
  }
}

/** Every step's result in the state (`{ value }` entries), trimmed to summaries if the whole is large. */
function observedState(state: Record<string, unknown>, error: unknown): Record<string, unknown> {
  const observed: Record<string, unknown> = {};
  for (const key of Object.keys(state)) {
    if (key === "run" || key === "recorded" || key === "released") continue;
    const value = stepResult(state, key);
    if (value !== undefined) observed[key] = value;
  }
  if (error) observed.error = error;
  const MAX_OUTCOME_BYTES = 100_000;
  if (Buffer.byteLength(JSON.stringify(observed)) <= MAX_OUTCOME_BYTES)
    return JSON.parse(JSON.stringify(observed));
  // Too large to keep whole (many resources): keep what each step concluded, not every item.
  const trimmed: Record<string, unknown> = { trimmed: true };
  for (const [key, value] of Object.entries(observed)) {
    const v = value as Record<string, unknown>;
    trimmed[key] = Object.fromEntries(
      Object.entries(v)
        .filter(([, field]) => typeof field !== "object" || field === null)
        .slice(0, 20),
    );
  }
  return JSON.parse(JSON.stringify(trimmed));
}

/** Releases the run's lease on its target; a lease already lost (expired, taken over) is reported, not an error. */
export const releaseLease: StepHandler = async (call, { store }) => {
  const { owner, token } = call.run.lease;
  // The policy's concurrency slot first: a slot already lapsed or taken over is nobody's loss.
  const slot = call.run.concurrencySlot;
  if (slot) await store.releaseLease({ target: slot.key, owner: slot.owner, token: slot.token });
  const result = await store.releaseLease({ target: call.run.targetKey, owner, token });
  if (result.released) return { released: true };
  const holder = result.current ? `${result.current.owner} (token ${result.current.token})` : "nobody";
  await store.appendAudit({
    kind: "run",
    action: "lease-lost",
    actor: "workflow",
    reason: `lease on ${call.run.targetKey} was no longer held by this run; now held by ${holder}`,
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
  });
  return { released: false, heldBy: holder };
};

/** The hash an approval is bound to: any change to the plan invalidates the approval. */
export function planHash(plan: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(plan)).digest("hex")}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Asks for approval: stores the approval bound to the plan's hash, with the task token kept server-side,
 * and posts the plan — summary, why, each change — in the run's thread, with buttons naming only the
 * approval id. The workflow then waits until the approval is decided (SendTaskSuccess / SendTaskFailure)
 * or its deadline passes (→ deny).
 */
export const requestApproval: StepHandler = async (call: StepCall, { store, ports, clock }: StepContext) => {
  if (!call.taskToken) throw new RunbookStepError("request-approval needs the task token ($$.Task.Token)");
  const approval = call.run.approval;
  if (!approval)
    throw new RunbookStepError("request-approval: the run has no approval settings (mode approve)");
  // A run may ask more than once (cleanup: before marking, and again over the blast radius).
  const planKey = typeof call.planKey === "string" ? call.planKey : "plan";
  const plan = stepResult(call.state, planKey);
  const id =
    typeof call.approvalName === "string"
      ? `approval-${call.run.runId}-${call.approvalName}`
      : `approval-${call.run.runId}`;
  const expiresAt = new Date(clock.now().getTime() + approval.deadlineMs).toISOString();
  const requested = await store.requestApproval({
    id,
    runId: call.run.runId,
    policy: call.run.policy,
    target: call.run.targetKey,
    planHash: planHash(plan),
    requestedBy: "architech",
    expiresAt,
    taskToken: call.taskToken,
  });
  const record = requested.requested ? requested.approval : requested.existing;
  await store.appendAudit({
    kind: "approval",
    action: "requested",
    actor: "workflow",
    reason: `approval ${id} requested for ${call.run.runbook} on ${call.run.targetKey}, expires ${record.expiresAt}`,
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
  });
  const run = runNoticeRefOf(call.run);
  const escalateAt = new Date(Date.parse(record.requestedAt) + approval.escalateAfterMs).toISOString();
  await ports.notifier.announce({
    kind: "approval-requested",
    run,
    approvalId: id,
    expiresAt: record.expiresAt,
    ...(Date.parse(escalateAt) < Date.parse(record.expiresAt) ? { escalateAt } : {}),
    plan: { ...describeApprovalPlan(run, planKey, plan), planHash: record.planHash },
  });
  return { approvalId: id, expiresAt: record.expiresAt };
};

/**
 * Moves the run to `running` when it starts to act (from pending, or from awaiting approval), and says
 * so on the run's message: what it is about to do.
 */
export async function markRunning(call: StepCall, { store, ports }: StepContext): Promise<void> {
  const moved = await store.transitionRun({
    id: call.run.runId,
    to: "running",
    from: ["pending", "awaiting-approval", "running"],
  });
  if (!moved.transitioned) {
    throw new RunbookStepError(`run ${call.run.runId} is ${moved.current ?? "missing"}; it may not act`);
  }
  await ports.notifier.announce({
    kind: "run-progress",
    run: runNoticeRefOf(call.run),
    step: actingOn(call),
  });
}

/** What the run is about to do, from its plan's summary (each runbook keeps it under its own key). */
function actingOn(call: StepCall): string {
  for (const key of ["sweepPlan", "plan", "found"]) {
    const summary = stepResult(call.state, key)?.summary;
    if (typeof summary === "string" && summary !== "") return `acting: ${summary}`;
  }
  return `acting on ${call.run.targetKey}`;
}
