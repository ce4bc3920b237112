import { PortRequestError, ResourceNotFoundError } from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { fargateMemoryOptions, isFargateSize } from "./fargate.ts";
import { loadSandboxSeed } from "./load-seed.ts";
import { MINUTE, manualClock } from "./test-clock.ts";

const SEED = `
ecs:
  clusters:
    prod:
      services:
        catalog-api:
          desiredCount: 4
          releases:
            - revision: 17
              image: "repo/catalog@sha256:${"a".repeat(64)}"
              cpu: 2048
              memory: 4096
              deployedAt: -30d
              sidecars:
                - { name: log-router, image: "repo/fluent-bit@sha256:${"b".repeat(64)}", memory: 1024 }
            - { revision: 18, image: "repo/catalog@sha256:${"c".repeat(64)}", cpu: 2048, memory: 4096, deployedAt: -12d }
          running: 18
          alarms: [{ name: catalog-api-5xx-rate, metric: Http5xxRate, threshold: 5 }]
`;

const arn = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/catalog-api:${revision}`;

function setup() {
  const clock = manualClock("2026-03-02T10:00:00.000Z");
  const sandbox = createSandboxAccount({ seed: loadSandboxSeed(SEED, "seed.yaml"), clock });
  return { clock, sandbox, ecs: sandbox.ports.ecs, cloudwatch: sandbox.ports.cloudwatch };
}

describe("resizing a task definition", () => {
  it("registers the family's next revision with the new size and the same containers", async () => {
    // Prepare
    const { sandbox, ecs } = setup();

    // Act
    const { taskDefinitionArn } = await ecs.registerResizedTaskDefinition(arn(17), {
      cpu: 1024,
      memory: 2048,
    });
    const resized = await ecs.describeTaskDefinition(taskDefinitionArn);
    const source = await ecs.describeTaskDefinition(arn(17));

    // Assess
    expect(taskDefinitionArn).toBe(arn(19));
    expect(resized).toEqual({ ...source, arn: arn(19), revision: 19, cpu: 1024, memory: 2048 });
    expect(sandbox.actions).toEqual([
      {
        at: "2026-03-02T10:00:00.000Z",
        operation: "ecs.registerResizedTaskDefinition",
        target: `task-definition:${arn(17)}`,
        via: "ports",
        before: { taskDefinitionArn: arn(17), cpu: 2048, memory: 4096 },
        after: { taskDefinitionArn: arn(19), cpu: 1024, memory: 2048 },
      },
    ]);
  });

  it("refuses what RegisterTaskDefinition refuses: sizes Fargate lacks, a container larger than the task", async () => {
    // Prepare
    const { ecs } = setup();

    // Act
    const odd = ecs.registerResizedTaskDefinition(arn(18), { cpu: 1024, memory: 512 });
    const squeezed = ecs.registerResizedTaskDefinition(arn(17), { cpu: 512, memory: 1024 });
    const tooSmallForSidecar = ecs.registerResizedTaskDefinition(arn(17), { cpu: 256, memory: 512 });
    const missing = ecs.registerResizedTaskDefinition(arn(3), { cpu: 1024, memory: 2048 });

    // Assess
    await expect(odd).rejects.toBeInstanceOf(PortRequestError);
    await expect(odd).rejects.toThrow(
      "No Fargate configuration exists for given values: 1024 CPU, 512 memory.",
    );
    await expect(squeezed).resolves.toEqual({ taskDefinitionArn: arn(19) });
    await expect(tooSmallForSidecar).rejects.toThrow("container log-router asks for 1024 MiB");
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(
      ecs.registerResizedTaskDefinition(arn(17), { cpu: 256, memory: 128 }),
    ).rejects.toBeInstanceOf(PortRequestError);
  });

  it("rolls the resized revision out and keeps a healthy service's alarm quiet", async () => {
    // Prepare
    const { clock, ecs, cloudwatch } = setup();
    const { taskDefinitionArn } = await ecs.registerResizedTaskDefinition(arn(18), {
      cpu: 1024,
      memory: 2048,
    });

    // Act
    await ecs.updateServiceTaskDefinition("prod", "catalog-api", taskDefinitionArn);
    clock.advance(5 * MINUTE);
    const service = await ecs.describeService("prod", "catalog-api");
    const alarm = await cloudwatch.describeAlarm("catalog-api-5xx-rate");

    // Assess
    expect(service.deployments[0]).toMatchObject({
      taskDefinitionArn,
      rolloutState: "COMPLETED",
      runningCount: 4,
    });
    expect(alarm?.state).toBe("OK");
  });
});

describe("Fargate task sizes", () => {
  it("pairs each CPU value with the memory sizes Fargate offers", () => {
    expect(fargateMemoryOptions(256)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryOptions(512)).toEqual([1024, 2048, 3072, 4096]);
    expect(fargateMemoryOptions(300)).toEqual([]);
    expect(isFargateSize(4096, 30720)).toBe(true);
    expect(isFargateSize(8192, 20480)).toBe(true);
    expect(isFargateSize(8192, 18432)).toBe(false);
  });
});
