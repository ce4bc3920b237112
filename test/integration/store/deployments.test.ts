import type { RecordDeploymentInput } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

function release(service: string, n: number): RecordDeploymentInput {
  return {
    service,
    id: `deploy-${n}`,
    kind: "ecs",
    deployedAt: `2024-05-0${n}T10:00:00Z`,
    imageDigest: `sha256:${String(n).repeat(64)}`,
    imageTag: `v1.${n}`,
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/api:${n}`,
    taskDefinitionRevision: n,
  };
}

describe("deployments", () => {
  it("finds the last known-good release among interleaved bad ones", async () => {
    // Prepare: 1 good, 2 bad, 3 good, 4 bad, 5 bad, 6 never baked
    const store = harness.store(manualClock("2024-05-09T00:00:00Z"));
    const service = uniqueKey("arn:aws:ecs:eu-west-1:123456789012:service/prod/api");
    for (let n = 1; n <= 6; n++) await store.recordDeployment(release(service, n));
    for (const n of [1, 2, 3, 4, 5]) {
      const r = release(service, n);
      await store.setKnownGood({
        service,
        deployedAt: r.deployedAt,
        id: r.id,
        knownGood: n === 1 || n === 3,
      });
    }

    // Act
    const latestGood = await store.findLastKnownGood({ service });
    const goodBeforeThree = await store.findLastKnownGood({ service, before: "2024-05-03T10:00:00Z" });
    const goodBeforeOne = await store.findLastKnownGood({ service, before: "2024-05-01T10:00:00Z" });
    const history = await store.listDeployments({ service });

    // Assess
    expect(latestGood).toMatchObject({
      id: "deploy-3",
      knownGood: true,
      imageTag: "v1.3",
      bakedAt: "2024-05-09T00:00:00.000Z",
    });
    expect(goodBeforeThree).toMatchObject({ id: "deploy-1", knownGood: true });
    expect(goodBeforeOne).toBeUndefined();
    expect(history.items.map((d) => d.id)).toEqual([
      "deploy-6",
      "deploy-5",
      "deploy-4",
      "deploy-3",
      "deploy-2",
      "deploy-1",
    ]);
  });

  it("drops a release from known-good when it is marked bad later", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-09T00:00:00Z"));
    const service = uniqueKey("arn:aws:lambda:eu-west-1:123456789012:function:checkout:live");
    const input: RecordDeploymentInput = {
      service,
      id: "7",
      kind: "lambda",
      deployedAt: "2024-05-08T10:00:00Z",
      lambdaVersion: "7",
    };
    await store.recordDeployment(input);
    await store.setKnownGood({ service, deployedAt: input.deployedAt, id: "7", knownGood: true });

    // Act
    const unmarked = await store.setKnownGood({
      service,
      deployedAt: input.deployedAt,
      id: "7",
      knownGood: false,
    });

    // Assess
    expect(unmarked).toMatchObject({ updated: true, deployment: { knownGood: false } });
    expect(unmarked.updated && unmarked.deployment).not.toHaveProperty("bakedAt");
    expect(await store.findLastKnownGood({ service })).toBeUndefined();
  });

  it("records a release once and reports it on a repeat", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-09T00:00:00Z"));
    const service = uniqueKey("svc");

    // Act
    const first = await store.recordDeployment(release(service, 1));
    const repeat = await store.recordDeployment({ ...release(service, 1), imageTag: "other" });
    const missing = await store.setKnownGood({
      service,
      deployedAt: "2024-05-07T00:00:00Z",
      id: "nope",
      knownGood: true,
    });

    // Assess
    expect(first.recorded).toBe(true);
    expect(repeat).toMatchObject({ recorded: false, existing: { imageTag: "v1.1" } });
    expect(missing).toEqual({ updated: false });
  });

  it("pages the history newest first", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-09T00:00:00Z"));
    const service = uniqueKey("svc");
    for (let n = 1; n <= 5; n++) await store.recordDeployment(release(service, n));

    // Act
    const first = await store.listDeployments({ service, limit: 2 });
    const second = await store.listDeployments({ service, limit: 2, cursor: first.cursor });
    const third = await store.listDeployments({ service, limit: 2, cursor: second.cursor });

    // Assess
    expect([first, second, third].flatMap((page) => page.items.map((d) => d.id))).toEqual([
      "deploy-5",
      "deploy-4",
      "deploy-3",
      "deploy-2",
      "deploy-1",
    ]);
    expect(third.cursor).toBeUndefined();
  });
});
