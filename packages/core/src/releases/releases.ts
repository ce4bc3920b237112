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
 * Marks the running release known-good once it has baked: run for the bake time with none of the
 * target's alarms in ALARM and no rollback run on the target since it went out. Called periodically, so a
 * release is judged while it runs; a release replaced before it baked stays unproven (nothing says it
 * was healthy), and one not yet due, or suspect, is left as it is.
 */
export async function bakeReleases(
  { store, cloudwatch, clock }: { store: Store; cloudwatch: CloudWatchPort; clock: Clock },
  options: BakeOptions,
): Promise<Deployment[]> {
  const now = clock.now().getTime();
  const [running] = (await store.listDeployments({ service: options.service, limit: 1 })).items;
  if (!running || running.knownGood || Date.parse(running.deployedAt) + options.bakeTimeMs > now) return [];
  const alarms = await cloudwatch.listAlarmsForDimensions(options.alarmDimensions);
  if (alarms.some((alarm) => alarm.state === "ALARM")) return [];
  // A rollback while this release was running says it was not healthy.
  const runs = await store.listRunsByTarget({
    target: options.service,
    since: running.deployedAt,
    limit: 50,
  });
  if (
    runs.items.some(
      (run) => run.runbook === "rollback" && run.status !== "cancelled" && run.status !== "dry-run",
    )
  ) {
    return [];
  }
  const updated = await store.setKnownGood({
    service: running.service,
    deployedAt: running.deployedAt,
    id: running.id,
    knownGood: true,
  });
  return updated.updated ? [updated.deployment] : [];
}
