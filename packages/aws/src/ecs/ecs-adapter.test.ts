import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  ECSClient,
  ECSServiceException,
  ListClustersCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  ServerException,
  ServiceNotActiveException,
  type TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ScriptedAnswer, scriptedRequestHandler } from "../scripted-http.test-support.ts";
import { AwsEcsAdapter } from "./ecs-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
// The instance, not the class, is mocked: the retry tests below need clients that really send.
const mockedClient = new ECSClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const ecs = mockClient(mockedClient);
afterEach(() => {
  ecs.reset();
  vi.useRealTimers();
});

const ACCOUNT = "arn:aws:ecs:eu-west-1:123456789012";
const CLUSTER_ARN = `${ACCOUNT}:cluster/prod`;
const SERVICE_ARN = `${ACCOUNT}:service/prod/checkout-api`;
const TD_41 = `${ACCOUNT}:task-definition/checkout-api:41`;
const TD_42 = `${ACCOUNT}:task-definition/checkout-api:42`;
const TD_43 = `${ACCOUNT}:task-definition/checkout-api:43`;

function adapter(client = mockedClient): AwsEcsAdapter {
  return new AwsEcsAdapter({ client });
}

function sdkError(
  name: string,
  httpStatusCode: number,
  fault: "client" | "server" = "client",
  message = "Rate exceeded",
) {
  return new ECSServiceException({ name, $fault: fault, $metadata: { httpStatusCode }, message });
}

const DENIED =
  "User: arn:aws:sts::123456789012:assumed-role/architech-steps/rollback is not authorized to perform: ecs:DescribeServices";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail with an Error");
  return error;
}

const servicesOutput: DescribeServicesCommandOutput = {
  $metadata: { httpStatusCode: 200 },
  failures: [],
  services: [
    {
      serviceArn: SERVICE_ARN,
      serviceName: "checkout-api",
      clusterArn: CLUSTER_ARN,
      status: "ACTIVE",
      desiredCount: 4,
      runningCount: 5,
      pendingCount: 0,
      launchType: "FARGATE",
      taskDefinition: TD_42,
      deployments: [
        {
          id: "ecs-svc/1111111111111111111",
          status: "PRIMARY",
          taskDefinition: TD_42,
          desiredCount: 4,
          pendingCount: 0,
          runningCount: 2,
          failedTasks: 0,
          createdAt: new Date("2026-03-02T10:05:00.123Z"),
          updatedAt: new Date("2026-03-02T10:07:30.000Z"),
          launchType: "FARGATE",
          rolloutState: "IN_PROGRESS",
          rolloutStateReason: "ECS deployment ecs-svc/1111111111111111111 in progress.",
        },
        {
          id: "ecs-svc/2222222222222222222",
          status: "ACTIVE",
          taskDefinition: TD_41,
          desiredCount: 4,
          pendingCount: 0,
          runningCount: 3,
          failedTasks: 0,
          createdAt: new Date("2026-02-27T08:00:00.000Z"),
          updatedAt: new Date("2026-02-27T08:04:00.000Z"),
          launchType: "FARGATE",
          rolloutState: "COMPLETED",
          rolloutStateReason: "ECS deployment ecs-svc/2222222222222222222 completed.",
        },
      ],
    },
  ],
};

