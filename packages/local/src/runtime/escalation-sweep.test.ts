import type { ApprovalEscalationSweep } from "@architech/core";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock.ts";
import { startEscalationSweep } from "./escalation-sweep.ts";
import type { RuntimeLogEntry } from "./live-log.ts";

const MINUTE = 60_000;

/** Lets a sweep the clock has just released run to its end. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

function sweepOn(results: (() => Promise<ApprovalEscalationSweep>)[] = []) {
  const clock = new VirtualClock({ start: new Date("2026-12-01T10:00:00.000Z") });
  const log: Omit<RuntimeLogEntry, "at">[] = [];
  const sweeps: string[] = [];
  stop = startEscalationSweep({
    clock,
    sweep: async () => {
      sweeps.push(clock.now().toISOString());
      return (results.shift() ?? (async () => ({ escalated: [], checked: 0, failed: [] })))();
    },
    log: (entry) => log.push(entry),
  });
  return { clock, log, sweeps };
}

describe("startEscalationSweep", () => {
  it("sweeps once every minute of virtual time", async () => {
    // Prepare
    const { clock, sweeps } = sweepOn();

    // Act
    clock.advance(MINUTE - 1);
    await settle();
    const early = [...sweeps];
    clock.advance(1);
    await settle();
    clock.advance(MINUTE);
    await settle();

    // Assess
    expect(early).toEqual([]);
    expect(sweeps).toEqual(["2026-12-01T10:01:00.000Z", "2026-12-01T10:02:00.000Z"]);
  });

  it("sweeps once for minutes the clock jumps over in one go", async () => {
    // Prepare
    const { clock, sweeps } = sweepOn();

    // Act
    clock.advance(30 * MINUTE);
    await settle();

    // Assess
    expect(sweeps).toEqual(["2026-12-01T10:30:00.000Z"]);
  });

  it("logs what it escalated and what failed, and sweeps again after a sweep that threw", async () => {
    // Prepare
    const { clock, log, sweeps } = sweepOn([
      async () => {
        throw new Error("the store is unavailable");
      },
      async () => ({
        escalated: ["approval-run-1"],
        checked: 2,
        failed: [{ approvalId: "approval-run-2", error: new Error("throttled") }],
      }),
    ]);

    // Act
    clock.advance(MINUTE);
    await settle();
    clock.advance(MINUTE);
    await settle();

    // Assess
    expect(sweeps).toHaveLength(2);
    expect(log).toEqual([
      { kind: "error", text: "approval escalation sweep: the store is unavailable" },
      { kind: "notification", text: "approval approval-run-1 still pending: on-call mentioned" },
      { kind: "error", text: "escalating approval approval-run-2: throttled" },
    ]);
  });

  it("sweeps no more once stopped, after the sweep under way has finished", async () => {
    // Prepare
    let finish = (): void => {};
    let finished = false;
    const { clock, sweeps } = sweepOn([
      () =>
        new Promise((resolve) => {
          finish = () => {
            finished = true;
            resolve({ escalated: [], checked: 0, failed: [] });
          };
        }),
    ]);
    clock.advance(MINUTE);
    await settle();

    // Act
    const stopping = stop?.();
    stop = undefined;
    finish();
    await stopping;
    clock.advance(5 * MINUTE);
    await settle();

    // Assess
    expect(finished).toBe(true);
    expect(sweeps).toEqual(["2026-12-01T10:01:00.000Z"]);
  });
});
