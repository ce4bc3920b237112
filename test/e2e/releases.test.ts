import {
  bakeReleases,
  type DeploymentSignal,
  normalizeEvent,
  recordEcsRelease,
  route,
} from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, stopDatabase } from "./harness.ts";

const SERVICE = "ecs-service:prod/catalog-api";
const BAKE = 15 * 60_000;

let plane: ControlPlane;
beforeEach(async () => {
  plane = await startControlPlane({ history: false });
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

/** What ECS puts on the bus when the deployment completes, read from the sandbox's own events. */
function completedDeployment(): DeploymentSignal {
  for (const event of plane.sandbox.drainEvents()) {
    const result = normalizeEvent(event);
    if (result.ok && result.signal.type === "deployment" && result.signal.status === "COMPLETED") {
      return result.signal;
    }
  }
  throw new Error("no completed deployment event");
}

describe("release history", () => {
  it("records a completed deployment with the task definition and image ECS rolled out", async () => {
    const { taskDefinitionArn } = plane.sandbox.scenario.deployRelease("prod", "catalog-api", {
      image:
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api:v5.4.0@sha256:1111111111111111111111111111111111111111111111111111111111111111",
    });
    plane.clock.advance(2 * 60_000);
    const signal = completedDeployment();

    const result = await recordEcsRelease(signal, { store: plane.store, ecs: plane.sandbox.ports.ecs });

    expect(result).toMatchObject({
      recorded: true,
      deployment: {
        service: SERVICE,
        taskDefinitionArn,
        imageDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
        knownGood: false,
      },
    });
    const again = await recordEcsRelease(signal, { store: plane.store, ecs: plane.sandbox.ports.ecs });
    expect(again.recorded).toBe(false);
  });

  it("records releases from the router when it is given ECS", async () => {
    plane.sandbox.scenario.deployRelease("prod", "catalog-api", { revision: 17 });
    plane.clock.advance(2 * 60_000);
    const result = await route(completedDeployment(), plane.deps(NO_POLICY));
    expect(result.release).toMatchObject({ recorded: true });
    expect((await plane.store.listDeployments({ service: SERVICE })).items).toHaveLength(1);
  });

  it("bakes the running release once it served quietly for the bake time, and not before", async () => {
    plane.sandbox.scenario.deployRelease("prod", "catalog-api", { revision: 17 });
    plane.clock.advance(2 * 60_000);
    await recordEcsRelease(completedDeployment(), { store: plane.store, ecs: plane.sandbox.ports.ecs });
    const options = {
      service: SERVICE,
      alarmDimensions: { ClusterName: "prod", ServiceName: "catalog-api" },
      bakeTimeMs: BAKE,
    };
    const deps = { store: plane.store, cloudwatch: plane.sandbox.ports.cloudwatch, clock: plane.clock };

    expect(await bakeReleases(deps, options)).toEqual([]);
    plane.clock.advance(BAKE);
    const baked = await bakeReleases(deps, options);

    expect(baked.map((d) => d.knownGood)).toEqual([true]);
    expect((await plane.store.findLastKnownGood({ service: SERVICE }))?.taskDefinitionRevision).toBe(17);
  });

  it("does not bake a release whose alarms fire", async () => {
    plane.sandbox.scenario.deployRelease("prod", "catalog-api", {
      image:
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api:v9@sha256:2222222222222222222222222222222222222222222222222222222222222222",
      healthy: false,
    });
    plane.clock.advance(2 * 60_000);
    await recordEcsRelease(completedDeployment(), { store: plane.store, ecs: plane.sandbox.ports.ecs });
    plane.clock.advance(BAKE);

    const baked = await bakeReleases(
      { store: plane.store, cloudwatch: plane.sandbox.ports.cloudwatch, clock: plane.clock },
      {
        service: SERVICE,
        alarmDimensions: { ClusterName: "prod", ServiceName: "catalog-api" },
        bakeTimeMs: BAKE,
      },
    );

    expect(baked).toEqual([]);
    expect(await plane.store.findLastKnownGood({ service: SERVICE })).toBeUndefined();
  });
});

const NO_POLICY = `
name: unrelated
description: matches nothing here
trigger: { command: { name: unrelated } }
runbook: cleanup
target: { type: account }
`;
