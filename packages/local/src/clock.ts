import type { Clock } from "@architech/core";

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The virtual time at construction. Default: the real time. */
  readonly start?: Date;
  /**
   * Real milliseconds spent per virtual millisecond of {@link VirtualClock.sleep}: 1 waits in real time,
   * 1/600 makes ten minutes take one second, 0 makes every sleep instantaneous. Default 1.
   */
  readonly timeScale?: number;
  /**
   * Whether virtual time also moves with real time between sleeps (the embedded runtime, where events
   * arrive in real time) or stands still until a sleep or {@link VirtualClock.advance} moves it (tests,
   * which need every timestamp to be predictable). Default false.
   */
  readonly ticking?: boolean;
}

/** Options of {@link VirtualClock.sleep} and {@link VirtualClock.waitUntil}. */
export interface VirtualWaitOptions {
  /** Rejects the wait with the signal's reason when aborted. */
  readonly signal?: AbortSignal;
}

/** Options of {@link VirtualClock.sleep}. */
export interface VirtualSleepOptions extends VirtualWaitOptions {
  /** Overrides the clock's time scale for this sleep. */
  readonly timeScale?: number;
}

interface PendingTimer {
  readonly deadline: number;
  readonly fire: () => void;
}

/** `setTimeout` refuses longer delays (they overflow to 1 ms). */
const MAX_REAL_DELAY_MS = 2_147_483_647;

/**
 * The time of the embedded runtime. Code that reads the time (guardrails, the sandbox account's rollouts
 * and alarms, the history of workflow executions) reads it here, so that a workflow waiting ten minutes
 * lets ten minutes pass for all of them, in a second or in no time at all.
 *
 * Two kinds of waiting:
 * - {@link sleep} is a wait nothing else can end early (a Wait state, a retry interval): it takes
 *   `ms * timeScale` real milliseconds and then moves the clock to the end of the wait, if it is not there
 *   already. Concurrent sleeps overlap, as they would in real time.
 * - {@link waitUntil} is a deadline (a task timeout): it never moves the clock, it resolves once something
 *   else has moved it far enough (a sleep, {@link advance}, or real time when the clock is ticking).
 *
 * @example
 * const clock = new VirtualClock({ start: new Date("2025-03-01T09:00:00Z"), timeScale: 0 });
 * await clock.sleep(10 * 60_000); // returns at once
 * clock.now().toISOString(); // "2025-03-01T09:10:00.000Z"
 */
export class VirtualClock implements Clock {
  readonly timeScale: number;
  readonly ticking: boolean;
  /** Virtual time minus real time (ticking) or the virtual time itself (standing still). */
  #offset: number;
  #timers: PendingTimer[] = [];
  #realTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: VirtualClockOptions = {}) {
    const timeScale = options.timeScale ?? 1;
    if (!Number.isFinite(timeScale) || timeScale < 0) {
      throw new RangeError(`timeScale is a finite number >= 0, got ${timeScale}`);
    }
    const start = options.start?.getTime() ?? Date.now();
    if (Number.isNaN(start)) throw new RangeError("start is an invalid date");
    this.timeScale = timeScale;
    this.ticking = options.ticking ?? false;
    this.#offset = this.ticking ? start - Date.now() : start;
  }

  now(): Date {
    return new Date(this.#nowMs());
  }

  /** Moves virtual time forward by `ms` and resolves the deadlines it passes. */
  advance(ms: number): void {
    this.#advanceTo(this.#nowMs() + checkDuration(ms));
  }

  /**
   * Waits `ms` virtual milliseconds: `ms * timeScale` real milliseconds, after which the clock reads at
   * least the time the sleep began plus `ms`.
   */
  async sleep(ms: number, options: VirtualSleepOptions = {}): Promise<void> {
    const deadline = this.#nowMs() + checkDuration(ms);
    const timeScale = options.timeScale ?? this.timeScale;
    await realDelay(Math.min(ms * timeScale, MAX_REAL_DELAY_MS), options.signal);
    this.#advanceTo(deadline);
  }

  /** Resolves once the clock reads `deadline` or later; never moves the clock itself. */
  waitUntil(deadline: Date, options: VirtualWaitOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const at = deadline.getTime();
    if (at <= this.#nowMs()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((timer) => timer !== pending);
        this.#schedule();
        reject(signal?.reason);
      };
      const pending: PendingTimer = {
        deadline: at,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#timers.push(pending);
      this.#timers.sort((a, b) => a.deadline - b.deadline);
      this.#schedule();
    });
  }

  #nowMs(): number {
    return this.ticking ? Date.now() + this.#offset : this.#offset;
  }

  #advanceTo(target: number): void {
    const now = this.#nowMs();
    if (target > now) this.#offset += target - now;
    this.#schedule();
  }

  /** Resolves the deadlines that have passed; when ticking, arms a real timer for the next one. */
  #schedule(): void {
    if (this.#realTimer !== undefined) clearTimeout(this.#realTimer);
    this.#realTimer = undefined;
    const now = this.#nowMs();
    const due = this.#timers.filter((timer) => timer.deadline <= now);
    this.#timers = this.#timers.filter((timer) => timer.deadline > now);
    for (const timer of due) timer.fire();
    const next = this.#timers[0];
    if (this.ticking && next !== undefined) {
      this.#realTimer = setTimeout(() => this.#schedule(), Math.min(next.deadline - now, MAX_REAL_DELAY_MS));
    }
  }
}

function checkDuration(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a duration is a finite number >= 0, got ${ms}`);
  return ms;
}

/** A real delay; 0 still yields to the event loop, so that a loop of instantaneous sleeps cannot starve it. */
function realDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let cancel = (): void => {};
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const done = (): void => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    if (ms > 0) {
      const timeout = setTimeout(done, ms);
      cancel = () => clearTimeout(timeout);
    } else {
      const immediate = setImmediate(done);
      cancel = () => clearImmediate(immediate);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
