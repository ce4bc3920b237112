import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

const DAY = 86_400_000;

describe("dedupe", () => {
  it("gives 1,000 concurrent claims of one key one run id, and everyone learns it", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const key = uniqueKey("event");

    // Act
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        store.claimDedupe({ policy: "rollback-api", key, runId: `run-${i}`, ttlMs: DAY }),
      ),
    );

    // Assess
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const runIds = new Set(results.map((r) => r.runId));
    expect(runIds).toEqual(new Set([winners[0]?.runId]));
  });

  it("keeps a claim for its lifetime and lets the key be claimed again once it expired", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const key = uniqueKey("event");
    await store.claimDedupe({ policy: "rollback-api", key, runId: "run-1", ttlMs: 60_000 });

    // Act
    clock.set("2024-05-01T12:00:59.999Z");
    const duplicate = await store.claimDedupe({ policy: "rollback-api", key, runId: "run-2", ttlMs: 60_000 });
    clock.set("2024-05-01T12:01:00.000Z");
    const reclaimed = await store.claimDedupe({ policy: "rollback-api", key, runId: "run-3", ttlMs: 60_000 });

    // Assess
    expect(duplicate).toEqual({ claimed: false, runId: "run-1", claimedAt: "2024-05-01T12:00:00.000Z" });
    expect(reclaimed).toEqual({ claimed: true, runId: "run-3" });
  });

  it("scopes keys per policy", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const key = uniqueKey("event");

    // Act
    const first = await store.claimDedupe({ policy: "rollback-api", key, runId: "run-1", ttlMs: DAY });
    const other = await store.claimDedupe({ policy: "rightsize-api", key, runId: "run-2", ttlMs: DAY });

    // Assess
    expect(first.claimed).toBe(true);
    expect(other.claimed).toBe(true);
  });
});
