import { createHash } from "node:crypto";
import type { Policy } from "../policy/policy.ts";
import type { EcsPort } from "../ports/ecs.ts";
import { ResourceNotFoundError } from "../ports/errors.ts";
import { type RecordReleaseResult, recordEcsRelease } from "../releases/releases.ts";
import { getRunbook, type RunbookName } from "../runbook/registry.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import type { AlarmSignal, DeploymentSignal, Signal } from "../signals/signal.ts";
import type { Run } from "../store/run.ts";
import type { Store } from "../store/store.ts";
import { targetKey as keyOfTarget, type Target } from "../target/target.ts";
import type { Decision, RouteResult, RunAnnotation, SuppressedDecision } from "./decision.ts";
import { executionNameFor } from "./execution-name.ts";
import {
  checkCalendar,
  checkCircuitBreaker,
  checkConcurrency,
  checkCooldown,
  checkRateLimit,
  checkSwitches,
  type GuardrailContext,
  type Suppression,
  takeRateSlot,
} from "./guardrails.ts";
import type { PolicyIndex } from "./policy-index.ts";
import type { Clock, IdSource, RunInput, WorkflowStarter } from "./ports.ts";
import { resolveTarget } from "./resolve-target.ts";

export interface RouterDeps {
  store: Store;
  workflows: WorkflowStarter;
  clock: Clock;
  ids: IdSource;
  policies: PolicyIndex;
  /** ECS, to read what a completed deployment rolled out; without it deployments are not recorded. */
  ecs?: EcsPort;
}

/** EventBridge retries a delivery for up to 24 hours; a key is kept for twice that. */
export const DEDUPE_TTL_MS = 48 * 3_600_000;
/** A run holds its target this long (plus the approval deadline); its workflow renews or releases it. */
export const RUN_LEASE_MS = 2 * 3_600_000;
/** Signals are stored with their runs; a raw event above this size is left out of the stored copy. */
const MAX_STORED_RAW_BYTES = 32 * 1024;
const ROUTER = "router";

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
  const resolved = resolveTarget(policy.target, signal);
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
  const context: GuardrailContext = { policy, targetKey, now: clock.now(), store };

  const suppress = async (suppression: Suppression): Promise<Decision> => {
    const decision: SuppressedDecision = {
      kind: "suppressed",
      policy: policy.name,
      targetKey,
      ...suppression,
    };
    await auditDecision(store, decision, signal);
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
      return startRun(earlier, policy, target, signal, deps, true);
    }
    return suppress({
      reason: "duplicate",
      detail: `event ${signal.id} was already decided for this policy (run ${claim.runId})`,
      runId: claim.runId,
    });
  }

  for (const check of [checkCooldown, checkCircuitBreaker, checkRateLimit, checkConcurrency]) {
    const suppression = await check(context);
    if (suppression) return suppress(suppression);
  }

  const leaseMs = RUN_LEASE_MS + (policy.mode === "approve" ? policy.approval.deadline : 0);
  const lease = await store.acquireLease({ target: targetKey, owner: runId, ttlMs: leaseMs });
  if (!lease.acquired) {
    return suppress({
      reason: "target-leased",
      detail: `${targetKey} is held by run ${lease.heldBy} until ${lease.expiresAt}`,
      runId: lease.heldBy,
    });
  }
  const noSlot = await takeRateSlot(context);
  if (noSlot) {
    await store.releaseLease({ target: targetKey, owner: runId, token: lease.lease.token });
    return suppress(noSlot);
  }

  const created = await store.createRun({
    id: runId,
    policy: policy.name,
    runbook: policy.runbook,
    target: targetKey,
    signal: storedSignal(signal),
    mode: policy.mode,
    status: policy.mode === "approve" ? "awaiting-approval" : "pending",
  });
  const run = created.created ? created.run : created.existing;
  if (policy.guardrails.cooldown > 0) {
    await store.startCooldown({
      policy: policy.name,
      target: targetKey,
      until: new Date(context.now.getTime() + policy.guardrails.cooldown).toISOString(),
      runId,
      reason: `run ${runId} started`,
    });
  }
  return startRun(run, policy, target, signal, deps, false);
}

async function startRun(
  run: Run,
  policy: Policy,
  target: Target,
  signal: Signal,
  deps: RouterDeps,
  redrive: boolean,
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
  const input: RunInput = {
    runId: run.id,
    policy: policy.name,
    runbook: policy.runbook as RunbookName,
    mode: policy.mode,
    params: policy.params as Record<string, unknown>,
    target: target as Record<string, unknown>,
    targetKey,
    lease: { owner: lease.owner, token: lease.token, expiresAt: lease.expiresAt },
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
    trigger: {
      signalId: signal.id,
      type: signal.type,
      time: signal.time ?? run.createdAt,
      summary: summarize(signal),
    },
  };
  const kind = policy.mode === "auto" ? "start" : policy.mode === "approve" ? "await-approval" : "dry-run";
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
  await store.transitionRun({ id: run.id, to: run.status, executionArn: started.executionArn });
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

async function auditDecision(store: Store, decision: Decision, signal: Signal): Promise<void> {
  const reason =
    decision.kind === "suppressed" || decision.kind === "rejected"
      ? decision.detail
      : `${decision.kind === "start" ? "started" : decision.kind} ${decision.runbook} on ${decision.targetKey} (${decision.executionName})`;
  await store.appendAudit({
    kind: "decision",
    action: decision.kind,
    actor: ROUTER,
    reason: reason.slice(0, 4000),
    ...(decision.policy ? { policy: decision.policy } : {}),
    ...("targetKey" in decision && decision.targetKey ? { target: decision.targetKey } : {}),
    ...("runId" in decision && decision.runId ? { runId: decision.runId } : {}),
    details: {
      signalId: signal.id,
      signalType: signal.type,
      ...(decision.kind === "suppressed" || decision.kind === "rejected" ? { reason: decision.reason } : {}),
      ...("alreadyStarted" in decision ? { alreadyStarted: decision.alreadyStarted } : {}),
    },
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
