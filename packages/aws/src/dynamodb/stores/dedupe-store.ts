import { ClaimDedupeInputSchema, type DedupeStore, parseStoreInput, StoreError } from "@architech/core";
import { addMs, attempt, guard, type StoreContext, ttlSeconds } from "../context.ts";

/** A lost claim reads the winner; if the key vanished or lapsed in between, the claim is tried again. */
const CLAIM_ATTEMPTS = 3;

/**
 * {@link DedupeStore} on the dedupe entity: a put conditional on the key being absent or expired.
 */
export function createDedupeStore(context: StoreContext): DedupeStore {
  const { dedupe } = context.entities;

  return {
    claimDedupe: (raw) =>
      guard("claimDedupe", async () => {
        const input = parseStoreInput(ClaimDedupeInputSchema, raw, "claimDedupe");
        for (let round = 0; round < CLAIM_ATTEMPTS; round++) {
          const now = context.now();
          const nowIso = now.toISOString();
          const expiresAt = addMs(now, input.ttlMs);
          const written = await attempt(() =>
            dedupe
              .put({
                policy: input.policy,
                key: input.key,
                runId: input.runId,
                claimedAt: nowIso,
                expiresAt,
                ttl: ttlSeconds(expiresAt),
              })
              .where(
                (attribute, op) =>
                  `(${op.notExists(attribute.runId)} OR ${op.lte(attribute.expiresAt, nowIso)})`,
              )
              .go(),
          );
          if (written.ok) return { claimed: true, runId: input.runId };
          const { data } = await dedupe
            .get({ policy: input.policy, key: input.key })
            .go({ consistent: true });
          if (data && Date.parse(data.expiresAt) > context.now().getTime()) {
            return { claimed: false, runId: data.runId, claimedAt: data.claimedAt };
          }
        }
        throw new StoreError(
          "ConditionFailed",
          `claimDedupe: key ${input.key} of ${input.policy} is contended`,
        );
      }),
  };
}
