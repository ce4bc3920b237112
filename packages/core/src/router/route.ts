import { createHash } from "node:crypto";
import type { Policy } from "../policy/policy.ts";
import type { EcsPort } from "../ports/ecs.ts";
import { ResourceNotFoundError } from "../ports/errors.ts";
import type { Notifier, RunNotice } from "../ports/notifier.ts";
import { type RecordReleaseResult, recordEcsRelease } from "../releases/releases.ts";
import { getRunbook, type RunbookName } from "../runbook/registry.ts";
import { describeSignal } from "../signals/describe.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import type { AlarmSignal, DeploymentSignal, Signal } from "../signals/signal.ts";
import type { Run, RunMode } from "../store/run.ts";
import type { Store } from "../store/store.ts";
import { targetKey as keyOfTarget, type Target } from "../target/target.ts";
import { type CommandRequest, readCommandRequest } from "./command-request.ts";
import type { Decision, RouteResult, RunAnnotation, SuppressedDecision } from "./decision.ts";
import { executionNameFor } from "./execution-name.ts";
import {
  checkCalendar,
  checkCircuitBreaker,
  checkConcurrency,
  checkCooldown,
  checkRateLimit,
  checkSwitches,
  concurrencySlotOf,
  type GuardrailContext,
  type Suppression,
  takeConcurrencySlot,
  takeRateSlot,
} from "./guardrails.ts";
import type { PolicyIndex } from "./policy-index.ts";
import type { Clock, IdSource, RunInput, RunTrigger, WorkflowStarter } from "./ports.ts";
import { type AccountScope, resolveTarget, type TargetResolution } from "./resolve-target.ts";
import { alarmRefOf, runNoticeRefOf } from "./run-notice.ts";

export interface RouterDeps {
  store: Store;
  workflows: WorkflowStarter;
  clock: Clock;
  ids: IdSource;
  policies: PolicyIndex;
  /** ECS, to read what a completed deployment rolled out; without it deployments are not recorded. */
  ecs?: EcsPort;
  /**
   * Where runs are announced to people (run started, circuit breaker tripped). Without it nothing is
   * announced; a notifier that fails never changes a decision.
   */
  notifier?: Notifier;
  /**
   * The account and region the control plane acts in: a chat command that names a DynamoDB table by name
   * alone means a table there. Without it such a command must give the table's ARN.
   */
  account?: AccountScope;
}

/** EventBridge retries a delivery for up to 24 hours; a key is kept for twice that. */
export const DEDUPE_TTL_MS = 48 * 3_600_000;
/** A run holds its target this long (plus the approval deadline); its workflow renews or releases it. */
export const RUN_LEASE_MS = 2 * 3_600_000;
/** Signals are stored with their runs; a raw event above this size is left out of the stored copy. */
const MAX_STORED_RAW_BYTES = 32 * 1024;
const ROUTER = "router";
/**
 * Deciders racing on the same failures all trip the circuit breaker; one of them announces it. A trip on
 * the same failures after this long (the policy resumed, then paused again) is announced again.
 */
const CIRCUIT_NOTICE_DEDUPE_MS = 5 * 60_000;

/**
 * The guardrails, in the order they are checked. Cheap reads come first and writes last, so that a
 * signal suppressed early consumes nothing (no rate-limit slot, no lease). Dedupe sits after the switches
 * so that an event seen during a kill switch is decided again when it is redelivered after it.
 */
export const GUARDRAIL_ORDER = [
  "switches (kill switch, policy paused, run-time freeze)",
  "calendar (policy freeze windows, allowed windows)",
  "dedupe (one decision per policy and event)",
  "cooldown (per policy and target)",
  "circuit breaker (failed runs pause the policy)",
  "rate limit (runs per policy per hour; the slot is taken only once the lease is won)",
  "concurrency and blast radius (unfinished runs, targets in flight)",
  "lease (one run per target)",
] as const;

/**
 * Routes one signal: matches the policies, runs each through the guardrails, starts a workflow where
 * every guardrail passes, and writes every decision — suppressions included — to the audit log. An alarm
 * returning to OK also cancels runs still waiting for approval on it, and annotates runs in progress.
 *
 * Throws only what a retry may cure (a transient store or start failure); the caller lets the delivery be
 * retried, and the retry finds the decision already taken.
 *
 * @example
 * const result = await route(signal, { store, workflows, clock, ids, policies: new PolicyIndex(policies) });
 * result.decisions; // [{ kind: "await-approval", policy: "rollback-checkout", runId, … }]
 */
