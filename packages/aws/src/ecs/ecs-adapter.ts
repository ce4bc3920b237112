import {
  type EcsContainerSize,
  type EcsDeployment,
  type EcsPort,
  type EcsServiceDescription,
  type EcsTaskDefinition,
  PortRequestError,
  ResourceNotFoundError,
} from "@architech/core";
import {
  type Deployment,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionRequest,
  type Service,
  type Tag,
  type TaskDefinition,
  TaskDefinitionField,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { isPortError, sdkErrorMessage, sdkErrorName, toPortError } from "../errors.ts";

export interface AwsEcsAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: ECSClient;
}

/**
 * Fields of a task definition that RegisterTaskDefinition accepts and a resized copy keeps as they are.
 * `family`, `cpu` and `memory` are set by the copy, `tags` come from DescribeTaskDefinition's answer.
 */
type CopiedField = Exclude<keyof RegisterTaskDefinitionRequest, "family" | "cpu" | "memory" | "tags">;

const COPIED_FIELDS = [
  "containerDefinitions",
  "taskRoleArn",
  "executionRoleArn",
  "networkMode",
  "volumes",
  "placementConstraints",
  "requiresCompatibilities",
  "runtimePlatform",
  "ephemeralStorage",
  "proxyConfiguration",
  "pidMode",
  "ipcMode",
  "inferenceAccelerators",
  "enableFaultInjection",
  "trustedExecutionConfiguration",
] as const satisfies readonly CopiedField[];

// When a newer SDK adds a registrable field, this fails to compile until the field is listed above, so a
// resized copy never silently loses part of the original.
type UncopiedField = Exclude<CopiedField, (typeof COPIED_FIELDS)[number]>;
const everyRegistrableFieldCopied: [UncopiedField] extends [never] ? true : UncopiedField = true;
void everyRegistrableFieldCopied;

const DEPLOYMENT_STATUSES = new Set<string>(["PRIMARY", "ACTIVE", "INACTIVE"]);

/** ECS's answer to DescribeTaskDefinition / UpdateService naming a task definition that does not exist. */
const MISSING_TASK_DEFINITION = /unable to describe task definition|taskdefinition not found/i;

/**
 * {@link EcsPort} on the ECS API. Errors are port errors: a missing cluster, service (or one that is
 * INACTIVE) or task definition is a `ResourceNotFoundError`, throttling a `TransientPortError`.
 *
 * @example
 * const ecs = new AwsEcsAdapter({ client: new ECSClient({ maxAttempts: 5 }) });
 * const { taskDefinitionArn } = await ecs.describeService("prod", "checkout-api");
 */
export class AwsEcsAdapter implements EcsPort {
  readonly #client: ECSClient;

  constructor(options: AwsEcsAdapterOptions) {
    this.#client = options.client;
  }

  async describeService(cluster: string, service: string): Promise<EcsServiceDescription> {
    const resource = serviceResource(cluster, service);
    const output = await this.#send({ action: "DescribeServices", resource, cluster }, () =>
      this.#client.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const failure = output.failures?.[0];
    if (failure !== undefined) {
      if (failure.reason === "MISSING") throw new ResourceNotFoundError(resource);
      throw new PortRequestError(
        `DescribeServices on ${resource} failed: ${failure.reason ?? "no reason"}${failure.detail ? ` (${failure.detail})` : ""}`,
      );
    }
    const found = output.services?.[0];
    // A deleted service stays describable as INACTIVE for a while; to runbooks it no longer exists.
    if (found === undefined || found.status === "INACTIVE") throw new ResourceNotFoundError(resource);
    return toServiceDescription(found, cluster, service);
  }

  async describeTaskDefinition(taskDefinitionArn: string): Promise<EcsTaskDefinition> {
    const taskDefinition = await this.#describeTaskDefinition(taskDefinitionArn, false);
    return toTaskDefinition(taskDefinition.definition, taskDefinitionArn);
  }