/** A Fargate task definition as DescribeTaskDefinition returns it, read-only fields included. */
const fullTaskDefinition: TaskDefinition = {
  taskDefinitionArn: TD_42,
  family: "checkout-api",
  revision: 42,
  status: "ACTIVE",
  taskRoleArn: "arn:aws:iam::123456789012:role/checkout-api-task",
  executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  networkMode: "awsvpc",
  containerDefinitions: [
    {
      name: "app",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:2026.03.02-1",
      cpu: 0,
      memoryReservation: 512,
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      environment: [{ name: "STAGE", value: "prod" }],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/checkout-api", "awslogs-region": "eu-west-1" },
      },
    },
    {
      name: "envoy",
      image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
      cpu: 256,
      memory: 256,
      essential: true,
    },
  ],
  volumes: [{ name: "scratch", host: {} }],
  placementConstraints: [],
  requiresCompatibilities: ["FARGATE"],
  runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
  ephemeralStorage: { sizeInGiB: 30 },
  proxyConfiguration: {
    type: "APPMESH",
    containerName: "envoy",
    properties: [{ name: "AppPorts", value: "8080" }],
  },
  pidMode: "task",
  ipcMode: "none",
  inferenceAccelerators: [],
  enableFaultInjection: false,
  cpu: "1024",
  memory: "2048",
  requiresAttributes: [{ name: "com.amazonaws.ecs.capability.task-iam-role" }],
  compatibilities: ["EC2", "FARGATE"],
  registeredAt: new Date("2026-03-02T10:00:00.000Z"),
  registeredBy: "arn:aws:sts::123456789012:assumed-role/deploy/ci",
};

describe("AwsEcsAdapter.describeService", () => {
  it("describes the service and its deployments, the PRIMARY one giving the task definition", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves(servicesOutput);

    // Act
    const description = await adapter().describeService("prod", "checkout-api");

    // Assess
    expect(ecs.commandCalls(DescribeServicesCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: "prod", services: ["checkout-api"] },
    ]);
    expect(description).toEqual({
      cluster: "prod",
      service: "checkout-api",
      serviceArn: SERVICE_ARN,
      status: "ACTIVE",
      taskDefinitionArn: TD_42,
      desiredCount: 4,
      runningCount: 5,
      deployments: [
        {
          id: "ecs-svc/1111111111111111111",
          status: "PRIMARY",
          taskDefinitionArn: TD_42,
          desiredCount: 4,
          runningCount: 2,
          rolloutState: "IN_PROGRESS",
          rolloutStateReason: "ECS deployment ecs-svc/1111111111111111111 in progress.",
          createdAt: "2026-03-02T10:05:00.123Z",
          updatedAt: "2026-03-02T10:07:30.000Z",
        },
        {
          id: "ecs-svc/2222222222222222222",
          status: "ACTIVE",
          taskDefinitionArn: TD_41,
          desiredCount: 4,
          runningCount: 3,
          rolloutState: "COMPLETED",
          rolloutStateReason: "ECS deployment ecs-svc/2222222222222222222 completed.",
          createdAt: "2026-02-27T08:00:00.000Z",
          updatedAt: "2026-02-27T08:04:00.000Z",
        },
      ],
    });
  });

  it("leaves out the rollout state of a deployment that has none (rolling updates before circuit breakers)", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceArn: SERVICE_ARN,
          serviceName: "checkout-api",
          clusterArn: CLUSTER_ARN,
          status: "ACTIVE",
          desiredCount: 1,
          runningCount: 1,
          taskDefinition: TD_42,
          deployments: [
            {
              id: "ecs-svc/3",
              status: "PRIMARY",
              taskDefinition: TD_42,
              desiredCount: 1,
              runningCount: 1,
              createdAt: new Date("2026-03-01T00:00:00.000Z"),
            },
          ],
        },
      ],
    });

    // Act
    const description = await adapter().describeService(CLUSTER_ARN, "checkout-api");

    // Assess
    expect(description.cluster).toBe("prod");
    expect(description.deployments).toEqual([
      {
        id: "ecs-svc/3",
        status: "PRIMARY",
        taskDefinitionArn: TD_42,
        desiredCount: 1,
        runningCount: 1,
        createdAt: "2026-03-01T00:00:00.000Z",
      },
    ]);
  });

  it("reports a service ECS says is MISSING as not found", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [{ arn: `${ACCOUNT}:service/prod/ghost`, reason: "MISSING" }],
    });

    // Act
    const error = await rejection(adapter().describeService("prod", "ghost"));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("ECS service ghost in cluster prod");
  });

  it("reports an INACTIVE (deleted) service as not found", async () => {
    // Prepare
    const [service] = servicesOutput.services ?? [];
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [{ ...service, status: "INACTIVE" }], failures: [] });

    // Act
    const error = await rejection(adapter().describeService("prod", "checkout-api"));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe("ECS service checkout-api in cluster prod does not exist");
  });

  it("reports a missing cluster as not found, naming the cluster", async () => {
    // Prepare
    const failure = new ClusterNotFoundException({ message: "Cluster not found.", $metadata: {} });
    ecs.on(DescribeServicesCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().describeService("gone", "checkout-api"));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("ECS cluster gone");
    expect(error.cause).toBe(failure);
  });

  it("refuses a failure other than MISSING with ECS's reason", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [{ arn: SERVICE_ARN, reason: "INTERNAL ERROR", detail: "try later" }],
    });

    // Act
    const error = await rejection(adapter().describeService("prod", "checkout-api"));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "DescribeServices on ECS service checkout-api in cluster prod failed: INTERNAL ERROR (try later)",
    );
  });

  it.each([
    ["throttling", sdkError("ThrottlingException", 400)],
    [
      "a server exception",
      new ServerException({ message: "Server error", $metadata: { httpStatusCode: 500 } }),
    ],
    ["a 503 with an unmodelled name", sdkError("SomethingNew", 503, "server")],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["a timeout", Object.assign(new Error("Request timed out"), { name: "TimeoutError" })],
  ])("turns %s into a TransientPortError that carries the cause", async (_label, failure) => {
    // Prepare
    ecs.on(DescribeServicesCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().describeService("prod", "checkout-api"));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });

  it("turns access denied into a PortRequestError naming the call and the service", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).rejects(sdkError("AccessDeniedException", 400, "client", DENIED));

    // Act
    const error = await rejection(adapter().describeService("prod", "checkout-api"));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      `DescribeServices on ECS service checkout-api in cluster prod was refused: AccessDeniedException: ${DENIED}`,
    );
  });
});