export async function route(signal: Signal, deps: RouterDeps): Promise<RouteResult> {
  const annotations =
    signal.type === "alarm" && signal.state === "OK" ? await settleRunsOfResolvedAlarm(signal, deps) : [];
  const release =
    signal.type === "deployment" && deps.ecs ? await recordRelease(signal, deps.ecs, deps.store) : undefined;
  const matched = deps.policies.match(signal);
  const decisions: Decision[] = [];
  for (const policy of matched) decisions.push(await decide(policy, signal, deps));
  return {
    signalId: signal.id,
    signalType: signal.type,
    matched: matched.map((p) => p.name),
    decisions,
    annotations,
    ...(release ? { release } : {}),
  };
}

/** Deployment history feeds rollback: record the release; a release ECS no longer knows is noted, not retried. */
async function recordRelease(
  signal: DeploymentSignal,
  ecs: EcsPort,
  store: Store,
): Promise<RecordReleaseResult> {
  try {
    const result = await recordEcsRelease(signal, { store, ecs });
    if (result.recorded) {
      await store.appendAudit({
        kind: "action",
        action: "release-recorded",
        actor: ROUTER,
        reason: `release ${result.deployment.taskDefinitionArn ?? result.deployment.id} of ${result.deployment.service} recorded`,
        target: result.deployment.service,
      });
    }
    return result;
  } catch (error) {
    if (error instanceof ResourceNotFoundError) return { recorded: false, reason: error.message };
    throw error;
  }
}

/**
 * Normalizes a raw event and routes it. Input that is not a known event is rejected (and audited) rather
 * than thrown, so that a malformed delivery is not retried forever.
 */
export async function routeEvent(raw: unknown, deps: RouterDeps): Promise<RouteResult> {
  const normalized = normalizeEvent(raw);
  if (normalized.ok) return route(normalized.signal, deps);
  const detail = `${normalized.error.code}: ${normalized.error.message}`;
  await deps.store.appendAudit({
    kind: "decision",
    action: "rejected",
    actor: ROUTER,
    reason: detail.slice(0, 4000),
    details: { reason: "invalid-event" },
  });
  return {
    signalId: "",
    signalType: "invalid",
    matched: [],
    decisions: [{ kind: "rejected", reason: "invalid-event", detail }],
    annotations: [],
  };
}

async function decide(policy: Policy, signal: Signal, deps: RouterDeps): Promise<Decision> {
  const { store, clock, ids } = deps;
  // A chat command is read against the runbook the policy runs: its target, and what it asks for.
  const read = signal.type === "chat-command" ? readCommandRequest(policy, signal, deps.account) : undefined;
  if (read && !read.ok) {
    const decision: Decision = {
      kind: "rejected",
      policy: policy.name,
      reason: read.reason,
      detail: read.detail,
    };
    await auditDecision(store, decision, signal);
    return decision;
  }
  const request = read?.request;
  const resolved: TargetResolution = request
    ? { ok: true, target: request.target }
    : resolveTarget(policy.target, signal);
  const runbook = getRunbook(policy.runbook);
  if (!resolved.ok || !runbook.targetTypes.includes(resolved.target.type)) {
    const detail = resolved.ok
      ? `runbook ${runbook.name} does not act on ${resolved.target.type}`
      : resolved.reason;
    const decision: Decision = { kind: "rejected", policy: policy.name, reason: "unresolved-target", detail };
    await auditDecision(store, decision, signal);
    return decision;
  }
  const target = resolved.target;
  const targetKey = keyOfTarget(target);
  const mode: RunMode = request?.mode ?? policy.mode;
  const context: GuardrailContext = { policy, targetKey, now: clock.now(), store };

  const suppress = async (suppression: Suppression): Promise<Decision> => {
    const { paused: _paused, ...rest } = suppression;
    const decision: SuppressedDecision = {
      kind: "suppressed",
      policy: policy.name,
      targetKey,
      ...rest,
    };
    await auditDecision(store, decision, signal, request);
    return decision;
  };

  const early = (await checkSwitches(context)) ?? checkCalendar(context);
  if (early) return suppress(early);

  const runId = ids.newRunId();
  const claim = await store.claimDedupe({
    policy: policy.name,
    key: dedupeKey(signal.id),
    runId,
    ttlMs: DEDUPE_TTL_MS,
  });
  if (!claim.claimed) {
    const earlier = await store.getRun(claim.runId);
    if (earlier && earlier.executionArn === undefined && !["failed", "cancelled"].includes(earlier.status)) {
      // The first delivery decided to start but did not get the workflow started: finish that start.
      return startRun(earlier, policy, target, signal, deps, true, request);
    }
    return suppress({
      reason: "duplicate",
      detail: `event ${signal.id} was already decided for this policy (run ${claim.runId})`,
      runId: claim.runId,
    });
  }

  for (const check of [checkCooldown, checkCircuitBreaker, checkRateLimit, checkConcurrency]) {
    const suppression = await check(context);
    if (!suppression) continue;
    if (suppression.paused) await announceCircuitBreaker(policy, suppression, runId, deps);
    return suppress(suppression);
  }

  const leaseMs = RUN_LEASE_MS + (mode === "approve" ? policy.approval.deadline : 0);
  const lease = await store.acquireLease({ target: targetKey, owner: runId, ttlMs: leaseMs });
  if (!lease.acquired) {
    return suppress({
      reason: "target-leased",
      detail: `${targetKey} is held by run ${lease.heldBy} until ${lease.expiresAt}`,
      runId: lease.heldBy,
    });
  }
  const slot = await takeConcurrencySlot(context, runId, leaseMs);
  if ("reason" in slot) {
    await store.releaseLease({ target: targetKey, owner: runId, token: lease.lease.token });
    return suppress(slot);
  }
  const noSlot = await takeRateSlot(context);
  if (noSlot) {
    await store.releaseLease({ target: targetKey, owner: runId, token: lease.lease.token });
    await store.releaseLease({ target: slot.key, owner: runId, token: slot.token });
    return suppress(noSlot);
  }

  const created = await store.createRun({
    id: runId,
    policy: policy.name,
    runbook: policy.runbook,
    target: targetKey,
    signal: storedSignal(signal),
    mode,
    status: mode === "approve" ? "awaiting-approval" : "pending",
  });
  const run = created.created ? created.run : created.existing;
  // A dry run a person asked for changes nothing, so it leaves no cooldown: the real run may follow it.
  if (policy.guardrails.cooldown > 0 && !request?.modeLowered) {
    await store.startCooldown({
      policy: policy.name,
      target: targetKey,
      until: new Date(context.now.getTime() + policy.guardrails.cooldown).toISOString(),
      runId,
      reason: `run ${runId} started`,
    });
  }
  return startRun(run, policy, target, signal, deps, false, request);
}

