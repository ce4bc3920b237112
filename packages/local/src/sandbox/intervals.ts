/** A half-open span of time `[from, to)` in epoch milliseconds; `to` may be `Infinity`. */
export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** Sorts and merges overlapping or touching intervals; empty ones are dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.from <= last.to) {
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, interval.to) };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

/** Moves every interval later by `ms`. */
export function shiftIntervals(intervals: readonly Interval[], ms: number): Interval[] {
  return intervals.map((i) => ({ from: i.from + ms, to: i.to + ms }));
}

/** True when `t` lies in one of the intervals. */
export function covers(intervals: readonly Interval[], t: number): boolean {
  return intervals.some((i) => i.from <= t && t < i.to);
}
