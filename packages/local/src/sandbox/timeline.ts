import type { AlarmState, EcsDeployment } from "@architech/core";
import type {
  AlarmRecord,
  AliasRecord,
  DeploymentRecord,
  Estate,
  FunctionRecord,
  ServiceRecord,
  TaskDefinitionRecord,
} from "./estate.ts";
import { releaseLabel } from "./estate.ts";
import { type Interval, mergeIntervals, shiftIntervals } from "./intervals.ts";

// Everything that changes with time is derived from the records (deployments with their creation times,
// alias positions, forced alarm states) and the clock, never stored: asking twice at one instant gives
// one answer, and the past never changes when the clock moves on.

/** A deployment and the instants at which it completed and was retired, if it has (or will). */
export interface DeploymentPhase {
  readonly deployment: DeploymentRecord;
  /** When its rollout reaches COMPLETED; undefined when a newer deployment replaced it first. */
  readonly completesAt: number | undefined;
  /** When a newer deployment completed and this one went INACTIVE. */
  readonly inactiveAt: number | undefined;
}

/**
 * A rollout takes `settleMs`; a deployment replaced by a newer one before then never completes. When a
 * deployment completes, every older one goes INACTIVE.
 */
export function rolloutTimeline(
  deployments: readonly DeploymentRecord[],
  settleMs: number,
): DeploymentPhase[] {
  const completions = deployments.map((deployment, index) => {
    const completesAt = deployment.createdAt + settleMs;
    const next = deployments[index + 1];
    return next === undefined || next.createdAt >= completesAt ? completesAt : undefined;
  });
  return deployments.map((deployment, index) => {
    let inactiveAt: number | undefined;
    for (let later = index + 1; later < deployments.length; later++) {
      const completesAt = completions[later];
      if (completesAt !== undefined) {
        inactiveAt = completesAt;
        break;
      }
    }
    return { deployment, completesAt: completions[index], inactiveAt };
  });
}

/** The deployments ECS lists for the service at `t`: PRIMARY, then ACTIVE, then those just retired. */
export function deploymentsAt(service: ServiceRecord, settleMs: number, t: number): EcsDeployment[] {
  const phases = rolloutTimeline(service.deployments, settleMs).filter((p) => p.deployment.createdAt <= t);
  const primary = phases.at(-1);
  if (primary === undefined) return [];
  const primaryDone = primary.completesAt !== undefined && primary.completesAt <= t;
  const primaryRunning = primaryDone
    ? primary.deployment.desiredCount
    : Math.floor((primary.deployment.desiredCount * (t - primary.deployment.createdAt)) / settleMs);
  // The newest deployment that completed still serves what the primary has not yet taken over.
  const serving = [...phases]
    .reverse()
    .find((p) => p !== primary && p.completesAt !== undefined && p.completesAt <= t);

  const listed: EcsDeployment[] = [];
  for (const phase of [...phases].reverse()) {
    const { deployment } = phase;
    const completed = phase.completesAt !== undefined && phase.completesAt <= t;
    const inactive = phase.inactiveAt !== undefined && phase.inactiveAt <= t;
    if (phase === primary) {
      listed.push({
        id: deployment.id,
        status: "PRIMARY",
        taskDefinitionArn: deployment.taskDefinitionArn,
        desiredCount: deployment.desiredCount,
        runningCount: primaryRunning,
        rolloutState: completed ? "COMPLETED" : "IN_PROGRESS",
        rolloutStateReason: completed
          ? `ECS deployment ${deployment.id} completed.`
          : `ECS deployment ${deployment.id} in progress.`,
        createdAt: iso(deployment.createdAt),
        updatedAt: iso(completed ? (phase.completesAt as number) : deployment.createdAt),
      });
    } else if (!inactive) {
      listed.push({
        id: deployment.id,
        status: "ACTIVE",
        taskDefinitionArn: deployment.taskDefinitionArn,
        desiredCount: phase === serving ? deployment.desiredCount - primaryRunning : 0,
        runningCount: phase === serving ? deployment.desiredCount - primaryRunning : 0,
        ...(completed ? { rolloutState: "COMPLETED" as const } : { rolloutState: "IN_PROGRESS" as const }),
        createdAt: iso(deployment.createdAt),
        updatedAt: iso(primary.deployment.createdAt),
      });
    } else if (phase.inactiveAt === primary.completesAt) {
      listed.push({
        id: deployment.id,
        status: "INACTIVE",
        taskDefinitionArn: deployment.taskDefinitionArn,
        desiredCount: 0,
        runningCount: 0,
        ...(completed ? { rolloutState: "COMPLETED" as const } : {}),
        createdAt: iso(deployment.createdAt),
        updatedAt: iso(phase.inactiveAt as number),
      });
    }
  }
  return listed;
}