describe("AwsEcsAdapter.describeTaskDefinition", () => {
  it("reads task-level CPU and memory as numbers and the size of every container", async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: fullTaskDefinition });

    // Act
    const taskDefinition = await adapter().describeTaskDefinition(TD_42);

    // Assess
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      { taskDefinition: TD_42 },
    ]);
    expect(taskDefinition).toEqual({
      arn: TD_42,
      family: "checkout-api",
      revision: 42,
      cpu: 1024,
      memory: 2048,
      containers: [
        {
          name: "app",
          image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:2026.03.02-1",
          cpu: 0,
          memoryReservation: 512,
        },
        {
          name: "envoy",
          image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
          cpu: 256,
          memory: 256,
        },
      ],
    });
  });

  it.each([
    ["1 vCPU", "2 GB", 1024, 2048],
    ["0.5 vcpu", "1GB", 512, 1024],
    ["256", "512", 256, 512],
  ])("reads cpu %s and memory %s as %i units and %i MiB", async (cpu, memory, units, mib) => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand)
      .resolves({ taskDefinition: { ...fullTaskDefinition, cpu, memory } });

    // Act
    const taskDefinition = await adapter().describeTaskDefinition(TD_42);

    // Assess
    expect([taskDefinition.cpu, taskDefinition.memory]).toEqual([units, mib]);
  });

  it("leaves task-level size out for an EC2 task definition sized per container", async () => {
    // Prepare
    const { cpu: _cpu, memory: _memory, ...unsized } = fullTaskDefinition;
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: unsized });

    // Act
    const taskDefinition = await adapter().describeTaskDefinition(TD_42);

    // Assess
    expect(taskDefinition).not.toHaveProperty("cpu");
    expect(taskDefinition).not.toHaveProperty("memory");
  });

  it("reports a task definition ECS cannot describe as not found", async () => {
    // Prepare
    const failure = new ClientException({ message: "Unable to describe task definition.", $metadata: {} });
    ecs.on(DescribeTaskDefinitionCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().describeTaskDefinition(TD_43));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe(`ECS task definition ${TD_43}`);
    expect(error.cause).toBe(failure);
  });

  it("refuses other client exceptions with ECS's message", async () => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Task definition family is malformed.", $metadata: {} }));

    // Act
    const error = await rejection(adapter().describeTaskDefinition("checkout api"));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "DescribeTaskDefinition on ECS task definition checkout api was refused: ClientException: Task definition family is malformed.",
    );
  });
});

