import type { Policy } from "../policy/policy.ts";
import { isTerminalRunStatus, type Run } from "../store/run.ts";
import type { Store } from "../store/store.ts";
import { switchBlocking } from "../store/switch.ts";
import { formatDuration } from "../time/duration.ts";
import type { SuppressionReason } from "./decision.ts";

export interface Suppression {
  reason: SuppressionReason;
  detail: string;
  runId?: string;
  /** Set when this check paused the policy just now (the circuit breaker tripped): the failed runs. */
  paused?: { failedRunIds: string[] };
}

export interface GuardrailContext {
  policy: Policy;
  targetKey: string;
  now: Date;
  store: Store;
  /** The policy's runs of the last week, read once per decision and shared by the checks that need it. */
  recentRuns?: Promise<Run[]>;
}

function recentRunsOf(context: GuardrailContext): Promise<Run[]> {
  context.recentRuns ??= listRecentRuns(
    context.store,
    context.policy.name,
    new Date(context.now.getTime() - ACTIVE_LOOKBACK_MS),
  );
  return context.recentRuns;
}

const WEEKDAY_INDEX = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 } as const;
const ACTIVE_LOOKBACK_MS = 7 * 86_400_000;

/** Kill switch, policy pause and run-time freeze windows (all kept in the store). */
export async function checkSwitches({
  policy,
  now,
  store,
}: GuardrailContext): Promise<Suppression | undefined> {
  const blocking = switchBlocking(await store.readSwitches(), policy.name, now);
  return blocking === undefined ? undefined : { reason: "switch", detail: blocking };
}

/** The policy's own freeze windows and allowed windows. */
export function checkCalendar({ policy, now }: GuardrailContext): Suppression | undefined {
  const at = now.getTime();
  const freeze = policy.guardrails.freeze.find((f) => Date.parse(f.start) <= at && at < Date.parse(f.end));
  if (freeze) return { reason: "policy-freeze", detail: `freeze until ${freeze.end}: ${freeze.reason}` };
  const windows = policy.guardrails.allowedWindows;
  if (windows && !windows.some((window) => insideWindow(window, now))) {
    const list = windows.map((w) => `${w.days.join(",")} ${w.start}-${w.end} ${w.timezone}`).join("; ");
    return { reason: "outside-allowed-window", detail: `automatic runs only in: ${list}` };
  }
  return undefined;
}

function insideWindow(
  window: { days: readonly (keyof typeof WEEKDAY_INDEX)[]; start: string; end: string; timezone: string },
  now: Date,
): boolean {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: window.timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const weekday = get("weekday").toUpperCase() as keyof typeof WEEKDAY_INDEX;
  const minutes = Number(get("hour")) * 60 + Number(get("minute"));
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  if (start < end) return window.days.includes(weekday) && minutes >= start && minutes < end;
  // A window across midnight (22:00–02:00) belongs to the day it starts on.
  const yesterday = (Object.keys(WEEKDAY_INDEX) as (keyof typeof WEEKDAY_INDEX)[]).find(
    (day) => WEEKDAY_INDEX[day] === (WEEKDAY_INDEX[weekday] + 6) % 7,
  );
  return (
    (window.days.includes(weekday) && minutes >= start) ||
    (yesterday !== undefined && window.days.includes(yesterday) && minutes < end)
  );
}

export async function checkCooldown({
  policy,
  targetKey,
  store,
}: GuardrailContext): Promise<Suppression | undefined> {
  const status = await store.getCooldown({ policy: policy.name, target: targetKey });
  if (!status.active) return undefined;
  return {
    reason: "cooldown",
    detail: `cooling down until ${status.cooldown.until}${status.cooldown.runId ? ` after run ${status.cooldown.runId}` : ""}`,
    ...(status.cooldown.runId ? { runId: status.cooldown.runId } : {}),
  };
}

/**
 * The circuit breaker: this many failed runs inside the window pause the policy, with a message saying
 * why, until a person resumes it. The pause is itself a switch, so later signals stop at the first check:
 * a suppression from here is always the moment the breaker trips (`paused` says so).
 */
export async function checkCircuitBreaker(context: GuardrailContext): Promise<Suppression | undefined> {
  const { policy, now, store } = context;
  const { failures, window } = policy.guardrails.circuitBreaker;
  const since = now.getTime() - window;
  const recent = (await recentRunsOf(context)).filter((run) => Date.parse(run.createdAt) >= since);
  const failed = recent.filter((run) => run.status === "failed");
  if (failed.length < failures) return undefined;
  const reason = `circuit breaker: ${failed.length} failed runs in ${formatDuration(window)} (last: ${failed[0]?.id}); resume the policy once the cause is fixed`;
  await store.pausePolicy({ policy: policy.name, reason, by: "circuit-breaker" });
  return { reason: "circuit-open", detail: reason, paused: { failedRunIds: failed.map((run) => run.id) } };
}

/**
 * The rate limit is checked here, in its place in the order, without taking a slot: the slot is taken
 * only once the run has won its lease ({@link takeRateSlot}), so that an alarm storm's suppressed events
 * do not use up the policy's runs for the hour.
 */
