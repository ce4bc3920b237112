import { createHash } from "node:crypto";
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
 * Records how the run ended — status, reason, what was planned and observed — audits it and tells the
 * policy's channel. The status is the one the workflow reached, never better: a rollback whose alarm did
 * not recover is `failed`, whatever the rollback call returned.
 */
export const recordOutcome: StepHandler = async (call, { store, ports }) => {
  const outcome = (call.outcome ?? {}) as { status?: unknown; reason?: unknown; error?: unknown };
  const status = outcome.status as FinalStatus;
  if (!FINAL_STATUSES.includes(status)) {
    throw new RunbookStepError(`record-outcome: status must be one of ${FINAL_STATUSES.join(", ")}`);
  }
  const reason =
    (typeof outcome.reason === "string" && outcome.reason) || describeError(outcome.error) || `run ${status}`;
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
  if (call.run.notify) {
    await ports.notifier.notify({
      channel: call.run.notify.slack,
      runId: call.run.runId,
      severity: status === "failed" ? "failure" : status === "cancelled" ? "warning" : "info",
      text: `${call.run.runbook} on ${call.run.targetKey} (${call.run.policy}): ${status} — ${reason}`,
    });
  }
  return { status: recordedStatus, reason };
};

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
 * and posts the plan to the policy's channel naming only the approval id. The workflow then waits until
 * the approval is decided (SendTaskSuccess / SendTaskFailure) or its deadline passes (→ deny).
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
  const summary =
    typeof plan?.summary === "string" ? plan.summary : `${call.run.runbook} on ${call.run.targetKey}`;
  await ports.notifier.notify({
    channel: call.run.notify?.slack ?? "#architech",
    runId: call.run.runId,
    severity: "warning",
    text: `Approval needed (${id}, expires ${record.expiresAt}): ${summary}`,
  });
  return { approvalId: id, expiresAt: record.expiresAt };
};

/** Moves the run to `running` when it starts to act (from pending, or from awaiting approval). */
export async function markRunning(call: StepCall, { store }: StepContext): Promise<void> {
  const moved = await store.transitionRun({
    id: call.run.runId,
    to: "running",
    from: ["pending", "awaiting-approval", "running"],
  });
  if (!moved.transitioned) {
    throw new RunbookStepError(`run ${call.run.runId} is ${moved.current ?? "missing"}; it may not act`);
  }
}