/** The spans during which an unhealthy task definition had a PRIMARY or ACTIVE deployment. */
export function serviceBadIntervals(estate: Estate, service: ServiceRecord): Interval[] {
  return mergeIntervals(
    rolloutTimeline(service.deployments, estate.settleMs)
      .filter((phase) => estate.taskDefinitions.get(phase.deployment.taskDefinitionArn)?.healthy === false)
      .map((phase) => ({
        from: phase.deployment.createdAt,
        to: phase.inactiveAt ?? Number.POSITIVE_INFINITY,
      })),
  );
}

/** The unhealthy releases with tasks (or starting tasks) at `t`, as `family:revision`. */
export function badReleasesAt(estate: Estate, service: ServiceRecord, t: number): string[] {
  return rolloutTimeline(service.deployments, estate.settleMs)
    .filter((p) => p.deployment.createdAt <= t && (p.inactiveAt === undefined || t < p.inactiveAt))
    .map((p) => estate.taskDefinitions.get(p.deployment.taskDefinitionArn))
    .filter((td): td is TaskDefinitionRecord => td !== undefined && !td.healthy)
    .map(releaseLabel);
}

/**
 * The task definition whose tasks serve at any instant: the newest deployment that had completed by
 * then, or the first deployment before any had.
 */
export function servingTaskDefinitions(
  estate: Estate,
  service: ServiceRecord,
): (t: number) => TaskDefinitionRecord {
  const phases = rolloutTimeline(service.deployments, estate.settleMs);
  const completed = phases.filter((p) => p.completesAt !== undefined).reverse();
  return (t) => {
    const serving = completed.find((p) => (p.completesAt as number) <= t) ?? phases[0];
    const record = serving && estate.taskDefinitions.get(serving.deployment.taskDefinitionArn);
    if (record === undefined) throw new Error(`service ${service.arn} has no deployment`);
    return record;
  };
}

/** Whether the version (and any weighted version) an alias position routes to is healthy. */
function versionsOf(position: { version: string; weights?: Readonly<Record<string, number>> | undefined }) {
  return [position.version, ...Object.keys(position.weights ?? {})];
}

export function isVersionHealthy(fn: FunctionRecord, version: string): boolean {
  // $LATEST runs the code of the newest publication.
  const record = version === "$LATEST" ? fn.versions.at(-1) : fn.versions.find((v) => v.version === version);
  return record?.healthy ?? true;
}

/** The spans during which the alias routed traffic to an unhealthy version. */
export function aliasBadIntervals(fn: FunctionRecord, alias: AliasRecord): Interval[] {
  return mergeIntervals(
    alias.history
      .map((position, index) => ({ position, to: alias.history[index + 1]?.at ?? Number.POSITIVE_INFINITY }))
      .filter(({ position }) => versionsOf(position).some((v) => !isVersionHealthy(fn, v)))
      .map(({ position, to }) => ({ from: position.at, to })),
  );
}

function aliasBadVersionsAt(fn: FunctionRecord, alias: AliasRecord, t: number): string[] {
  const position = [...alias.history].reverse().find((p) => p.at <= t);
  if (position === undefined) return [];
  return versionsOf(position)
    .filter((v) => !isVersionHealthy(fn, v))
    .map((v) => `${fn.name}:${v}`);
}

// --- Alarms ----------------------------------------------------------------------------------------

export interface AlarmTransition {
  readonly at: number;
  readonly state: AlarmState;
  readonly previous: AlarmState;
  readonly reason: string;
}

