import { normalizeEvent, PortRequestError, ResourceNotFoundError, resolveTarget } from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxSeed } from "./load-seed.ts";
import { MINUTE, manualClock, SECOND } from "./test-clock.ts";

const START = "2026-03-02T10:00:00.000Z";

const SEED = `
account: "123456789012"
region: eu-west-1
ecs:
  clusters:
    prod:
      services:
        checkout-api:
          desiredCount: 4
          releases:
            - { revision: 40, image: "repo/checkout@sha256:${"a".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -9d }
            - { revision: 41, image: "repo/checkout@sha256:${"b".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -3d }
            - { revision: 42, image: "repo/checkout@sha256:${"c".repeat(64)}", cpu: 1024, memory: 2048, deployedAt: -20m, healthy: false }
            - { revision: 43, image: "repo/checkout@sha256:${"d".repeat(64)}", cpu: 1024, memory: 2048, healthy: false }
          running: 42
          alarms:
            - { name: checkout-api-5xx-rate, metric: Http5xxRate, namespace: Storefront, threshold: 5 }
        orders-worker:
          desiredCount: 2
          releases:
            - { revision: 7, image: "repo/orders@sha256:${"e".repeat(64)}", cpu: 512, memory: 1024, deployedAt: -2d }
          running: 7
          alarms:
            - { name: orders-worker-error-rate, metric: ErrorRate, namespace: Orders, threshold: 5 }
`;

