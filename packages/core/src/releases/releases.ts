import type { CloudWatchPort } from "../ports/cloudwatch.ts";
import type { EcsPort } from "../ports/ecs.ts";
import type { Clock } from "../router/ports.ts";
import type { DeploymentSignal } from "../signals/signal.ts";
import type { Deployment } from "../store/deployment.ts";
import type { Store } from "../store/store.ts";
import { targetKey } from "../target/target.ts";

export type RecordReleaseResult =
  | { recorded: true; deployment: Deployment }
  | { recorded: false; reason: string; deployment?: Deployment };

const IMAGE_DIGEST = /@(sha256:[a-f0-9]{64})$/;

/**
 * Adds a completed ECS deployment to the service's release history (what rollback returns to): the task
 * definition it rolled out and the image it runs, read from ECS because the event names neither. Rollback
 * deployments and deployments that did not complete are not releases. Recording is idempotent.
 *
 * @example
 * if (signal.type === "deployment") await recordEcsRelease(signal, { store, ecs });
 */
export async function recordEcsRelease(
  signal: DeploymentSignal,
  { store, ecs }: { store: Store; ecs: EcsPort },
): Promise<RecordReleaseResult> {
  if (signal.status !== "COMPLETED") return { recorded: false, reason: `deployment is ${signal.status}` };
  if (signal.isRollback) return { recorded: false, reason: "a rollback deployment is not a new release" };
  if (signal.clusterName === null) return { recorded: false, reason: "the service ARN names no cluster" };
  const service = await ecs.describeService(signal.clusterName, signal.serviceName);
  const deployment = service.deployments.find((d) => d.id === signal.deploymentId);
  if (!deployment) {
    return {
      recorded: false,
      reason: `deployment ${signal.deploymentId} is no longer listed by the service`,
    };
  }
  const taskDefinition = await ecs.describeTaskDefinition(deployment.taskDefinitionArn);
  const image = taskDefinition.containers[0]?.image ?? "";
  const digest = IMAGE_DIGEST.exec(image)?.[1];
  const tag = digest ? undefined : /:([^:/@]+)$/.exec(image)?.[1];
  const result = await store.recordDeployment({
    service: targetKey({ type: "ecs-service", cluster: signal.clusterName, service: signal.serviceName }),
    id: signal.deploymentId,
    kind: "ecs",
    deployedAt: signal.updatedAt,
    taskDefinitionArn: taskDefinition.arn,
    taskDefinitionRevision: taskDefinition.revision,
    ...(digest ? { imageDigest: digest } : {}),
    ...(tag ? { imageTag: tag } : {}),
  });
  return result.recorded
    ? { recorded: true, deployment: result.deployment }
    : { recorded: false, reason: "already recorded", deployment: result.existing };
}

export interface BakeOptions {
  /** The target whose releases to bake (`ecs-service:…` or `lambda-alias:…` key). */
  service: string;
  /** The target's alarms: their dimensions (e.g. ClusterName + ServiceName). */
  alarmDimensions: Record<string, string>;
  bakeTimeMs: number;
}

/**
 * Marks releases known-good once they have baked: run for the bake time, with none of the target's
 * alarms in ALARM now and no rollback run on the target since the release went out. Called periodically
 * (and before planning a rollback); a release that is not yet due, or is suspect, is left as it is.
 */
export async function bakeReleases(
  { store, cloudwatch, clock }: { store: Store; cloudwatch: CloudWatchPort; clock: Clock },
  options: BakeOptions,
): Promise<Deployment[]> {
  const now = clock.now().getTime();
  const history = (await store.listDeployments({ service: options.service, limit: 50 })).items;
  const due = history.filter((d) => !d.knownGood && Date.parse(d.deployedAt) + options.bakeTimeMs <= now);
  if (due.length === 0) return [];
  const alarms = await cloudwatch.listAlarmsForDimensions(options.alarmDimensions);
  if (alarms.some((alarm) => alarm.state === "ALARM")) return [];
  const baked: Deployment[] = [];
  for (const release of due) {
    // The release that replaced this one is the earliest deployed after it (history is newest first).
    const next = history.filter((d) => Date.parse(d.deployedAt) > Date.parse(release.deployedAt)).at(-1);
    const ranUntil = next ? Date.parse(next.deployedAt) : now;
    if (ranUntil - Date.parse(release.deployedAt) < options.bakeTimeMs) continue;
    const rollbacks = await store.listRunsByTarget({
      target: options.service,
      since: release.deployedAt,
      limit: 50,
    });
    if (
      rollbacks.items.some(
        (run) => run.runbook === "rollback" && run.status !== "cancelled" && run.status !== "dry-run",
      )
    ) {
      continue;
    }
    const updated = await store.setKnownGood({
      service: release.service,
      deployedAt: release.deployedAt,
      id: release.id,
      knownGood: true,
    });
    if (updated.updated) baked.push(updated.deployment);
  }
  return baked;
}