function ownerBadIntervals(estate: Estate, alarm: AlarmRecord): Interval[] {
  const { owner } = alarm;
  switch (owner.kind) {
    case "ecs-service":
      return serviceBadIntervals(estate, owner.service);
    case "lambda-alias":
      return aliasBadIntervals(owner.fn, owner.alias);
    case "lambda-function":
      return mergeIntervals(
        [...owner.fn.aliases.values()].flatMap((alias) => aliasBadIntervals(owner.fn, alias)),
      );
  }
}

function ownerBadReleasesAt(estate: Estate, alarm: AlarmRecord, t: number): string[] {
  const { owner } = alarm;
  switch (owner.kind) {
    case "ecs-service":
      return badReleasesAt(estate, owner.service, t);
    case "lambda-alias":
      return aliasBadVersionsAt(owner.fn, owner.alias, t);
    case "lambda-function":
      return [...owner.fn.aliases.values()].flatMap((alias) => aliasBadVersionsAt(owner.fn, alias, t));
  }
}

const COMPARISON_WORDS: Record<AlarmRecord["comparison"], string> = {
  GreaterThanThreshold: "greater than",
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

function thresholdReason(estate: Estate, alarm: AlarmRecord, state: AlarmState, at: number): string {
  const n = alarm.evaluationPeriods;
  const words = COMPARISON_WORDS[alarm.comparison];
  const threshold = alarm.threshold.toFixed(1);
  if (state === "ALARM") {
    const culprits = ownerBadReleasesAt(estate, alarm, at - alarm.evaluationDelay);
    const serving = culprits.length > 0 ? ` while ${culprits.join(", ")} served` : "";
    return `Threshold Crossed: ${n} out of the last ${n} datapoints were ${words} the threshold (${threshold})${serving}.`;
  }
  return `Threshold Crossed: ${n} out of the last ${n} datapoints were not ${words} the threshold (${threshold}) (minimum ${n} datapoint for ALARM -> OK transition).`;
}

/**
 * Every state change of the alarm up to `until`, oldest first. The metric follows its owner's health:
 * ALARM from `evaluationDelay` after an unhealthy release starts serving until `evaluationDelay` after
 * the last one is gone. A forced state overrides that from its instant until it is cleared.
 */
export function alarmTransitions(estate: Estate, alarm: AlarmRecord, until: number): AlarmTransition[] {
  const alarming = shiftIntervals(ownerBadIntervals(estate, alarm), alarm.evaluationDelay);
  const points = new Set<number>();
  for (const interval of alarming) {
    points.add(interval.from);
    if (Number.isFinite(interval.to)) points.add(interval.to);
  }
  for (const forced of alarm.forced) points.add(forced.at);
  const stateAt = (t: number): { state: AlarmState; reason?: string } => {
    const forced = [...alarm.forced].reverse().find((f) => f.at <= t);
    if (forced?.state !== undefined) return { state: forced.state, reason: forced.reason };
    return { state: alarming.some((i) => i.from <= t && t < i.to) ? "ALARM" : "OK" };
  };

  const transitions: AlarmTransition[] = [];
  let previous: AlarmState = "OK";
  for (const at of [...points].sort((a, b) => a - b)) {
    if (at > until) break;
    const { state, reason } = stateAt(at);
    if (state === previous) continue;
    transitions.push({ at, state, previous, reason: reason ?? thresholdReason(estate, alarm, state, at) });
    previous = state;
  }
  return transitions;
}

/** When the alarm's story starts: the earliest instant its owner's records mention, or the start. */
export function alarmOrigin(estate: Estate, alarm: AlarmRecord): number {
  const { owner } = alarm;
  const times =
    owner.kind === "ecs-service"
      ? owner.service.deployments.map((d) => d.createdAt)
      : owner.kind === "lambda-alias"
        ? owner.alias.history.map((p) => p.at)
        : [...owner.fn.aliases.values()].flatMap((a) => a.history.map((p) => p.at));
  return Math.min(estate.start, ...times);
}

/** The alarm's state at `t`, with the reason and instant of its last change. */
export function alarmStateAt(
  estate: Estate,
  alarm: AlarmRecord,
  t: number,
): { state: AlarmState; reason: string; since: number } {
  const last = alarmTransitions(estate, alarm, t).at(-1);
  if (last !== undefined) return { state: last.state, reason: last.reason, since: last.at };
  return { state: "OK", reason: thresholdReason(estate, alarm, "OK", t), since: alarmOrigin(estate, alarm) };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