const arn = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:${revision}`;

function setup(options: { deploymentSettleTime?: number } = {}) {
  const clock = manualClock(START);
  const sandbox = createSandboxAccount({ seed: loadSandboxSeed(SEED, "seed.yaml"), clock, ...options });
  return { clock, sandbox, ecs: sandbox.ports.ecs, cloudwatch: sandbox.ports.cloudwatch };
}

describe("rolling an ECS service back", () => {
  it("fires the alarm of a service that runs a bad release, since the evaluation delay after it deployed", async () => {
    // Prepare
    const { ecs, cloudwatch } = setup();

    // Act
    const service = await ecs.describeService("prod", "checkout-api");
    const alarm = await cloudwatch.describeAlarm("checkout-api-5xx-rate");

    // Assess
    expect(service.taskDefinitionArn).toBe(arn(42));
    expect(service.deployments).toHaveLength(2);
    expect(service.deployments[0]).toMatchObject({
      status: "PRIMARY",
      rolloutState: "COMPLETED",
      runningCount: 4,
    });
    expect(service.deployments[1]).toMatchObject({ status: "INACTIVE", taskDefinitionArn: arn(41) });
    expect(alarm).toMatchObject({
      state: "ALARM",
      stateUpdatedAt: "2026-03-02T09:41:00.000Z",
      dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
    });
    expect(alarm?.stateReason).toContain("checkout-api:42");
  });

  it("rolls out the good revision over the settle time, then the alarm clears after the evaluation delay", async () => {
    // Prepare
    const { clock, ecs, cloudwatch } = setup();

    // Act
    const { deploymentId } = await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(41));
    const started = await ecs.describeService("prod", "checkout-api");
    clock.advance(30 * SECOND);
    const halfway = await ecs.describeService("prod", "checkout-api");
    const alarmHalfway = await cloudwatch.describeAlarm("checkout-api-5xx-rate");
    clock.advance(30 * SECOND);
    const settled = await ecs.describeService("prod", "checkout-api");
    const alarmAtCompletion = await cloudwatch.describeAlarm("checkout-api-5xx-rate");
    clock.advance(59 * SECOND);
    const alarmJustBefore = await cloudwatch.describeAlarm("checkout-api-5xx-rate");
    clock.advance(1 * SECOND);
    const alarmAfter = await cloudwatch.describeAlarm("checkout-api-5xx-rate");

    // Assess
    expect(started.taskDefinitionArn).toBe(arn(41));
    expect(started.deployments.map((d) => [d.status, d.taskDefinitionArn, d.rolloutState])).toEqual([
      ["PRIMARY", arn(41), "IN_PROGRESS"],
      ["ACTIVE", arn(42), "COMPLETED"],
    ]);
    expect(started.deployments[0]?.id).toBe(deploymentId);
    expect(halfway.deployments.map((d) => d.runningCount)).toEqual([2, 2]);
    expect(halfway.runningCount).toBe(4);
    expect(alarmHalfway?.state).toBe("ALARM");
    expect(
      settled.deployments.map((d) => [d.status, d.taskDefinitionArn, d.rolloutState, d.runningCount]),
    ).toEqual([
      ["PRIMARY", arn(41), "COMPLETED", 4],
      ["INACTIVE", arn(42), "COMPLETED", 0],
    ]);
    expect(settled.runningCount).toBe(settled.desiredCount);
    expect(alarmAtCompletion?.state).toBe("ALARM");
    expect(alarmJustBefore?.state).toBe("ALARM");
    expect(alarmAfter).toMatchObject({ state: "OK", stateUpdatedAt: "2026-03-02T10:02:00.000Z" });
  });

  it("keeps the alarm firing when the rollback lands on another bad revision", async () => {
    // Prepare
    const { clock, ecs, cloudwatch } = setup();

    // Act
    await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(43));
    clock.advance(10 * MINUTE);
    const service = await ecs.describeService("prod", "checkout-api");
    const alarm = await cloudwatch.describeAlarm("checkout-api-5xx-rate");

    // Assess
    expect(service.deployments[0]).toMatchObject({ taskDefinitionArn: arn(43), rolloutState: "COMPLETED" });
    // Never left ALARM: the state still dates from the first bad release.
    expect(alarm).toMatchObject({ state: "ALARM", stateUpdatedAt: "2026-03-02T09:41:00.000Z" });
  });

  it("clears the alarm only once a rollout that replaced an unfinished one completes", async () => {
    // Prepare
    const { clock, ecs, cloudwatch } = setup();

    // Act: a second rollback starts before the first completed
    await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(43));
    clock.advance(20 * SECOND);
    await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(41));
    const overlapping = await ecs.describeService("prod", "checkout-api");
    clock.advance(2 * MINUTE);
    const settled = await ecs.describeService("prod", "checkout-api");
    const alarm = await cloudwatch.describeAlarm("checkout-api-5xx-rate");

    // Assess
    expect(overlapping.deployments.map((d) => [d.status, d.taskDefinitionArn])).toEqual([
      ["PRIMARY", arn(41)],
      ["ACTIVE", arn(43)],
      ["ACTIVE", arn(42)],
    ]);
    expect(settled.deployments.map((d) => d.status)).toEqual(["PRIMARY", "INACTIVE", "INACTIVE"]);
    // The good rollout started at 10:00:20, completed a minute later, and the alarm saw it a minute after.
    expect(alarm).toMatchObject({ state: "OK", stateUpdatedAt: "2026-03-02T10:02:20.000Z" });
  });

  it("follows a configured settle time", async () => {
    // Prepare
    const { clock, ecs } = setup({ deploymentSettleTime: 5 * MINUTE });

    // Act
    await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(41));
    clock.advance(4 * MINUTE);
    const before = await ecs.describeService("prod", "checkout-api");
    clock.advance(1 * MINUTE);
    const after = await ecs.describeService("prod", "checkout-api");

    // Assess
    expect(before.deployments[0]?.rolloutState).toBe("IN_PROGRESS");
    expect(after.deployments[0]?.rolloutState).toBe("COMPLETED");
  });

  it("starts no deployment when the service already runs the task definition", async () => {
    // Prepare
    const { ecs } = setup();
    const before = await ecs.describeService("prod", "checkout-api");

    // Act
    const { deploymentId } = await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(42));
    const after = await ecs.describeService("prod", "checkout-api");

    // Assess
    expect(deploymentId).toBe(before.deployments[0]?.id);
    expect(after).toEqual(before);
  });

  it("fires the alarm of a healthy service once a bad release deploys, and puts the change on the bus", async () => {
    // Prepare
    const { clock, sandbox, cloudwatch } = setup();

    // Act
    const { taskDefinitionArn } = sandbox.scenario.deployRelease("prod", "orders-worker", {
      image: `repo/orders@sha256:${"f".repeat(64)}`,
      healthy: false,
    });
    clock.advance(59 * SECOND);
    const quiet = await cloudwatch.describeAlarm("orders-worker-error-rate");
    clock.advance(1 * SECOND);
    const firing = await cloudwatch.describeAlarm("orders-worker-error-rate");
    const events = sandbox.drainEvents();
    const again = sandbox.drainEvents();

    // Assess
    expect(taskDefinitionArn).toBe("arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-worker:8");
    expect(quiet?.state).toBe("OK");
    expect(firing?.state).toBe("ALARM");
    expect(events.map((e) => e["detail-type"])).toEqual([
      "ECS Deployment State Change",
      "ECS Deployment State Change",
      "CloudWatch Alarm State Change",
    ]);
    expect(again).toEqual([]);
    const signal = normalizeEvent(events[2]);
    expect(signal.ok).toBe(true);
    if (!signal.ok || signal.signal.type !== "alarm") throw new Error("not an alarm signal");
    expect(signal.signal).toMatchObject({
      alarmName: "orders-worker-error-rate",
      state: "ALARM",
      previousState: "OK",
    });
    expect(resolveTarget({ from: "alarm-dimensions" }, signal.signal)).toEqual({
      ok: true,
      target: { type: "ecs-service", cluster: "prod", service: "orders-worker" },
    });
    expect(events.slice(0, 2).every((e) => normalizeEvent(e).ok)).toBe(true);
  });

  it("logs each change with what it was before and after", async () => {
    // Prepare
    const { clock, sandbox, ecs } = setup();
    clock.advance(5 * SECOND);

    // Act
    const { deploymentId } = await ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(41));

    // Assess
    expect(sandbox.actions).toEqual([
      {
        at: "2026-03-02T10:00:05.000Z",
        operation: "ecs.updateServiceTaskDefinition",
        target: "ecs-service:prod/checkout-api",
        via: "ports",
        before: { taskDefinitionArn: arn(42) },
        after: { taskDefinitionArn: arn(41), deploymentId },
      },
    ]);
  });

  it("answers missing services and task definitions as ECS does", async () => {
    // Prepare
    const { sandbox, ecs } = setup();

    // Act
    const missingService = ecs.describeService("prod", "nope");
    const missingCluster = ecs.describeService("dev", "checkout-api");
    const missingRevision = ecs.updateServiceTaskDefinition("prod", "checkout-api", arn(99));
    const malformed = ecs.describeTaskDefinition("not a task definition");

    // Assess
    await expect(missingService).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(missingCluster).rejects.toThrow("ECS service dev/checkout-api does not exist");
    await expect(missingRevision).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(malformed).rejects.toBeInstanceOf(PortRequestError);
    expect(sandbox.actions).toHaveLength(1);
    expect(sandbox.actions[0]?.error).toMatch(
      /^ResourceNotFoundError: task definition .*:99 does not exist$/,
    );
    expect((await ecs.describeService("prod", "checkout-api")).deployments).toHaveLength(2);
  });

  it("describes task definitions by ARN, family:revision or family", async () => {
    // Prepare
    const { ecs } = setup();

    // Act
    const byArn = await ecs.describeTaskDefinition(arn(41));
    const byRevision = await ecs.describeTaskDefinition("checkout-api:41");
    const latest = await ecs.describeTaskDefinition("checkout-api");

    // Assess
    expect(byArn).toEqual(byRevision);
    expect(byArn).toMatchObject({ family: "checkout-api", revision: 41, cpu: 1024, memory: 2048 });
    expect(byArn.containers).toEqual([
      { name: "checkout-api", image: `repo/checkout@sha256:${"b".repeat(64)}` },
    ]);
    expect(latest.revision).toBe(43);
  });

  it("lists every service of every cluster", async () => {
    // Prepare
    const { ecs } = setup();

    // Act
    const services = await ecs.listServices();

    // Assess
    expect(services).toEqual([
      { cluster: "prod", service: "checkout-api" },
      { cluster: "prod", service: "orders-worker" },
    ]);
  });
});