export async function checkRateLimit({ policy, store }: GuardrailContext): Promise<Suppression | undefined> {
  const window = await store.getRateWindow({ policy: policy.name, windowMs: 3_600_000 });
  return window.count < policy.guardrails.maxRunsPerHour
    ? undefined
    : {
        reason: "rate-limit",
        detail: `${policy.guardrails.maxRunsPerHour} runs per hour reached; next window at ${window.windowEnd}`,
      };
}

/** Takes the run's slot in the hour's window; refused when concurrent runs took the last one first. */
export async function takeRateSlot({ policy, store }: GuardrailContext): Promise<Suppression | undefined> {
  const slot = await store.consumeRate({
    policy: policy.name,
    limit: policy.guardrails.maxRunsPerHour,
    windowMs: 3_600_000,
  });
  return slot.allowed
    ? undefined
    : {
        reason: "rate-limit",
        detail: `${slot.limit} runs per hour reached; next window at ${slot.windowEnd}`,
      };
}

/**
 * Concurrency and blast radius across targets: at most `maxConcurrent` unfinished runs of the policy, and
 * at most `blastRadius.maxCount` distinct targets with unfinished runs. The share of a resource kind
 * (`maxPercent`) needs the size of the fleet, so runbooks enforce it when they plan.
 */
export async function checkConcurrency(context: GuardrailContext): Promise<Suppression | undefined> {
  const { policy, targetKey } = context;
  const active = (await recentRunsOf(context)).filter((run) => !isTerminalRunStatus(run.status));
  if (active.length >= policy.guardrails.maxConcurrent) {
    return {
      reason: "max-concurrent",
      detail: `${active.length} runs of ${policy.name} unfinished (max ${policy.guardrails.maxConcurrent})`,
    };
  }
  const maxCount = policy.guardrails.blastRadius?.maxCount;
  const targets = new Set(active.map((run) => run.target));
  if (maxCount !== undefined && !targets.has(targetKey) && targets.size + 1 > maxCount) {
    return { reason: "blast-radius", detail: `${targets.size} targets already in flight (max ${maxCount})` };
  }
  return undefined;
}

/** The lease key of a policy's `slot`-th concurrency slot. */
export function concurrencySlotKey(policy: string, slot: number): string {
  return `concurrency-slot:${policy}:${slot}`;
}

/** A concurrency slot a run holds: a lease, released with the run's target lease or lapsing with it. */
export interface ConcurrencySlot {
  key: string;
  owner: string;
  token: number;
}

/**
 * Takes one of the policy's `maxConcurrent` slots for the run. {@link checkConcurrency} counts unfinished
 * runs, which decisions racing on different targets all read before any of them writes; each slot is a
 * lease (a conditional write), so together they never hold more than `maxConcurrent`. A slot is held for
 * as long as the run's target lease and released with it; a slot still held by a run that has finished
 * (its release never happened) is released here and taken.
 *
 * @example
 * const slot = await takeConcurrencySlot(context, runId, leaseMs);
 * if ("reason" in slot) return suppress(slot);
 */
export async function takeConcurrencySlot(
  context: GuardrailContext,
  runId: string,
  ttlMs: number,
): Promise<ConcurrencySlot | Suppression> {
  const { policy, store } = context;
  const max = policy.guardrails.maxConcurrent;
  for (let slot = 0; slot < max; slot++) {
    const key = concurrencySlotKey(policy.name, slot);
    const taken = await store.acquireLease({ target: key, owner: runId, ttlMs });
    if (taken.acquired) return { key, owner: runId, token: taken.lease.token };
    // A holder that is not (yet) a run may be a decision in progress: its slot lapses with its lease.
    const holder = await store.getRun(taken.heldBy);
    if (holder === undefined || !isTerminalRunStatus(holder.status)) continue;
    await store.releaseLease({ target: key, owner: taken.heldBy, token: taken.token });
    const retaken = await store.acquireLease({ target: key, owner: runId, ttlMs });
    if (retaken.acquired) return { key, owner: runId, token: retaken.lease.token };
  }
  return {
    reason: "max-concurrent",
    detail: `all ${max} concurrency slot(s) of ${policy.name} are held by runs in flight (max ${max})`,
  };
}

/** The slot a run already holds (a redelivery finishing its start), if any. */
export async function concurrencySlotOf(
  context: GuardrailContext,
  runId: string,
): Promise<ConcurrencySlot | undefined> {
  for (let slot = 0; slot < context.policy.guardrails.maxConcurrent; slot++) {
    const key = concurrencySlotKey(context.policy.name, slot);
    const lease = await context.store.getLease(key);
    if (lease && lease.owner === runId && !lease.released) return { key, owner: runId, token: lease.token };
  }
  return undefined;
}

async function listRecentRuns(store: Store, policy: string, since: Date): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRunsByPolicy({
      policy,
      since: since.toISOString(),
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    runs.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && runs.length < 5_000);
  return runs;
}
