/** A clock that stands still until told to move: what tests and the virtual clock drive the sandbox with. */
export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

export function manualClock(startIso: string): ManualClock {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
  };
}

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