  async updateServiceTaskDefinition(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
  ): Promise<{ deploymentId: string }> {
    const resource = serviceResource(cluster, service);
    const output = await this.#send(
      { action: "UpdateService", resource, cluster, taskDefinition: taskDefinitionArn },
      () =>
        this.#client.send(new UpdateServiceCommand({ cluster, service, taskDefinition: taskDefinitionArn })),
    );
    const primary = output.service?.deployments?.find((deployment) => deployment.status === "PRIMARY");
    if (primary?.id === undefined) {
      throw new PortRequestError(`UpdateService on ${resource} answered without a PRIMARY deployment`);
    }
    return { deploymentId: primary.id };
  }

  async registerResizedTaskDefinition(
    taskDefinitionArn: string,
    size: { cpu: number; memory: number },
  ): Promise<{ taskDefinitionArn: string }> {
    const { definition, tags } = await this.#describeTaskDefinition(taskDefinitionArn, true);
    const input = resizedCopy(definition, tags, size, taskDefinitionArn);
    const resource = `ECS task definition family ${input.family}`;
    const output = await this.#send({ action: "RegisterTaskDefinition", resource }, () =>
      this.#client.send(new RegisterTaskDefinitionCommand(input)),
    );
    const registered = output.taskDefinition?.taskDefinitionArn;
    if (registered === undefined) {
      throw new PortRequestError(`RegisterTaskDefinition on ${resource} answered without an ARN`);
    }
    return { taskDefinitionArn: registered };
  }

  async listServices(): Promise<{ cluster: string; service: string }[]> {
    const clusterArns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#send({ action: "ListClusters", resource: "ECS clusters" }, () =>
        this.#client.send(new ListClustersCommand({ nextToken })),
      );
      clusterArns.push(...(page.clusterArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    const services: { cluster: string; service: string }[] = [];
    // One cluster after the other: listing is not urgent, and it keeps well under the API's rate limits.
    for (const clusterArn of clusterArns) {
      const cluster = lastSegment(clusterArn);
      let servicesToken: string | undefined;
      do {
        const page = await this.#send(
          { action: "ListServices", resource: `ECS services of cluster ${cluster}`, cluster },
          () => this.#client.send(new ListServicesCommand({ cluster: clusterArn, nextToken: servicesToken })),
        );
        for (const serviceArn of page.serviceArns ?? []) {
          services.push({ cluster, service: lastSegment(serviceArn) });
        }
        servicesToken = page.nextToken;
      } while (servicesToken !== undefined);
    }
    return services;
  }

  async #describeTaskDefinition(
    taskDefinitionArn: string,
    withTags: boolean,
  ): Promise<{ definition: TaskDefinition; tags: Tag[] }> {
    const resource = `ECS task definition ${taskDefinitionArn}`;
    const input = withTags
      ? { taskDefinition: taskDefinitionArn, include: [TaskDefinitionField.TAGS] }
      : { taskDefinition: taskDefinitionArn };
    const output = await this.#send(
      { action: "DescribeTaskDefinition", resource, taskDefinition: taskDefinitionArn },
      () => this.#client.send(new DescribeTaskDefinitionCommand(input)),
    );
    if (output.taskDefinition === undefined) throw new ResourceNotFoundError(resource);
    return { definition: output.taskDefinition, tags: output.tags ?? [] };
  }

  /**
   * Runs `call`, mapping its failures onto port errors. `cluster` and `taskDefinition` name what a
   * `ClusterNotFoundException` or a "task definition not found" answer is about.
   */
  async #send<T>(context: SendContext, call: () => Promise<T>): Promise<T> {
    const { action, resource, cluster, taskDefinition } = context;
    try {
      return await call();
    } catch (error) {
      if (isPortError(error)) throw error;
      const name = sdkErrorName(error);
      if (name === "ClusterNotFoundException" && cluster !== undefined) {
        throw new ResourceNotFoundError(`ECS cluster ${cluster}`, { cause: error });
      }
      if (
        taskDefinition !== undefined &&
        name === "ClientException" &&
        MISSING_TASK_DEFINITION.test(sdkErrorMessage(error))
      ) {
        throw new ResourceNotFoundError(`ECS task definition ${taskDefinition}`, { cause: error });
      }
      throw toPortError(error, resource, {
        action,
        notFound: ["ServiceNotFoundException", "ServiceNotActiveException", "ClusterNotFoundException"],
      });
    }
  }
}

interface SendContext {
  action: string;
  resource: string;
  cluster?: string;
  taskDefinition?: string;
}

function serviceResource(cluster: string, service: string): string {
  return `ECS service ${service} in cluster ${cluster}`;
}

function toServiceDescription(service: Service, cluster: string, name: string): EcsServiceDescription {
  const resource = serviceResource(cluster, name);
  const deployments = (service.deployments ?? []).map((deployment) => toDeployment(deployment, resource));
  const primary = deployments.find((deployment) => deployment.status === "PRIMARY");
  const taskDefinitionArn = primary?.taskDefinitionArn ?? service.taskDefinition;
  if (taskDefinitionArn === undefined) {
    // Services with the EXTERNAL deployment controller run task sets, not a task definition.
    throw new PortRequestError(
      `${resource} reports no task definition (is its deployment controller EXTERNAL?)`,
    );
  }
  return {
    cluster: service.clusterArn === undefined ? cluster : lastSegment(service.clusterArn),
    service: service.serviceName ?? name,
    serviceArn: required(service.serviceArn, `the ARN of ${resource}`),
    status: required(service.status, `the status of ${resource}`),
    taskDefinitionArn,
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    deployments,
  };
}