async function startRun(
  run: Run,
  policy: Policy,
  target: Target,
  signal: Signal,
  deps: RouterDeps,
  redrive: boolean,
  request: CommandRequest | undefined,
): Promise<Decision> {
  const { store, workflows } = deps;
  const targetKey = keyOfTarget(target);
  const lease = await store.getLease(targetKey);
  if (!lease || lease.owner !== run.id || lease.released) {
    // The run lost its lease before its workflow started (it expired); it must not act.
    await store.transitionRun({ id: run.id, to: "failed", reason: "lease lost before the workflow started" });
    return {
      kind: "suppressed",
      policy: policy.name,
      targetKey,
      reason: "target-leased",
      detail: `run ${run.id} lost its lease on ${targetKey} before starting`,
      runId: run.id,
    };
  }
  const executionName = executionNameFor(policy.name, signal.id);
  const slot = await concurrencySlotOf({ policy, targetKey, now: deps.clock.now(), store }, run.id);
  // The run's mode was decided when it was created (a redrive keeps it).
  const mode = run.mode;
  const input: RunInput = {
    runId: run.id,
    policy: policy.name,
    runbook: policy.runbook as RunbookName,
    mode,
    params: request?.params ?? (policy.params as Record<string, unknown>),
    target: target as Record<string, unknown>,
    targetKey,
    lease: { owner: lease.owner, token: lease.token, expiresAt: lease.expiresAt },
    ...(slot ? { concurrencySlot: slot } : {}),
    // Approval settings go with every run: a run in auto mode may still have to ask (over a blast radius).
    approval: {
      escalateAfterMs: policy.approval.escalateAfter,
      deadlineMs: policy.approval.deadline,
      approvers: policy.approval.approvers,
    },
    ...(policy.guardrails.blastRadius ? { blastRadius: policy.guardrails.blastRadius } : {}),
    ...(policy.guardrails.minAlarmDuration !== undefined
      ? { minAlarmDurationMs: policy.guardrails.minAlarmDuration }
      : {}),
    ...(policy.notify ? { notify: policy.notify } : {}),
    trigger: runTrigger(signal, run, request),
  };
  const kind = mode === "auto" ? "start" : mode === "approve" ? "await-approval" : "dry-run";
  // The decision is audited before the workflow starts, so the log reads in causal order: the decision,
  // then what the run did. A start that then fails transiently is retried under the same decision.
  if (!redrive) {
    await auditDecision(
      store,
      {
        kind,
        policy: policy.name,
        runbook: policy.runbook,
        target,
        targetKey,
        runId: run.id,
        executionName,
        executionArn: "",
        alreadyStarted: false,
      },
      signal,
      request,
    );
  }
  let started: { executionArn: string; alreadyStarted: boolean };
  try {
    started = await workflows.startWorkflow({ runbook: input.runbook, executionName, input });
  } catch (error) {
    const transient =
      typeof error === "object" && error !== null && (error as { transient?: unknown }).transient;
    if (!transient) {
      const reason = `workflow did not start: ${error instanceof Error ? error.message : String(error)}`;
      await store.transitionRun({ id: run.id, to: "failed", reason: reason.slice(0, 4000) });
      await store.releaseLease({ target: targetKey, owner: lease.owner, token: lease.token });
      if (slot) await store.releaseLease({ target: slot.key, owner: slot.owner, token: slot.token });
      await store.appendAudit({
        kind: "run",
        action: "start-failed",
        actor: ROUTER,
        reason: reason.slice(0, 4000),
        policy: policy.name,
        target: targetKey,
        runId: run.id,
      });
    }
    throw error;
  }
  // The ARN is recorded before anything slower happens: the workflow may move the run on at any moment.
  await store.transitionRun({ id: run.id, to: run.status, executionArn: started.executionArn });
  // Announced by the delivery that started the execution: a redrive that finds it already started
  // leaves the announcement to the delivery that started it.
  if (!started.alreadyStarted) {
    const status = kind === "start" ? "pending" : kind === "await-approval" ? "awaiting-approval" : "dry-run";
    await announce(deps.notifier, { kind: "run-started", run: runNoticeRefOf(input), status });
  }
  if (redrive) {
    await store.appendAudit({
      kind: "run",
      action: "start-completed",
      actor: ROUTER,
      reason: `redelivery of event ${signal.id} started the workflow the first delivery had decided (${executionName})`,
      policy: policy.name,
      target: targetKey,
      runId: run.id,
    });
  }
  return {
    kind,
    policy: policy.name,
    runbook: policy.runbook,
    target,
    targetKey,
    runId: run.id,
    executionName,
    executionArn: started.executionArn,
    alreadyStarted: started.alreadyStarted || redrive,
  };
}

