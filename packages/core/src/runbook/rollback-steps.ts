import type { Deployment } from "../store/deployment.ts";
import { markRunning } from "./steps/common.ts";
import {
  RunbookStepError,
  type StepCall,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./steps/context.ts";

/** A release, as a rollback names it: an ECS task definition or a Lambda version. */
interface Release {
  taskDefinitionArn?: string;
  lambdaVersion?: string;
  deployedAt?: string;
  imageTag?: string;
}

export interface RollbackPlan extends Record<string, unknown> {
  kind: "ecs" | "lambda";
  current: Release;
  target?: Release;
  refusal?: string;
  alarmName?: string;
  minAlarmWaitSeconds: number;
  approvalTimeoutSeconds: number;
  summary: string;
}

interface Params {
  to: "last-known-good" | "previous";
  /** Exactly this release, as a person named it (`--to`). */
  release?: string;
  steadyStateTimeout: number;
  verifyWindow: number;
}

function params(call: StepCall): Params {
  const p = call.run.params as Partial<Params>;
  return {
    to: p.to ?? "last-known-good",
    ...(typeof p.release === "string" && p.release.trim() !== "" ? { release: p.release.trim() } : {}),
    steadyStateTimeout: p.steadyStateTimeout ?? 900_000,
    verifyWindow: p.verifyWindow ?? 600_000,
  };
}

function rollbackTarget(call: StepCall) {
  const t = call.run.target as {
    type: string;
    cluster?: string;
    service?: string;
    functionName?: string;
    alias?: string;
  };
  if (t.type === "ecs-service" && t.cluster && t.service)
    return { kind: "ecs" as const, cluster: t.cluster, service: t.service };
  if (t.type === "lambda-alias" && t.functionName && t.alias) {
    return { kind: "lambda" as const, functionName: t.functionName, alias: t.alias };
  }
  throw new RunbookStepError(`rollback acts on an ECS service or a Lambda alias, not ${t.type}`);
}

function describeRelease(release: Release): string {
  const name = release.taskDefinitionArn?.split("/").pop() ?? `version ${release.lambdaVersion}`;
  return release.imageTag ? `${name} (${release.imageTag})` : name;
}

/** Whether a person's name for a release (`--to`) names this deployment's release. */
function namesRelease(deployment: Deployment, name: string): boolean {
  const taskDefinition = deployment.taskDefinitionArn;
  return (
    deployment.id === name ||
    deployment.imageTag === name ||
    deployment.imageDigest === name ||
    deployment.lambdaVersion === name ||
    (taskDefinition !== undefined &&
      (taskDefinition === name ||
        taskDefinition.split("/").pop() === name ||
        String(deployment.taskDefinitionRevision ?? taskDefinition.split(":").pop()) === name))
  );
}

/**
 * The release a person asked for by name: it must be in the release history, name one release only, not
 * be the one the target runs, and be older than it — first deployed before the current release was, so
 * that a rollback can never roll forward. Anything else is a refusal with its reason.
 */
function requestedRelease(
  name: string,
  history: readonly Deployment[],
  current: Release,
  currentIndex: number,
  targetKey: string,
  releaseKey: (d: Deployment) => string | undefined,
): { chosen: Deployment } | { refusal: string } {
  const matching = history.filter((d) => namesRelease(d, name));
  if (matching.length === 0) {
    return {
      refusal: `release ${name} is not in the release history of ${targetKey}; a rollback only returns to a release it knows`,
    };
  }
  const releases = [...new Set(matching.map(releaseKey))];
  if (releases.length > 1) {
    const named = matching
      .filter((d, index) => matching.findIndex((o) => releaseKey(o) === releaseKey(d)) === index)
      .map((d) => describeRelease(releaseOf(d)));
    return {
      refusal: `release ${name} names ${releases.length} releases of ${targetKey} (${named.join(", ")}); name one by its task definition or version`,
    };
  }
  const chosen = matching[0] as Deployment;
  const chosenKey = releaseKey(chosen);
  const currentRelease = history[currentIndex];
  if (currentRelease && releaseKey(currentRelease) === chosenKey) {
    return { refusal: `${targetKey} already runs ${describeRelease(current)}; nothing to roll back` };
  }
  if (!currentRelease) {
    return {
      refusal: `${targetKey} runs ${describeRelease(current)}, which is not in its release history, so whether ${name} is older cannot be told; not rolling back`,
    };
  }
  const firstDeployed = (key: string | undefined) =>
    Math.min(...history.filter((d) => releaseKey(d) === key).map((d) => Date.parse(d.deployedAt)));
  if (firstDeployed(chosenKey) >= firstDeployed(releaseKey(currentRelease))) {
    return {
      refusal: `${describeRelease(releaseOf(chosen))} was deployed after ${describeRelease(current)}, which ${targetKey} runs; a rollback never rolls forward`,
    };
  }
  return { chosen };
}

function releaseOf(deployment: Deployment): Release {
  return {
    ...(deployment.taskDefinitionArn ? { taskDefinitionArn: deployment.taskDefinitionArn } : {}),
    ...(deployment.lambdaVersion ? { lambdaVersion: deployment.lambdaVersion } : {}),
    deployedAt: deployment.deployedAt,
    ...(deployment.imageTag ? { imageTag: deployment.imageTag } : {}),
  };
}

/**
 * Plans the rollback: what the target runs now, and the release to return to — the newest known-good
 * release deployed before the current one (or simply the previous release, when the policy says so), or
 * exactly the release a person asked for (`release`), when it is older than the current one. No such
 * release is a refusal with its reason, never a guess.
 */
export const plan: StepHandler = async (call, { ports, store, clock }) => {
  const target = rollbackTarget(call);
  const { to, release } = params(call);
  const now = clock.now();
  let current: Release;
  if (target.kind === "ecs") {
    const service = await ports.ecs.describeService(target.cluster, target.service);
    current = { taskDefinitionArn: service.taskDefinitionArn };
  } else {
    const alias = await ports.lambda.getAlias(target.functionName, target.alias);
    current = { lambdaVersion: alias.functionVersion };
  }
  const sameRelease = (d: Deployment) =>
    target.kind === "ecs"
      ? d.taskDefinitionArn === current.taskDefinitionArn
      : d.lambdaVersion === current.lambdaVersion;
  const history = (await store.listDeployments({ service: call.run.targetKey, limit: 200 })).items;
  const currentIndex = history.findIndex(sameRelease);
  const currentRelease = currentIndex >= 0 ? history[currentIndex] : undefined;
  if (currentRelease) Object.assign(current, releaseOf(currentRelease));

  let chosen: Deployment | undefined;
  let requestRefusal: string | undefined;
  if (release !== undefined) {
    const releaseKey = (d: Deployment) => (target.kind === "ecs" ? d.taskDefinitionArn : d.lambdaVersion);
    const requested = requestedRelease(
      release,
      history,
      current,
      currentIndex,
      call.run.targetKey,
      releaseKey,
    );
    if ("chosen" in requested) chosen = requested.chosen;
    else requestRefusal = requested.refusal;
  } else if (to === "previous") {
    chosen = currentIndex >= 0 ? history.slice(currentIndex + 1).find((d) => !sameRelease(d)) : history[0];
  } else {
    chosen = await store.findLastKnownGood({
      service: call.run.targetKey,
      ...(currentRelease ? { before: currentRelease.deployedAt } : {}),
    });
  }

  const trigger = call.run.trigger.summary as { alarmName?: unknown; stateChangedAt?: unknown };
  const alarmName =
    call.run.trigger.type === "alarm" && typeof trigger.alarmName === "string"
      ? trigger.alarmName
      : undefined;
  const firingSince =
    typeof trigger.stateChangedAt === "string"
      ? Date.parse(trigger.stateChangedAt)
      : Date.parse(call.run.trigger.time);
  const minAlarmWaitSeconds =
    alarmName && call.run.minAlarmDurationMs
      ? Math.max(0, Math.ceil((firingSince + call.run.minAlarmDurationMs - now.getTime()) / 1000))
      : 0;
  const approvalTimeoutSeconds = Math.max(60, Math.ceil((call.run.approval?.deadlineMs ?? 3_600_000) / 1000));
  const base = {
    kind: target.kind,
    current,
    ...(alarmName ? { alarmName } : {}),
    minAlarmWaitSeconds,
    approvalTimeoutSeconds,
  };

  let refusal = requestRefusal;
  if (refusal === undefined && !chosen) {
    refusal =
      to === "previous"
        ? `no release of ${call.run.targetKey} before ${describeRelease(current)} in the deployment history`
        : `no known-good release of ${call.run.targetKey} older than the one it runs (${describeRelease(current)}); nothing safe to roll back to`;
  } else if (refusal === undefined && chosen && sameRelease(chosen)) {
    refusal = `${call.run.targetKey} already runs ${describeRelease(current)}, its last known-good release`;
  }
  if (refusal || !chosen) {
    return {
      ...base,
      refusal: refusal ?? "no release to roll back to",
      summary: `refused: ${refusal}`,
    } satisfies RollbackPlan;
  }
  const targetRelease = releaseOf(chosen);
  const asked = release !== undefined ? `, as asked${chosen.knownGood ? "" : "; not known-good"}` : "";
  return {
    ...base,
    target: targetRelease,
    summary: `roll ${call.run.targetKey} back from ${describeRelease(current)} to ${describeRelease(targetRelease)}${asked}${alarmName ? ` (alarm ${alarmName})` : ""}`,
  } satisfies RollbackPlan;
};

/** Re-reads the triggering alarm: a rollback acts only while it is still in ALARM. */
export const recheckAlarm: StepHandler = async (call, { ports }) => {
  const rollbackPlan = stepResult<RollbackPlan>(call.state, "plan");
  const alarmName = rollbackPlan?.alarmName;
  if (!alarmName) return { firing: true, detail: "requested without an alarm; nothing to re-check" };
  const alarm = await ports.cloudwatch.describeAlarm(alarmName);
  if (!alarm) return { firing: false, detail: `alarm ${alarmName} no longer exists; not acting` };
  if (alarm.state === "ALARM")
    return { firing: true, state: alarm.state, detail: `alarm ${alarmName} is still in ALARM` };
  return {
    firing: false,
    state: alarm.state,
    detail: `alarm ${alarmName} is ${alarm.state} since ${alarm.stateUpdatedAt}; nothing to roll back`,
  };
};

/**
 * Rolls back: ECS services are updated to the known-good task definition, Lambda aliases pointed at the
 * known-good version. Safe to retry: a target already on that release is not updated again.
 */
export const apply: StepHandler = async (call, context) => {
  const { ports, store, clock } = context;
  const rollbackPlan = stepResult<RollbackPlan>(call.state, "plan");
  if (!rollbackPlan?.target) throw new RunbookStepError("apply: the plan names no release to roll back to");
  await markRunning(call, context);
  const target = rollbackTarget(call);
  const appliedAt = clock.now().toISOString();
  let deploymentId: string | undefined;
  if (target.kind === "ecs") {
    const wanted = rollbackPlan.target.taskDefinitionArn;
    if (!wanted) throw new RunbookStepError("apply: the plan's release has no task definition");
    const service = await ports.ecs.describeService(target.cluster, target.service);
    const primary = service.deployments.find((d) => d.status === "PRIMARY");
    deploymentId =
      service.taskDefinitionArn === wanted && primary
        ? primary.id
        : (await ports.ecs.updateServiceTaskDefinition(target.cluster, target.service, wanted)).deploymentId;
  } else {
    const version = rollbackPlan.target.lambdaVersion;
    if (!version) throw new RunbookStepError("apply: the plan's release has no Lambda version");
    await ports.lambda.updateAlias(target.functionName, target.alias, version);
  }
  await store.appendAudit({
    kind: "action",
    action: "rolled-back",
    actor: "workflow",
    reason: rollbackPlan.summary,
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
    details: JSON.parse(
      JSON.stringify({ from: rollbackPlan.current, to: rollbackPlan.target, deploymentId }),
    ),
  });
  return { appliedAt, ...(deploymentId ? { deploymentId } : {}) };
};

/** Steady state: the ECS rollout completed (or the alias points at the release), within the timeout. */
export const checkSteady: StepHandler = async (call, { ports, clock }: StepContext) => {
  const rollbackPlan = stepResult<RollbackPlan>(call.state, "plan");
  const applied = stepResult<{ appliedAt: string; deploymentId?: string }>(call.state, "applied");
  if (!rollbackPlan?.target || !applied) throw new RunbookStepError("check-steady: nothing was applied");
  const now = clock.now();
  const elapsed = now.getTime() - Date.parse(applied.appliedAt);
  const { steadyStateTimeout } = params(call);
  const target = rollbackTarget(call);
  if (target.kind === "lambda") {
    const alias = await ports.lambda.getAlias(target.functionName, target.alias);
    return alias.functionVersion === rollbackPlan.target.lambdaVersion
      ? {
          status: "steady",
          steadyAt: now.toISOString(),
          detail: `alias points at version ${alias.functionVersion}`,
        }
      : {
          status: "failed",
          detail: `alias ${target.alias} points at ${alias.functionVersion}, not ${rollbackPlan.target.lambdaVersion}: changed by someone else?`,
        };
  }
  const service = await ports.ecs.describeService(target.cluster, target.service);
  if (service.taskDefinitionArn !== rollbackPlan.target.taskDefinitionArn) {
    return {
      status: "failed",
      detail: `service now runs ${service.taskDefinitionArn}, not the rollback's ${rollbackPlan.target.taskDefinitionArn}: changed during the rollback`,
    };
  }
  const deployment =
    service.deployments.find((d) => d.id === applied.deploymentId) ??
    service.deployments.find((d) => d.status === "PRIMARY");
  const observed = `deployment ${deployment?.id ?? "?"} ${deployment?.rolloutState ?? "?"}, ${service.runningCount}/${service.desiredCount} tasks running`;
  if (deployment?.rolloutState === "FAILED") {
    return {
      status: "failed",
      detail: `rollback deployment failed: ${deployment.rolloutStateReason ?? observed}`,
    };
  }
  const settled = service.deployments.filter((d) => d.status !== "INACTIVE").length === 1;
  if (deployment?.rolloutState === "COMPLETED" && settled && service.runningCount >= service.desiredCount) {
    return { status: "steady", steadyAt: now.toISOString(), detail: observed };
  }
  if (elapsed > steadyStateTimeout) {
    return {
      status: "timed-out",
      detail: `no steady state ${Math.round(elapsed / 1000)} s after the rollback: ${observed}`,
    };
  }
  return { status: "in-progress", detail: observed };
};

/** Verification: the triggering alarm returns to OK within the policy's window after steady state. */
export const checkRecovery: StepHandler = async (call, { ports, clock }) => {
  const rollbackPlan = stepResult<RollbackPlan>(call.state, "plan");
  const steady = stepResult<{ steadyAt?: string }>(call.state, "steady");
  if (!rollbackPlan?.alarmName)
    return { status: "recovered", detail: "rolled back and steady; no alarm to verify" };
  const alarm = await ports.cloudwatch.describeAlarm(rollbackPlan.alarmName);
  if (alarm?.state === "OK") {
    return {
      status: "recovered",
      detail: `rolled back; alarm ${rollbackPlan.alarmName} returned to OK at ${alarm.stateUpdatedAt}`,
    };
  }
  const since = Date.parse(steady?.steadyAt ?? clock.now().toISOString());
  const waited = clock.now().getTime() - since;
  if (waited >= params(call).verifyWindow) {
    return {
      status: "timed-out",
      detail: `rolled back, but alarm ${rollbackPlan.alarmName} is still ${alarm?.state ?? "missing"} ${Math.round(waited / 60_000)} min after steady state; not rolling forward`,
    };
  }
  return { status: "waiting", detail: `alarm ${rollbackPlan.alarmName} is ${alarm?.state ?? "missing"}` };
};

export const rollbackSteps: Record<string, StepHandler> = {
  plan,
  "recheck-alarm": recheckAlarm,
  apply,
  "check-steady": checkSteady,
  "check-recovery": checkRecovery,
};