describe("AwsEcsAdapter.updateServiceTaskDefinition", () => {
  it("points the service at the task definition and answers the PRIMARY deployment's id", async () => {
    // Prepare
    ecs.on(UpdateServiceCommand).resolves({
      service: {
        serviceArn: SERVICE_ARN,
        serviceName: "checkout-api",
        clusterArn: CLUSTER_ARN,
        status: "ACTIVE",
        taskDefinition: TD_41,
        deployments: [
          { id: "ecs-svc/1111111111111111111", status: "ACTIVE", taskDefinition: TD_42 },
          { id: "ecs-svc/4444444444444444444", status: "PRIMARY", taskDefinition: TD_41 },
        ],
      },
    });

    // Act
    const result = await adapter().updateServiceTaskDefinition("prod", "checkout-api", TD_41);

    // Assess
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: "prod", service: "checkout-api", taskDefinition: TD_41 },
    ]);
    expect(result).toEqual({ deploymentId: "ecs-svc/4444444444444444444" });
  });

  it("reports a service that is being deleted as not found", async () => {
    // Prepare
    ecs
      .on(UpdateServiceCommand)
      .rejects(new ServiceNotActiveException({ message: "Service was not ACTIVE.", $metadata: {} }));

    // Act
    const error = await rejection(adapter().updateServiceTaskDefinition("prod", "checkout-api", TD_41));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("ECS service checkout-api in cluster prod");
  });

  it("reports a task definition that no longer exists as not found, naming it", async () => {
    // Prepare
    ecs
      .on(UpdateServiceCommand)
      .rejects(new ClientException({ message: "TaskDefinition not found.", $metadata: {} }));

    // Act
    const error = await rejection(adapter().updateServiceTaskDefinition("prod", "checkout-api", TD_41));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe(`ECS task definition ${TD_41}`);
  });

  it("surfaces throttling as a TransientPortError so the workflow retries the step", async () => {
    // Prepare
    const failure = sdkError("ThrottlingException", 400);
    ecs.on(UpdateServiceCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().updateServiceTaskDefinition("prod", "checkout-api", TD_41));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });

  it("refuses an answer without a PRIMARY deployment", async () => {
    // Prepare
    ecs.on(UpdateServiceCommand).resolves({ service: { serviceArn: SERVICE_ARN, deployments: [] } });

    // Act
    const error = await rejection(adapter().updateServiceTaskDefinition("prod", "checkout-api", TD_41));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toContain("without a PRIMARY deployment");
  });
});

