import { z } from "zod";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/;

/**
 * Parses a human duration as policies write it — a whole number and one unit: `30s`, `15m`, `2h`, `7d`,
 * `1w` — into milliseconds. Returns `undefined` for anything else, so callers can name the problem.
 *
 * @example
 * parseDuration("15m"); // 900000
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** Formats milliseconds in the largest unit that divides them exactly (`900000` → `15m`). */
export function formatDuration(ms: number): string {
  for (const unit of ["w", "d", "h", "m", "s"] as const) {
    if (ms > 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration field of a policy: a string such as `15m`, validated, parsed to milliseconds.
 * `min`/`max` bound it (in the same notation) so that a typo like `15d` for `15m` is caught where it matters.
 */
export function durationSchema(bounds: { min?: string; max?: string } = {}) {
  const min = bounds.min === undefined ? undefined : parseDuration(bounds.min);
  const max = bounds.max === undefined ? undefined : parseDuration(bounds.max);
  return z
    .string()
    .regex(DURATION_PATTERN, "a duration is a whole number and a unit: 30s, 15m, 2h, 7d or 1w")
    .transform((text, ctx) => {
      const ms = parseDuration(text) ?? 0;
      if (min !== undefined && ms < min) {
        ctx.addIssue({ code: "custom", message: `must be at least ${bounds.min}` });
      }
      if (max !== undefined && ms > max) {
        ctx.addIssue({ code: "custom", message: `must be at most ${bounds.max}` });
      }
      return ms;
    });
}