function toDeployment(deployment: Deployment, resource: string): EcsDeployment {
  const id = required(deployment.id, `the id of a deployment of ${resource}`);
  const status = required(deployment.status, `the status of deployment ${id}`);
  if (!isDeploymentStatus(status)) {
    throw new PortRequestError(`deployment ${id} of ${resource} has an unknown status ${status}`);
  }
  const mapped: EcsDeployment = {
    id,
    status,
    taskDefinitionArn: required(deployment.taskDefinition, `the task definition of deployment ${id}`),
    desiredCount: deployment.desiredCount ?? 0,
    runningCount: deployment.runningCount ?? 0,
    createdAt: required(deployment.createdAt, `the creation time of deployment ${id}`).toISOString(),
  };
  if (deployment.rolloutState !== undefined) mapped.rolloutState = deployment.rolloutState;
  if (deployment.rolloutStateReason !== undefined) mapped.rolloutStateReason = deployment.rolloutStateReason;
  if (deployment.updatedAt !== undefined) mapped.updatedAt = deployment.updatedAt.toISOString();
  return mapped;
}

function isDeploymentStatus(status: string): status is EcsDeployment["status"] {
  return DEPLOYMENT_STATUSES.has(status);
}

function toTaskDefinition(definition: TaskDefinition, requested: string): EcsTaskDefinition {
  const resource = `ECS task definition ${requested}`;
  const mapped: EcsTaskDefinition = {
    arn: required(definition.taskDefinitionArn, `the ARN of ${resource}`),
    family: required(definition.family, `the family of ${resource}`),
    revision: required(definition.revision, `the revision of ${resource}`),
    containers: (definition.containerDefinitions ?? []).map((container) => {
      const size: EcsContainerSize = { name: container.name ?? "", image: container.image ?? "" };
      if (container.cpu !== undefined) size.cpu = container.cpu;
      if (container.memory !== undefined) size.memory = container.memory;
      if (container.memoryReservation !== undefined) size.memoryReservation = container.memoryReservation;
      return size;
    }),
  };
  const cpu = parseCpuUnits(definition.cpu);
  const memory = parseMemoryMiB(definition.memory);
  if (cpu !== undefined) mapped.cpu = cpu;
  if (memory !== undefined) mapped.memory = memory;
  return mapped;
}

function resizedCopy(
  definition: TaskDefinition,
  tags: Tag[],
  size: { cpu: number; memory: number },
  requested: string,
): RegisterTaskDefinitionRequest {
  const input: RegisterTaskDefinitionRequest = {
    family: required(definition.family, `the family of ECS task definition ${requested}`),
    containerDefinitions: required(
      definition.containerDefinitions,
      `the container definitions of ECS task definition ${requested}`,
    ),
    cpu: String(size.cpu),
    memory: String(size.memory),
  };
  for (const field of COPIED_FIELDS) copyField(input, definition, field);
  // Keys under `aws:` are reserved for AWS (CloudFormation puts some there); registering them is refused.
  const userTags = tags.filter((tag) => !tag.key?.startsWith("aws:"));
  if (userTags.length > 0) input.tags = userTags;
  return input;
}

function copyField<K extends (typeof COPIED_FIELDS)[number]>(
  target: RegisterTaskDefinitionRequest,
  source: TaskDefinition,
  field: K,
): void {
  const value = source[field];
  if (value !== undefined) target[field] = value as RegisterTaskDefinitionRequest[K];
}

/** Task-level CPU as ECS reports it: units ("1024"); registration also accepts vCPUs ("1 vCPU"). */
function parseCpuUnits(value: string | undefined): number | undefined {
  return parseSize(value, /^(\d+(?:\.\d+)?)\s*vcpu$/i, 1024);
}

/** Task-level memory as ECS reports it: MiB ("2048"); registration also accepts GB ("2 GB"). */
function parseMemoryMiB(value: string | undefined): number | undefined {
  return parseSize(value, /^(\d+(?:\.\d+)?)\s*gb$/i, 1024);
}

function parseSize(value: string | undefined, scaled: RegExp, factor: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = scaled.exec(trimmed);
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * factor);
}

/** The name at the end of an ECS ARN: `…:cluster/prod` → prod, `…:service/prod/checkout-api` → checkout-api. */
function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`ECS answered without ${what}`);
  return value;
}
