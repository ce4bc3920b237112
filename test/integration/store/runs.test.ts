import type { CreateRunInput } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

function newRun(id: string, target: string, policy = "rollback-api"): CreateRunInput {
  return {
    id,
    policy,
    runbook: "rollback",
    target,
    signal: { type: "alarm", alarmName: "api-5xx", state: "ALARM" },
    mode: "auto",
  };
}

describe("runs", () => {
  it("walks a run through its life and stamps the times", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const id = uniqueKey("run");
    const created = await store.createRun({
      ...newRun(id, "ecs-service:prod/api"),
      plan: { to: "deploy-3" },
    });

    // Act
    clock.advance(1000);
    const running = await store.transitionRun({
      id,
      to: "running",
      executionArn: "arn:aws:states:::execution:x",
    });
    clock.advance(1000);
    const recorded = await store.transitionRun({ id, to: "running", outcome: { step: "rolled-back" } });
    clock.advance(1000);
    const done = await store.transitionRun({ id, to: "succeeded", outcome: { alarm: "OK" } });
    const afterTerminal = await store.transitionRun({ id, to: "failed", from: ["running"] });

    // Assess
    expect(created).toMatchObject({
      created: true,
      run: { status: "pending", createdAt: "2024-05-01T12:00:00.000Z" },
    });
    expect(running).toMatchObject({
      transitioned: true,
      run: { status: "running", startedAt: "2024-05-01T12:00:01.000Z" },
    });
    expect(recorded).toMatchObject({ transitioned: true, run: { startedAt: "2024-05-01T12:00:01.000Z" } });
    expect(done).toMatchObject({
      transitioned: true,
      run: {
        status: "succeeded",
        plan: { to: "deploy-3" },
        outcome: { alarm: "OK" },
        executionArn: "arn:aws:states:::execution:x",
        finishedAt: "2024-05-01T12:00:03.000Z",
      },
    });
    expect(afterTerminal).toEqual({ transitioned: false, current: "succeeded" });
    expect(await store.getRun(id)).toMatchObject({
      status: "succeeded",
      updatedAt: "2024-05-01T12:00:03.000Z",
    });
  });

  it("lets one of two racing transitions win and refuses moves the status machine forbids", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");
    await store.createRun(newRun(id, "ecs-service:prod/api"));

    // Act
    const [cancel, start] = await Promise.all([
      store.transitionRun({ id, to: "cancelled", from: ["pending"] }),
      store.transitionRun({ id, to: "running", from: ["pending"] }),
    ]);
    const illegal = await store
      .transitionRun({ id, to: "succeeded", from: ["pending"] })
      .catch((error: unknown) => error);
    const missing = await store.transitionRun({ id: "no-such-run", to: "running" });

    // Assess
    expect([cancel.transitioned, start.transitioned].filter(Boolean)).toHaveLength(1);
    expect(illegal).toMatchObject({ name: "StoreError", code: "InvalidStoreInput" });
    expect(missing).toEqual({ transitioned: false, current: undefined });
  });

  it("takes a run id once", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");
    await store.createRun(newRun(id, "ecs-service:prod/api"));

    // Act
    const again = await store.createRun(newRun(id, "ecs-service:prod/other"));

    // Assess
    expect(again).toMatchObject({ created: false, existing: { target: "ecs-service:prod/api" } });
  });

  it("lists runs by target newest first, by status and by policy within a time range", async () => {
    // Prepare: four runs an hour apart on one target, alternate policies
    const clock = manualClock("2024-05-02T00:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("ecs-service:prod/api");
    const policyA = uniqueKey("policy-a");
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) {
      const id = uniqueKey("run");
      ids.push(id);
      await store.createRun(newRun(id, target, n % 2 === 0 ? policyA : "policy-b"));
      clock.advance(3_600_000);
    }
    await store.transitionRun({ id: ids[1] ?? "", to: "running" });

    // Act
    const byTarget = await store.listRunsByTarget({ target });
    const byPolicy = await store.listRunsByPolicy({ policy: policyA, order: "oldest-first" });
    const running = await store.listRunsByStatus({
      status: "running",
      since: "2024-05-02T01:00:00Z",
      before: "2024-05-02T02:00:00Z",
    });
    const pendingInRange = await store.listRunsByStatus({
      status: "pending",
      since: "2024-05-02T00:00:00Z",
      before: "2024-05-02T03:00:00Z",
    });

    // Assess
    expect(byTarget.items.map((r) => r.id)).toEqual([...ids].reverse());
    expect(byPolicy.items.map((r) => r.id)).toEqual([ids[0], ids[2]]);
    expect(running.items.map((r) => r.id)).toEqual([ids[1]]);
    expect(pendingInRange.items.map((r) => r.id)).toEqual([ids[2], ids[0]]);
  });
});
