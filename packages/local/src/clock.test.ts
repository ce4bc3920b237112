import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock.ts";

const START = new Date("2025-03-01T09:00:00.000Z");

describe("VirtualClock", () => {
  it("stands still until advanced", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = clock.now();
    clock.advance(90_000);

    // Assess
    expect(before).toEqual(START);
    expect(clock.now().toISOString()).toBe("2025-03-01T09:01:30.000Z");
  });

  it("sleeps ten virtual minutes at once with time scale 0", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });
    const realStart = performance.now();

    // Act
    await clock.sleep(10 * 60_000);

    // Assess
    expect(clock.now().toISOString()).toBe("2025-03-01T09:10:00.000Z");
    expect(performance.now() - realStart).toBeLessThan(100);
  });

  it("takes timeScale of a sleep in real time", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 1 / 1000 });
    const realStart = performance.now();

    // Act
    await clock.sleep(60_000);

    // Assess
    expect(performance.now() - realStart).toBeGreaterThanOrEqual(55);
    expect(clock.now().toISOString()).toBe("2025-03-01T09:01:00.000Z");
  });

  it("overlaps concurrent sleeps as real time would", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });

    // Act
    await Promise.all([clock.sleep(60_000), clock.sleep(60_000), clock.sleep(30_000)]);

    // Assess
    expect(clock.now().toISOString()).toBe("2025-03-01T09:01:00.000Z");
  });

  it("resolves a deadline only once the clock has been moved past it", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });
    let reached = false;
    const deadline = clock.waitUntil(new Date(START.getTime() + 15 * 60_000)).then(() => {
      reached = true;
    });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reachedEarly = reached;
    clock.advance(10 * 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    const reachedAt10 = reached;
    await clock.sleep(5 * 60_000);
    await deadline;

    // Assess
    expect(reachedEarly).toBe(false);
    expect(reachedAt10).toBe(false);
    expect(reached).toBe(true);
  });

  it("rejects an aborted sleep and an aborted deadline with the abort reason", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 1 });
    const controller = new AbortController();
    const reason = new Error("stopped");
    const sleep = clock.sleep(60_000, { signal: controller.signal });
    const deadline = clock.waitUntil(new Date(START.getTime() + 60_000), { signal: controller.signal });

    // Act
    controller.abort(reason);

    // Assess
    await expect(sleep).rejects.toBe(reason);
    await expect(deadline).rejects.toBe(reason);
    expect(clock.now()).toEqual(START);
  });

  it("moves with real time when ticking, and fires deadlines as real time reaches them", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0, ticking: true });

    // Act
    await clock.waitUntil(new Date(START.getTime() + 30));
    clock.advance(60_000);

    // Assess
    const elapsed = clock.now().getTime() - START.getTime();
    expect(elapsed).toBeGreaterThanOrEqual(60_030);
    expect(elapsed).toBeLessThan(61_000);
  });

  it("refuses a negative duration and a negative time scale", () => {
    // Prepare
    const clock = new VirtualClock({ start: START });

    // Act + Assess
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => new VirtualClock({ timeScale: -1 })).toThrow(RangeError);
  });
});
