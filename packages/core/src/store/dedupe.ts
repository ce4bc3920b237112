import { z } from "zod";
import { DurationMsSchema, KeyPartSchema, TimestampSchema } from "./schema.ts";

/** An idempotency key of a (policy, event) pair and the run it started. */
export const DedupeClaimSchema = z.object({
  policy: KeyPartSchema,
  key: KeyPartSchema,
  runId: KeyPartSchema,
  claimedAt: TimestampSchema,
  expiresAt: TimestampSchema,
});
export type DedupeClaim = z.output<typeof DedupeClaimSchema>;

/** Input of {@link DedupeStore.claimDedupe}: the key is held for `ttlMs`, then may be claimed again. */
export const ClaimDedupeInputSchema = z.object({
  policy: KeyPartSchema,
  key: KeyPartSchema,
  runId: KeyPartSchema,
  ttlMs: DurationMsSchema,
});
export type ClaimDedupeInput = z.input<typeof ClaimDedupeInputSchema>;

/** The winner learns its own run id back; everyone else learns the winner's. */
export type ClaimDedupeResult =
  | { claimed: true; runId: string }
  | { claimed: false; runId: string; claimedAt: string };

/**
 * Idempotency keys. The first claim of a live key wins; an expired key can be claimed again (expiry is
 * checked in the write's condition, not left to TTL deletion).
 *
 * @example
 * const claim = await store.claimDedupe({ policy, key: event.id, runId: newRunId, ttlMs: 86_400_000 });
 * if (!claim.claimed) return { duplicateOf: claim.runId };
 */
export interface DedupeStore {
  claimDedupe(input: ClaimDedupeInput): Promise<ClaimDedupeResult>;
}
