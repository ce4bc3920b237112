import type { AcquireLeaseResult } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

const TTL = 60_000;

describe("leases", () => {
  it("lets exactly one of 100 concurrent acquirers win", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("ecs-service:prod/api");

    // Act
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.acquireLease({ target, owner: `run-${i}`, ttlMs: TTL })),
    );

    // Assess
    const winners = results.filter((r): r is Extract<AcquireLeaseResult, { acquired: true }> => r.acquired);
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.lease;
    expect(winner?.token).toBe(1);
    for (const loser of results.filter((r) => !r.acquired)) {
      expect(loser).toEqual({
        acquired: false,
        heldBy: winner?.owner,
        expiresAt: "2024-05-01T12:01:00.000Z",
        token: 1,
      });
    }
    expect(await store.getLease(target)).toEqual(winner);
  });

  it("hands an expired lease to a new owner with a higher token, and fences the stale owner out", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("ecs-service:prod/api");
    const first = await store.acquireLease({ target, owner: "run-a", ttlMs: TTL });
    if (!first.acquired) throw new Error("setup: first acquire failed");

    // Act: one millisecond before expiry the lease still holds; at expiry it is free
    clock.set("2024-05-01T12:00:59.999Z");
    const tooEarly = await store.acquireLease({ target, owner: "run-b", ttlMs: TTL });
    clock.set("2024-05-01T12:01:00.000Z");
    const second = await store.acquireLease({ target, owner: "run-b", ttlMs: TTL });
    const staleRenew = await store.renewLease({
      target,
      owner: "run-a",
      token: first.lease.token,
      ttlMs: TTL,
    });
    const staleRelease = await store.releaseLease({ target, owner: "run-a", token: first.lease.token });

    // Assess
    expect(tooEarly).toMatchObject({ acquired: false, heldBy: "run-a" });
    expect(second).toMatchObject({ acquired: true, lease: { owner: "run-b", token: 2 } });
    expect(staleRenew).toMatchObject({ renewed: false, current: { owner: "run-b", token: 2 } });
    expect(staleRelease).toMatchObject({
      released: false,
      current: { owner: "run-b", token: 2, released: false },
    });
    expect(await store.getLease(target)).toMatchObject({ owner: "run-b", token: 2, released: false });
  });

  it("renews only for the live owner and token, and a lapsed lease cannot be renewed", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("lambda-alias:checkout:live");
    const held = await store.acquireLease({ target, owner: "run-a", ttlMs: TTL });
    if (!held.acquired) throw new Error("setup: acquire failed");

    // Act
    clock.advance(30_000);
    const wrongToken = await store.renewLease({ target, owner: "run-a", token: 99, ttlMs: TTL });
    const renewed = await store.renewLease({ target, owner: "run-a", token: held.lease.token, ttlMs: TTL });
    clock.set("2024-05-01T12:01:30.000Z");
    const lapsed = await store.renewLease({ target, owner: "run-a", token: held.lease.token, ttlMs: TTL });

    // Assess
    expect(wrongToken.renewed).toBe(false);
    expect(renewed).toMatchObject({
      renewed: true,
      lease: { expiresAt: "2024-05-01T12:01:30.000Z", token: 1 },
    });
    expect(lapsed.renewed).toBe(false);
  });

  it("frees the lease on release by its owner, and the next acquire gets a higher token", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("ecs-service:prod/worker");
    const first = await store.acquireLease({ target, owner: "run-a", ttlMs: TTL });
    if (!first.acquired) throw new Error("setup: acquire failed");

    // Act
    const release = await store.releaseLease({ target, owner: "run-a", token: first.lease.token });
    const again = await store.releaseLease({ target, owner: "run-a", token: first.lease.token });
    const next = await store.acquireLease({ target, owner: "run-b", ttlMs: TTL });

    // Assess
    expect(release).toMatchObject({ released: true, lease: { released: true } });
    expect(again.released).toBe(false);
    expect(next).toMatchObject({ acquired: true, lease: { owner: "run-b", token: 2, released: false } });
    const stored = await store.getLease(target);
    expect(stored).not.toHaveProperty("releasedAt");
  });
});
