/** One deployment of an ECS service, as DescribeServices reports it. */
export interface EcsDeployment {
  id: string;
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  taskDefinitionArn: string;
  desiredCount: number;
  runningCount: number;
  /** Rollout state of the deployment (ECS deployment circuit breaker / rolling update). */
  rolloutState?: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  rolloutStateReason?: string;
  createdAt: string;
  updatedAt?: string;
}

export interface EcsServiceDescription {
  cluster: string;
  service: string;
  serviceArn: string;
  status: string;
  /** The task definition of the PRIMARY deployment: what the service runs (or is rolling out). */
  taskDefinitionArn: string;
  desiredCount: number;
  runningCount: number;
  deployments: EcsDeployment[];
}

export interface EcsContainerSize {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
}

export interface EcsTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  /** Task-level CPU units (Fargate: 256, 512, 1024, …). */
  cpu?: number;
  /** Task-level memory in MiB. */
  memory?: number;
  containers: EcsContainerSize[];
}

/**
 * What runbooks do to ECS services: read what a service runs, point it at another task definition, and
 * register a resized copy of a task definition.
 */
export interface EcsPort {
  /** Throws `ResourceNotFoundError` for a missing or inactive service. */
  describeService(cluster: string, service: string): Promise<EcsServiceDescription>;
  describeTaskDefinition(taskDefinitionArn: string): Promise<EcsTaskDefinition>;
  /** UpdateService to the task definition; resolves to the new deployment's id. */
  updateServiceTaskDefinition(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
  ): Promise<{ deploymentId: string }>;
  /** Registers a copy of the task definition with new task-level CPU and memory; resolves to its ARN. */
  registerResizedTaskDefinition(
    taskDefinitionArn: string,
    size: { cpu: number; memory: number },
  ): Promise<{ taskDefinitionArn: string }>;
  /** Every service in every cluster (all pages). */
  listServices(): Promise<{ cluster: string; service: string }[]>;
}
