import {
  ConsumeRateInputSchema,
  parseStoreInput,
  type RateLimitStore,
  RateWindowKeySchema,
  rateWindowAt,
} from "@architech/core";
import { attempt, guard, type StoreContext, ttlSeconds } from "../context.ts";

/**
 * {@link RateLimitStore} on the rate-window entity: an upsert that adds 1 to the window's count,
 * conditional on the count being below the limit.
 */
export function createRateLimitStore(context: StoreContext): RateLimitStore {
  const { rateWindow } = context.entities;

  return {
    consumeRate: (raw) =>
      guard("consumeRate", async () => {
        const input = parseStoreInput(ConsumeRateInputSchema, raw, "consumeRate");
        const { windowStart, windowEnd } = rateWindowAt(context.now(), input.windowMs);
        const written = await attempt(() =>
          rateWindow
            .upsert({
              policy: input.policy,
              windowMs: input.windowMs,
              windowStart,
              windowEnd,
              ttl: ttlSeconds(windowEnd),
            })
            .add({ count: 1 })
            .where(
              (attribute, op) =>
                `(${op.notExists(attribute.count)} OR ${op.lt(attribute.count, input.limit)})`,
            )
            .go({ response: "all_new" }),
        );
        if (!written.ok) return { allowed: false, limit: input.limit, windowStart, windowEnd };
        const count = (written.value.data as { count: number }).count;
        return { allowed: true, count, limit: input.limit, windowStart, windowEnd };
      }),

    getRateWindow: (raw) =>
      guard("getRateWindow", async () => {
        const key = parseStoreInput(RateWindowKeySchema, raw, "getRateWindow");
        const { windowStart, windowEnd } = rateWindowAt(context.now(), key.windowMs);
        const { data } = await rateWindow
          .get({ policy: key.policy, windowMs: key.windowMs, windowStart })
          .go({ consistent: true });
        return { policy: key.policy, windowStart, windowEnd, count: data?.count ?? 0 };
      }),
  };
}