describe("AwsEcsAdapter.registerResizedTaskDefinition", () => {
  it("registers a copy with the new size, every registrable field and the user's tags", async () => {
    // Prepare
    const described: DescribeTaskDefinitionCommandOutput = {
      $metadata: {},
      taskDefinition: fullTaskDefinition,
      tags: [
        { key: "owner", value: "payments" },
        { key: "aws:cloudformation:stack-name", value: "checkout" },
        { key: "environment", value: "prod" },
      ],
    };
    ecs.on(DescribeTaskDefinitionCommand).resolves(described);
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD_43 } });

    // Act
    const result = await adapter().registerResizedTaskDefinition(TD_42, { cpu: 512, memory: 1024 });

    // Assess
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      { taskDefinition: TD_42, include: ["TAGS"] },
    ]);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      {
        family: "checkout-api",
        cpu: "512",
        memory: "1024",
        containerDefinitions: fullTaskDefinition.containerDefinitions,
        taskRoleArn: "arn:aws:iam::123456789012:role/checkout-api-task",
        executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        networkMode: "awsvpc",
        volumes: [{ name: "scratch", host: {} }],
        placementConstraints: [],
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        ephemeralStorage: { sizeInGiB: 30 },
        proxyConfiguration: {
          type: "APPMESH",
          containerName: "envoy",
          properties: [{ name: "AppPorts", value: "8080" }],
        },
        pidMode: "task",
        ipcMode: "none",
        inferenceAccelerators: [],
        enableFaultInjection: false,
        tags: [
          { key: "owner", value: "payments" },
          { key: "environment", value: "prod" },
        ],
      },
    ]);
    const input = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input ?? {};
    for (const readOnly of [
      "taskDefinitionArn",
      "revision",
      "status",
      "requiresAttributes",
      "compatibilities",
      "registeredAt",
      "registeredBy",
      "deregisteredAt",
      "deleteRequestedAt",
    ]) {
      expect(Object.keys(input)).not.toContain(readOnly);
    }
    expect(result).toEqual({ taskDefinitionArn: TD_43 });
  });

  it("sends only what the original has: no optional fields, no tags", async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: TD_42,
        family: "checkout-api",
        revision: 42,
        status: "ACTIVE",
        containerDefinitions: [{ name: "app", image: "nginx:1.27", memory: 256 }],
        compatibilities: ["EC2"],
      },
    });
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD_43 } });

    // Act
    await adapter().registerResizedTaskDefinition(TD_42, { cpu: 256, memory: 512 });

    // Assess
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input).toStrictEqual({
      family: "checkout-api",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "app", image: "nginx:1.27", memory: 256 }],
    });
  });

  it("does not register anything when the original cannot be found", async () => {
    // Prepare
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Unable to describe task definition.", $metadata: {} }));

    // Act
    const error = await rejection(adapter().registerResizedTaskDefinition(TD_43, { cpu: 256, memory: 512 }));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  });

  it("refuses with ECS's reason when ECS rejects the new size", async () => {
    // Prepare
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: fullTaskDefinition });
    ecs.on(RegisterTaskDefinitionCommand).rejects(
      new ClientException({
        message: "Invalid 'cpu' setting for task. For more details, please check the ECS Documentation.",
        $metadata: {},
      }),
    );

    // Act
    const error = await rejection(adapter().registerResizedTaskDefinition(TD_42, { cpu: 300, memory: 512 }));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "RegisterTaskDefinition on ECS task definition family checkout-api was refused: ClientException: Invalid 'cpu' setting for task. For more details, please check the ECS Documentation.",
    );
  });
});

