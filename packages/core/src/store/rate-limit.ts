import { z } from "zod";
import { DurationMsSchema, KeyPartSchema } from "./schema.ts";

/** Input of {@link RateLimitStore.consumeRate}: take one slot of `limit` in the current window. */
export const ConsumeRateInputSchema = z.object({
  policy: KeyPartSchema,
  limit: z.number().int().min(1).max(1_000_000),
  windowMs: DurationMsSchema,
});
export type ConsumeRateInput = z.input<typeof ConsumeRateInputSchema>;

/** Input of {@link RateLimitStore.getRateWindow}. */
export const RateWindowKeySchema = z.object({ policy: KeyPartSchema, windowMs: DurationMsSchema });
export type RateWindowKey = z.input<typeof RateWindowKeySchema>;

/** The current fixed window of a policy and how many slots it has used. */
export interface RateWindow {
  readonly policy: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly count: number;
}

/** When refused, try again at `windowEnd`. */
export type ConsumeRateResult =
  | { allowed: true; count: number; limit: number; windowStart: string; windowEnd: string }
  | { allowed: false; limit: number; windowStart: string; windowEnd: string };

/**
 * The fixed window holding `now`: windows are aligned to the Unix epoch, start inclusive, end exclusive,
 * so an instant exactly on a boundary belongs to the window it starts.
 *
 * @example
 * rateWindowAt(new Date("2024-05-01T12:00:00Z"), 3_600_000);
 * // { windowStart: "2024-05-01T12:00:00.000Z", windowEnd: "2024-05-01T13:00:00.000Z" }
 */
export function rateWindowAt(now: Date, windowMs: number): { windowStart: string; windowEnd: string } {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + windowMs).toISOString(),
  };
}

/**
 * Per-policy counters in fixed windows. The increment carries the limit in its condition, so concurrent
 * callers can never push a window past it.
 *
 * @example
 * const slot = await store.consumeRate({ policy, limit: 5, windowMs: 3_600_000 });
 * if (!slot.allowed) return suppress(`rate limit reached until ${slot.windowEnd}`);
 */
export interface RateLimitStore {
  consumeRate(input: ConsumeRateInput): Promise<ConsumeRateResult>;
  getRateWindow(key: RateWindowKey): Promise<RateWindow>;
}
