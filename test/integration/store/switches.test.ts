import { switchBlocking } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

// The switches share one partition, so this file's tests run one after another on their own dynalite.
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

describe("switches", () => {
  it("engages and disengages the kill switch", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const before = await store.readSwitches();
    await store.setKillSwitch({ engaged: true, reason: "incident 42", by: "slack:U1" });
    const engaged = await store.readSwitches();
    await store.setKillSwitch({ engaged: false, reason: "resolved", by: "slack:U1" });
    const released = await store.readSwitches();

    // Assess
    expect(before.killSwitch).toBeUndefined();
    expect(engaged.killSwitch).toEqual({
      engaged: true,
      reason: "incident 42",
      by: "slack:U1",
      at: "2024-05-01T12:00:00.000Z",
    });
    expect(switchBlocking(engaged, "any-policy", new Date("2024-05-01T12:00:00Z"))).toMatch(/kill switch/);
    expect(released.killSwitch?.engaged).toBe(false);
    expect(switchBlocking(released, "any-policy", new Date("2024-05-01T12:00:00Z"))).toBeUndefined();
  });

  it("pauses a policy until its end, and resumes it on request", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const timed = uniqueKey("policy");
    const open = uniqueKey("policy");
    await store.pausePolicy({
      policy: timed,
      reason: "3 failures in 1 h",
      by: "circuit-breaker",
      until: "2024-05-01T13:00:00Z",
    });
    await store.pausePolicy({ policy: open, reason: "investigating", by: "slack:U1" });

    // Act
    const during = await store.readSwitches();
    clock.set("2024-05-01T13:00:00Z");
    const after = await store.readSwitches();
    const resumed = await store.resumePolicy(open);
    const resumedAgain = await store.resumePolicy(open);
    const finally_ = await store.readSwitches();

    // Assess
    expect(during.pauses.map((p) => p.policy).sort()).toEqual([timed, open].sort());
    expect(switchBlocking(during, timed, clock.now())).toBeUndefined();
    expect(after.pauses.map((p) => p.policy)).toEqual([open]);
    expect(resumed).toEqual({ resumed: true });
    expect(resumedAgain).toEqual({ resumed: false });
    expect(finally_.pauses).toEqual([]);
  });

  it("keeps freeze windows until they end and applies them to the listed policies", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const id = uniqueKey("freeze");
    await store.addFreezeWindow({
      id,
      start: "2024-05-01T18:00:00Z",
      end: "2024-05-02T06:00:00Z",
      reason: "release night",
      by: "slack:U1",
      policies: ["rollback-api"],
    });

    // Act
    const switches = await store.readSwitches();
    clock.set("2024-05-02T06:00:00Z");
    const ended = await store.readSwitches();
    const removed = await store.removeFreezeWindow(id);

    // Assess
    expect(switches.freezeWindows).toMatchObject([
      { id, policies: ["rollback-api"], end: "2024-05-02T06:00:00.000Z" },
    ]);
    expect(switchBlocking(switches, "rollback-api", new Date("2024-05-01T18:00:00Z"))).toMatch(
      /freeze window/,
    );
    expect(switchBlocking(switches, "rollback-api", new Date("2024-05-01T17:59:59.999Z"))).toBeUndefined();
    expect(switchBlocking(switches, "cleanup-dev", new Date("2024-05-01T18:00:00Z"))).toBeUndefined();
    expect(ended.freezeWindows).toEqual([]);
    expect(removed).toEqual({ removed: true });
  });
});
