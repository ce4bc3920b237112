import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

const HOUR = 3_600_000;

describe("cooldowns", () => {
  it("is active until just before its until instant and over exactly at it", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const key = { policy: "rollback-api", target: uniqueKey("ecs-service:prod/api") };
    const start = await store.startCooldown({ ...key, until: "2024-05-01T12:30:00Z", reason: "rolled back" });

    // Act
    clock.set("2024-05-01T12:29:59.999Z");
    const before = await store.getCooldown(key);
    const restartDuring = await store.startCooldown({ ...key, until: "2024-05-01T13:00:00Z" });
    clock.set("2024-05-01T12:30:00.000Z");
    const at = await store.getCooldown(key);
    const restartAfter = await store.startCooldown({ ...key, until: "2024-05-01T13:00:00Z" });

    // Assess
    expect(start).toMatchObject({ started: true, cooldown: { until: "2024-05-01T12:30:00.000Z" } });
    expect(before).toMatchObject({
      active: true,
      cooldown: { until: "2024-05-01T12:30:00.000Z", reason: "rolled back" },
    });
    expect(restartDuring).toMatchObject({ started: false, current: { until: "2024-05-01T12:30:00.000Z" } });
    expect(at).toEqual({ active: false });
    expect(restartAfter).toMatchObject({ started: true, cooldown: { until: "2024-05-01T13:00:00.000Z" } });
  });

  it("is per (policy, target) and refuses an until that is not in the future", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("ecs-service:prod/api");
    await store.startCooldown({ policy: "rollback-api", target, until: "2024-05-01T12:30:00Z" });

    // Act
    const otherPolicy = await store.getCooldown({ policy: "rightsize-api", target });
    const past = await store
      .startCooldown({ policy: "rollback-api", target: uniqueKey("t"), until: "2024-05-01T12:00:00Z" })
      .catch((error: unknown) => error);

    // Assess
    expect(otherPolicy).toEqual({ active: false });
    expect(past).toMatchObject({ name: "StoreError", code: "InvalidStoreInput" });
  });

  it("lets one of many concurrent starts win", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const key = { policy: "rollback-api", target: uniqueKey("ecs-service:prod/api") };

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.startCooldown({ ...key, until: "2024-05-01T12:30:00Z", runId: `run-${i}` }),
      ),
    );

    // Assess
    expect(results.filter((r) => r.started)).toHaveLength(1);
  });
});

describe("rate windows", () => {
  it("never lets concurrent increments exceed the limit", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:10:00Z"));
    const policy = uniqueKey("rollback-api");

    // Act
    const results = await Promise.all(
      Array.from({ length: 60 }, () => store.consumeRate({ policy, limit: 5, windowMs: HOUR })),
    );

    // Assess
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(5);
    expect(allowed.map((r) => (r.allowed ? r.count : 0)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(await store.getRateWindow({ policy, windowMs: HOUR })).toMatchObject({ count: 5 });
    expect(results.find((r) => !r.allowed)).toEqual({
      allowed: false,
      limit: 5,
      windowStart: "2024-05-01T12:00:00.000Z",
      windowEnd: "2024-05-01T13:00:00.000Z",
    });
  });

  it("opens a new window exactly at the boundary instant, not a millisecond before", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00.000Z");
    const store = harness.store(clock);
    const policy = uniqueKey("rollback-api");
    await store.consumeRate({ policy, limit: 1, windowMs: HOUR });

    // Act
    clock.set("2024-05-01T12:59:59.999Z");
    const lastInstant = await store.consumeRate({ policy, limit: 1, windowMs: HOUR });
    clock.set("2024-05-01T13:00:00.000Z");
    const boundary = await store.consumeRate({ policy, limit: 1, windowMs: HOUR });

    // Assess
    expect(lastInstant).toMatchObject({ allowed: false, windowStart: "2024-05-01T12:00:00.000Z" });
    expect(boundary).toEqual({
      allowed: true,
      count: 1,
      limit: 1,
      windowStart: "2024-05-01T13:00:00.000Z",
      windowEnd: "2024-05-01T14:00:00.000Z",
    });
  });

  it("keeps windows of different sizes apart", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T00:00:00Z"));
    const policy = uniqueKey("rollback-api");
    await store.consumeRate({ policy, limit: 1, windowMs: HOUR });

    // Act
    const daily = await store.consumeRate({ policy, limit: 1, windowMs: 24 * HOUR });

    // Assess
    expect(daily).toMatchObject({ allowed: true, count: 1 });
  });
});
