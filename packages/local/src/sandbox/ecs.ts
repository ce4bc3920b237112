import {
  type EcsPort,
  type EcsServiceDescription,
  type EcsTaskDefinition,
  PortRequestError,
  ResourceNotFoundError,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import {
  type DeploymentRecord,
  deploymentId,
  type Estate,
  type ServiceRecord,
  type TaskDefinitionRecord,
  taskDefinitionArn,
} from "./estate.ts";
import { isFargateSize } from "./fargate.ts";
import { deploymentsAt } from "./timeline.ts";

/** Finds a service or throws as ECS does for a missing one. */
export function findService(estate: Estate, cluster: string, service: string): ServiceRecord {
  const record = estate.services.find((s) => s.cluster === cluster && s.name === service);
  if (record === undefined) throw new ResourceNotFoundError(`ECS service ${cluster}/${service}`);
  return record;
}

/**
 * Resolves what DescribeTaskDefinition and UpdateService accept: a full ARN, `family:revision`, or a
 * family alone (its latest revision).
 */
export function findTaskDefinition(estate: Estate, reference: string): TaskDefinitionRecord {
  const arnMatch = /^arn:aws:ecs:([^:]+):(\d{12}):task-definition\/([A-Za-z0-9_-]+):(\d+)$/.exec(reference);
  const shortMatch = /^([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(reference);
  let record: TaskDefinitionRecord | undefined;
  if (arnMatch) {
    record = estate.taskDefinitions.get(reference);
  } else if (shortMatch) {
    const [, family = "", revision] = shortMatch;
    record =
      revision === undefined
        ? latestRevision(estate, family)
        : estate.taskDefinitions.get(
            taskDefinitionArn(estate.region, estate.account, family, Number(revision)),
          );
  } else {
    throw new PortRequestError(
      `ClientException: "${reference}" is not a task definition ARN or family:revision`,
    );
  }
  if (record === undefined) throw new ResourceNotFoundError(`task definition ${reference}`);
  return record;
}

function latestRevision(estate: Estate, family: string): TaskDefinitionRecord | undefined {
  let latest: TaskDefinitionRecord | undefined;
  for (const record of estate.taskDefinitions.values()) {
    if (record.family === family && (latest === undefined || record.revision > latest.revision))
      latest = record;
  }
  return latest;
}

/** DescribeServices at `t`. */
export function describeServiceAt(estate: Estate, service: ServiceRecord, t: number): EcsServiceDescription {
  const deployments = deploymentsAt(service, estate.settleMs, t);
  const primary = deployments.find((d) => d.status === "PRIMARY");
  return {
    cluster: service.cluster,
    service: service.name,
    serviceArn: service.arn,
    status: "ACTIVE",
    taskDefinitionArn: primary?.taskDefinitionArn ?? "",
    desiredCount: service.desiredCount,
    runningCount: deployments.reduce((sum, d) => sum + d.runningCount, 0),
    deployments,
  };
}

export function toEcsTaskDefinition(record: TaskDefinitionRecord): EcsTaskDefinition {
  return {
    arn: record.arn,
    family: record.family,
    revision: record.revision,
    cpu: record.cpu,
    memory: record.memory,
    containers: record.containers.map((c) => ({ ...c })),
  };
}

/** Registers the next revision of a family; RegisterTaskDefinition's checks on sizes included. */
export function registerRevision(
  estate: Estate,
  source: TaskDefinitionRecord,
  changes: { cpu: number; memory: number; image?: string; healthy?: boolean; note?: string },
  at: number,
): TaskDefinitionRecord {
  const { cpu, memory } = changes;
  if (!Number.isInteger(cpu) || !Number.isInteger(memory) || cpu <= 0 || memory <= 0) {
    throw new PortRequestError(
      `ClientException: cpu and memory must be positive whole numbers (${cpu}, ${memory})`,
    );
  }
  if (source.launchType === "FARGATE" && !isFargateSize(cpu, memory)) {
    throw new PortRequestError(
      `ClientException: No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory.`,
    );
  }
  for (const container of source.containers) {
    if (container.memory !== undefined && container.memory > memory) {
      throw new PortRequestError(
        `ClientException: container ${container.name} asks for ${container.memory} MiB, more than the task's ${memory} MiB`,
      );
    }
  }
  const revision = (latestRevision(estate, source.family)?.revision ?? 0) + 1;
  const [main, ...sidecars] = source.containers;
  const record: TaskDefinitionRecord = {
    ...source,
    arn: taskDefinitionArn(estate.region, estate.account, source.family, revision),
    revision,
    cpu,
    memory,
    containers:
      main === undefined
        ? []
        : [{ ...main, image: changes.image ?? main.image }, ...sidecars.map((c) => ({ ...c }))],
    healthy: changes.healthy ?? source.healthy,
    registeredAt: at,
    note: changes.note,
  };
  estate.taskDefinitions.set(record.arn, record);
  return record;
}

/**
 * UpdateService to a task definition: a new PRIMARY deployment, unless the service already runs it
 * (ECS starts no deployment then, without forceNewDeployment).
 */
export function deployTaskDefinition(
  service: ServiceRecord,
  record: TaskDefinitionRecord,
  at: number,
): DeploymentRecord {
  const primary = service.deployments.at(-1);
  if (primary !== undefined && primary.taskDefinitionArn === record.arn) return primary;
  const deployment: DeploymentRecord = {
    id: deploymentId(service, service.deployments.length),
    taskDefinitionArn: record.arn,
    createdAt: at,
    desiredCount: service.desiredCount,
  };
  service.deployments.push(deployment);
  return deployment;
}

export function serviceTarget(cluster: string, service: string): string {
  return `ecs-service:${cluster}/${service}`;
}

/** The ECS port over the sandbox estate. */
export function createSandboxEcs(ctx: SandboxContext): EcsPort {
  const { estate } = ctx;
  return {
    async describeService(cluster, service) {
      ctx.read({
        operation: "ecs.describeService",
        target: serviceTarget(cluster, service),
        resource: `ECS service ${cluster}/${service}`,
      });
      return describeServiceAt(estate, findService(estate, cluster, service), ctx.now());
    },

    async describeTaskDefinition(arn) {
      ctx.read({
        operation: "ecs.describeTaskDefinition",
        target: `task-definition:${arn}`,
        resource: `task definition ${arn}`,
      });
      return toEcsTaskDefinition(findTaskDefinition(estate, arn));
    },

    async updateServiceTaskDefinition(cluster, service, arn) {
      return ctx.mutate(
        {
          operation: "ecs.updateServiceTaskDefinition",
          target: serviceTarget(cluster, service),
          resource: `ECS service ${cluster}/${service}`,
        },
        (entry) => {
          const record = findService(estate, cluster, service);
          const taskDefinition = findTaskDefinition(estate, arn);
          const before = describeServiceAt(estate, record, ctx.now());
          entry.before = { taskDefinitionArn: before.taskDefinitionArn };
          const deployment = deployTaskDefinition(record, taskDefinition, ctx.now());
          entry.after = { taskDefinitionArn: taskDefinition.arn, deploymentId: deployment.id };
          return { deploymentId: deployment.id };
        },
      );
    },

    async registerResizedTaskDefinition(arn, size) {
      return ctx.mutate(
        {
          operation: "ecs.registerResizedTaskDefinition",
          target: `task-definition:${arn}`,
          resource: `task definition ${arn}`,
        },
        (entry) => {
          const source = findTaskDefinition(estate, arn);
          entry.before = { taskDefinitionArn: source.arn, cpu: source.cpu, memory: source.memory };
          const record = registerRevision(
            estate,
            source,
            { ...size, note: `resized copy of ${source.family}:${source.revision}` },
            ctx.now(),
          );
          entry.after = { taskDefinitionArn: record.arn, cpu: record.cpu, memory: record.memory };
          return { taskDefinitionArn: record.arn };
        },
      );
    },

    async listServices() {
      ctx.read({ operation: "ecs.listServices", target: "ecs", resource: "ECS services" });
      return estate.services.map((s) => ({ cluster: s.cluster, service: s.name }));
    },
  };
}