describe("AwsEcsAdapter.listServices", () => {
  it("follows every page of clusters and of each cluster's services", async () => {
    // Prepare
    ecs
      .on(ListClustersCommand, { nextToken: undefined })
      .resolves({ clusterArns: [`${ACCOUNT}:cluster/prod`, `${ACCOUNT}:cluster/legacy`], nextToken: "c2" })
      .on(ListClustersCommand, { nextToken: "c2" })
      .resolves({ clusterArns: [`${ACCOUNT}:cluster/empty`] });
    ecs
      .on(ListServicesCommand, { cluster: `${ACCOUNT}:cluster/prod`, nextToken: undefined })
      .resolves({
        serviceArns: [`${ACCOUNT}:service/prod/checkout-api`, `${ACCOUNT}:service/prod/cart`],
        nextToken: "p2",
      })
      .on(ListServicesCommand, { cluster: `${ACCOUNT}:cluster/prod`, nextToken: "p2" })
      .resolves({ serviceArns: [`${ACCOUNT}:service/prod/search`], nextToken: "p3" })
      .on(ListServicesCommand, { cluster: `${ACCOUNT}:cluster/prod`, nextToken: "p3" })
      .resolves({ serviceArns: [] })
      // Services created before the long ARN format carry no cluster in their ARN.
      .on(ListServicesCommand, { cluster: `${ACCOUNT}:cluster/legacy` })
      .resolves({ serviceArns: [`${ACCOUNT}:service/billing`] })
      .on(ListServicesCommand, { cluster: `${ACCOUNT}:cluster/empty` })
      .resolves({});

    // Act
    const services = await adapter().listServices();

    // Assess
    expect(services).toEqual([
      { cluster: "prod", service: "checkout-api" },
      { cluster: "prod", service: "cart" },
      { cluster: "prod", service: "search" },
      { cluster: "legacy", service: "billing" },
    ]);
    expect(ecs.commandCalls(ListClustersCommand).map((call) => call.args[0].input)).toEqual([
      { nextToken: undefined },
      { nextToken: "c2" },
    ]);
    expect(ecs.commandCalls(ListServicesCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: `${ACCOUNT}:cluster/prod`, nextToken: undefined },
      { cluster: `${ACCOUNT}:cluster/prod`, nextToken: "p2" },
      { cluster: `${ACCOUNT}:cluster/prod`, nextToken: "p3" },
      { cluster: `${ACCOUNT}:cluster/legacy`, nextToken: undefined },
      { cluster: `${ACCOUNT}:cluster/empty`, nextToken: undefined },
    ]);
  });

  it("surfaces throttling on a later page as a TransientPortError", async () => {
    // Prepare
    const failure = sdkError("ThrottlingException", 400);
    ecs
      .on(ListClustersCommand)
      .resolves({ clusterArns: [`${ACCOUNT}:cluster/prod`] })
      .on(ListServicesCommand, { nextToken: undefined })
      .resolves({ serviceArns: [SERVICE_ARN], nextToken: "p2" })
      .on(ListServicesCommand, { nextToken: "p2" })
      .rejects(failure);

    // Act
    const error = await rejection(adapter().listServices());

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });
});

/**
 * The SDK's standard retry runs inside `client.send`, which `mockClient` replaces; these tests answer at
 * the HTTP layer instead, so the real retry middleware and error deserialization run.
 */
describe("AwsEcsAdapter on a client with the SDK's retries", () => {
  function httpClient(maxAttempts: number, answers: ScriptedAnswer[]) {
    const { requestHandler, requests } = scriptedRequestHandler(answers, {
      contentType: "application/x-amz-json-1.1",
      describe: (request) => request.headers["x-amz-target"] ?? "",
      errorTypeFromBody: true,
    });
    const client = new ECSClient({ region: "eu-west-1", credentials, maxAttempts, requestHandler });
    return { client, requests };
  }

  const throttled = { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } };
  const described = {
    status: 200,
    body: {
      failures: [],
      services: [
        {
          serviceArn: SERVICE_ARN,
          serviceName: "checkout-api",
          clusterArn: CLUSTER_ARN,
          status: "ACTIVE",
          desiredCount: 2,
          runningCount: 2,
          taskDefinition: TD_42,
          deployments: [
            {
              id: "ecs-svc/1",
              status: "PRIMARY",
              taskDefinition: TD_42,
              desiredCount: 2,
              runningCount: 2,
              createdAt: 1772445900.123,
              rolloutState: "COMPLETED",
            },
          ],
        },
      ],
    },
  };

  it("succeeds when throttling is followed by an answer, after the SDK's backoff", async () => {
    // Prepare
    vi.useFakeTimers();
    const { client, requests } = httpClient(3, [throttled, described]);

    // Act
    const pending = adapter(client).describeService("prod", "checkout-api");
    await vi.runAllTimersAsync();
    const description = await pending;

    // Assess
    expect(requests).toEqual([
      "AmazonEC2ContainerServiceV20141113.DescribeServices",
      "AmazonEC2ContainerServiceV20141113.DescribeServices",
    ]);
    expect(description.deployments[0]?.createdAt).toBe("2026-03-02T10:05:00.123Z");
  });

  it("surfaces throttling as a TransientPortError once the SDK's attempts are spent", async () => {
    // Prepare
    const { client, requests } = httpClient(1, [throttled, described]);

    // Act
    const error = await rejection(adapter(client).describeService("prod", "checkout-api"));

    // Assess
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toMatchObject({ name: "ThrottlingException", message: "Rate exceeded" });
  });
});
