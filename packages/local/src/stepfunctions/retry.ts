import type { AslState } from "./definition.ts";

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

/** The Amazon States Language defaults, which the interpreter applies too. */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

/**
 * Attempts per retrier of each state of one execution, the way the interpreter counts them: a state's
 * counters start at zero when it is entered and keep counting across its retries. (Iterations of a Map
 * that run the same Task concurrently share the counters of that state name.)
 */
export class RetryCounters {
  readonly #attempts = new Map<string, number[]>();

  /**
   * Decides, as the interpreter is about to, whether a failure of `stateName` is retried, and counts the
   * attempt. Returns the interval to wait in milliseconds, or undefined when the failure is not retried
   * (and the state's counters start over, as the next entry of the state will). `JitterStrategy: FULL`
   * waits the full interval: the local run stays deterministic.
   */
  nextRetryDelay(stateName: string, state: AslState, error: string, timedOut: boolean): number | undefined {
    const retriers = (state.Retry ?? []) as readonly Retrier[];
    const attempts = this.#attempts.get(stateName) ?? retriers.map(() => 0);
    const index = retriers.findIndex((retrier) =>
      retrier.ErrorEquals.some(
        (name) => name === error || name === "States.ALL" || (name === "States.TaskFailed" && !timedOut),
      ),
    );
    const retrier = retriers[index];
    const made = attempts[index] ?? 0;
    if (retrier === undefined || made >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
      this.#attempts.delete(stateName);
      return undefined;
    }
    attempts[index] = made + 1;
    this.#attempts.set(stateName, attempts);
    const interval =
      (retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS) *
      (retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE) ** made;
    const cap = retrier.MaxDelaySeconds;
    return (cap ? Math.min(interval, cap) : interval) * 1000;
  }

  /** The state succeeded: its next entry starts counting from zero. */
  reset(stateName: string): void {
    this.#attempts.delete(stateName);
  }
}
