import {
  AcquireLeaseInputSchema,
  isLeaseLive,
  KeyPartSchema,
  type Lease,
  type LeaseStore,
  parseStoreInput,
  ReleaseLeaseInputSchema,
  RenewLeaseInputSchema,
  StoreError,
} from "@architech/core";
import { addMs, attempt, compact, guard, type StoreContext } from "../context.ts";
import type { LeaseItem } from "../entities/lease.ts";

/** A lost acquire re-reads the lease; if it was freed in between, the acquire is tried again. */
const ACQUIRE_ATTEMPTS = 3;

function toLease(item: LeaseItem): Lease {
  // An acquire cannot remove the previous holder's releasedAt (upserts only set and add): drop it here.
  const { releasedAt, ...lease } = compact(item) as Lease;
  return lease.released ? { ...lease, releasedAt } : lease;
}

/**
 * {@link LeaseStore} on the lease entity. Acquiring is one upsert that adds 1 to the token, conditional
 * on there being no live lease; renew and release are conditional on owner and token.
 */
export function createLeaseStore(context: StoreContext): LeaseStore {
  const { lease } = context.entities;

  const read = async (target: string): Promise<Lease | undefined> => {
    const { data } = await lease.get({ target }).go({ consistent: true });
    return data ? toLease(data) : undefined;
  };

  return {
    acquireLease: (raw) =>
      guard("acquireLease", async () => {
        const input = parseStoreInput(AcquireLeaseInputSchema, raw, "acquireLease");
        let current: Lease | undefined;
        for (let round = 0; round < ACQUIRE_ATTEMPTS; round++) {
          const now = context.now();
          const nowIso = now.toISOString();
          const written = await attempt(() =>
            lease
              .upsert({
                target: input.target,
                owner: input.owner,
                acquiredAt: nowIso,
                expiresAt: addMs(now, input.ttlMs),
                released: false,
              })
              .add({ token: 1 })
              .where(
                (attribute, op) =>
                  `(${op.notExists(attribute.owner)} OR ${op.lte(attribute.expiresAt, nowIso)} OR ${op.eq(attribute.released, true)})`,
              )
              .go({ response: "all_new" }),
          );
          if (written.ok) return { acquired: true, lease: toLease(written.value.data as LeaseItem) };
          current = await read(input.target);
          if (current && isLeaseLive(current, context.now())) break;
        }
        if (!current) {
          throw new StoreError("ConditionFailed", `acquireLease: lease on ${input.target} is contended`);
        }
        return { acquired: false, heldBy: current.owner, expiresAt: current.expiresAt, token: current.token };
      }),

    renewLease: (raw) =>
      guard("renewLease", async () => {
        const input = parseStoreInput(RenewLeaseInputSchema, raw, "renewLease");
        const now = context.now();
        const nowIso = now.toISOString();
        const written = await attempt(() =>
          lease
            .patch({ target: input.target })
            .set({ expiresAt: addMs(now, input.ttlMs) })
            .where(
              (attribute, op) =>
                `(${op.eq(attribute.owner, input.owner)} AND ${op.eq(attribute.token, input.token)} AND ${op.eq(attribute.released, false)} AND ${op.gt(attribute.expiresAt, nowIso)})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { renewed: true, lease: toLease(written.value.data as LeaseItem) };
        const current = await read(input.target);
        return current ? { renewed: false, current } : { renewed: false };
      }),

    releaseLease: (raw) =>
      guard("releaseLease", async () => {
        const input = parseStoreInput(ReleaseLeaseInputSchema, raw, "releaseLease");
        const nowIso = context.now().toISOString();
        const written = await attempt(() =>
          lease
            .patch({ target: input.target })
            .set({ released: true, releasedAt: nowIso })
            .where(
              (attribute, op) =>
                `(${op.eq(attribute.owner, input.owner)} AND ${op.eq(attribute.token, input.token)} AND ${op.eq(attribute.released, false)})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { released: true, lease: toLease(written.value.data as LeaseItem) };
        const current = await read(input.target);
        return current ? { released: false, current } : { released: false };
      }),

    getLease: (target) => guard("getLease", () => read(parseStoreInput(KeyPartSchema, target, "getLease"))),
  };
}