/**
 * An alarm back to OK: runs it triggered that still wait for approval are cancelled (the condition they
 * would fix is gone); runs already under way are annotated — their workflow re-checks the alarm before it
 * acts and verifies afterwards.
 */
async function settleRunsOfResolvedAlarm(signal: AlarmSignal, deps: RouterDeps): Promise<RunAnnotation[]> {
  const { store, workflows, clock } = deps;
  const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
  const annotations: RunAnnotation[] = [];
  for (const status of ["awaiting-approval", "pending", "running"] as const) {
    const page = await store.listRunsByStatus({ status, since, limit: 500 });
    for (const run of page.items) {
      const trigger = run.signal as { type?: unknown; alarmName?: unknown };
      if (trigger.type !== "alarm" || trigger.alarmName !== signal.alarmName) continue;
      if (status === "awaiting-approval") {
        const moved = await store.transitionRun({
          id: run.id,
          to: "cancelled",
          from: ["awaiting-approval"],
          reason: `alarm ${signal.alarmName} returned to OK at ${signal.stateChangedAt} before approval`,
        });
        if (!moved.transitioned) continue;
        if (run.executionArn)
          await workflows.stopWorkflow(run.executionArn, "triggering alarm returned to OK");
        const lease = await store.getLease(run.target);
        if (lease && lease.owner === run.id) {
          await store.releaseLease({ target: run.target, owner: run.id, token: lease.token });
        }
        annotations.push({
          runId: run.id,
          policy: run.policy,
          action: "cancelled",
          detail: `alarm ${signal.alarmName} returned to OK before the run was approved`,
        });
      } else {
        annotations.push({
          runId: run.id,
          policy: run.policy,
          action: "annotated",
          detail: `alarm ${signal.alarmName} returned to OK while the run was ${status}; it re-checks before acting`,
        });
      }
    }
  }
  for (const annotation of annotations) {
    await store.appendAudit({
      kind: "run",
      action: annotation.action === "cancelled" ? "cancelled" : "alarm-resolved",
      actor: ROUTER,
      reason: annotation.detail,
      policy: annotation.policy,
      runId: annotation.runId,
      details: { signalId: signal.id },
    });
  }
  return annotations;
}

/**
 * Audits a decision. A decision on a chat command names the person who typed it as the actor, with their
 * reason and what they asked for; every other decision is the router's own.
 */
async function auditDecision(
  store: Store,
  decision: Decision,
  signal: Signal,
  request?: CommandRequest,
): Promise<void> {
  const reason =
    decision.kind === "suppressed" || decision.kind === "rejected"
      ? decision.detail
      : `${decision.kind === "start" ? "started" : decision.kind} ${decision.runbook} on ${decision.targetKey} (${decision.executionName})`;
  const requestedBy = signal.type === "chat-command" ? signal.userId : undefined;
  await store.appendAudit({
    kind: "decision",
    action: decision.kind,
    actor: requestedBy ?? ROUTER,
    reason: reason.slice(0, 4000),
    ...(decision.policy ? { policy: decision.policy } : {}),
    ...("targetKey" in decision && decision.targetKey ? { target: decision.targetKey } : {}),
    ...("runId" in decision && decision.runId ? { runId: decision.runId } : {}),
    details: {
      signalId: signal.id,
      signalType: signal.type,
      ...(decision.kind === "suppressed" || decision.kind === "rejected" ? { reason: decision.reason } : {}),
      ...("alreadyStarted" in decision ? { alreadyStarted: decision.alreadyStarted } : {}),
      ...(requestedBy !== undefined ? { requestedBy } : {}),
      ...(request?.reason !== undefined ? { requestReason: request.reason } : {}),
      ...(request && Object.keys(request.requested).length > 0 ? { requested: request.requested } : {}),
    },
  });
}

/** What triggered a run, for its input: the signal, and for a chat command who asked, why and for what. */
function runTrigger(signal: Signal, run: Run, request: CommandRequest | undefined): RunTrigger {
  const alarm = signal.type === "alarm" ? alarmRefOf(signal) : undefined;
  return {
    signalId: signal.id,
    type: signal.type,
    time: signal.time ?? run.createdAt,
    summary: summarize(signal),
    description: describeSignal(signal),
    ...(alarm ? { alarm } : {}),
    ...(signal.type === "chat-command" ? { requestedBy: signal.userId } : {}),
    ...(request?.reason !== undefined ? { reason: request.reason } : {}),
    ...(request && Object.keys(request.requested).length > 0 ? { requested: request.requested } : {}),
  };
}

/** A notice must never change a decision: a notifier that throws (it should not) is ignored. */
async function announce(notifier: Notifier | undefined, notice: RunNotice): Promise<void> {
  if (!notifier) return;
  try {
    await notifier.announce(notice);
  } catch {
    // Deliberately ignored: the decision stands whether or not people heard of it.
  }
}

/**
 * The circuit breaker paused the policy: say so once. Deciders that race on the same failures each trip
 * it; a claim on those failures lets exactly one of them announce.
 */
async function announceCircuitBreaker(
  policy: Policy,
  suppression: Suppression,
  runId: string,
  deps: RouterDeps,
): Promise<void> {
  if (!deps.notifier || !suppression.paused) return;
  const failures = [...suppression.paused.failedRunIds].sort().join(",");
  try {
    const claim = await deps.store.claimDedupe({
      policy: policy.name,
      key: dedupeKey(`circuit-breaker\u0000${failures}`),
      runId,
      ttlMs: CIRCUIT_NOTICE_DEDUPE_MS,
    });
    if (!claim.claimed) return;
  } catch {
    // The claim only keeps racing deciders from repeating the notice: without it, announce all the same.
  }
  await announce(deps.notifier, {
    kind: "circuit-breaker",
    policy: policy.name,
    ...(policy.notify ? { notify: policy.notify } : {}),
    detail: suppression.detail,
  });
}

/** Idempotency keys are hashes: event ids may hold characters keys refuse, and may be long. */
function dedupeKey(eventId: string): string {
  return createHash("sha256").update(eventId).digest("hex").slice(0, 40);
}

function storedSignal(signal: Signal): Record<string, unknown> {
  const { raw, ...rest } = signal;
  const rawText = JSON.stringify(raw) ?? "";
  return Buffer.byteLength(rawText) <= MAX_STORED_RAW_BYTES ? { ...rest, raw } : rest;
}

/** The fields of a signal a runbook and a notification need, without the raw event. */
function summarize(signal: Signal): Record<string, unknown> {
  const { raw: _raw, source, resources: _resources, ...rest } = signal;
  return { ...rest, source: source.service };
}
