import { z } from "zod";
import { DurationMsSchema, KeyPartSchema, TimestampSchema } from "./schema.ts";

/**
 * A per-target lock. `token` is a fencing token: it grows by one with every successful acquire, across
 * expiries and releases, so a holder that lost its lease can be told apart from the current one.
 */
export const LeaseSchema = z.object({
  target: KeyPartSchema,
  owner: KeyPartSchema,
  token: z.number().int().min(1),
  acquiredAt: TimestampSchema,
  expiresAt: TimestampSchema,
  released: z.boolean(),
  releasedAt: TimestampSchema.optional(),
});
export type Lease = z.output<typeof LeaseSchema>;

/** Input of {@link LeaseStore.acquireLease}. */
export const AcquireLeaseInputSchema = z.object({
  target: KeyPartSchema,
  owner: KeyPartSchema,
  ttlMs: DurationMsSchema,
});
export type AcquireLeaseInput = z.input<typeof AcquireLeaseInputSchema>;

/** Input of {@link LeaseStore.renewLease}: extends the lease to `ttlMs` from now. */
export const RenewLeaseInputSchema = z.object({
  target: KeyPartSchema,
  owner: KeyPartSchema,
  token: z.number().int().min(1),
  ttlMs: DurationMsSchema,
});
export type RenewLeaseInput = z.input<typeof RenewLeaseInputSchema>;

/** Input of {@link LeaseStore.releaseLease}. */
export const ReleaseLeaseInputSchema = z.object({
  target: KeyPartSchema,
  owner: KeyPartSchema,
  token: z.number().int().min(1),
});
export type ReleaseLeaseInput = z.input<typeof ReleaseLeaseInputSchema>;

export type AcquireLeaseResult =
  | { acquired: true; lease: Lease }
  | { acquired: false; heldBy: string; expiresAt: string; token: number };

/** `current` is the lease as it is now, when there is one. */
export type RenewLeaseResult = { renewed: true; lease: Lease } | { renewed: false; current?: Lease };

export type ReleaseLeaseResult = { released: true; lease: Lease } | { released: false; current?: Lease };

/**
 * True while the lease is held: not released and `now` before `expiresAt` (a lease is over at exactly
 * its expiry instant).
 *
 * @example
 * isLeaseLive(lease, new Date()); // false once released or expired
 */
export function isLeaseLive(lease: Lease, now: Date): boolean {
  return !lease.released && now.getTime() < Date.parse(lease.expiresAt);
}

/**
 * Per-target leases with fencing tokens.
 *
 * - `acquireLease` succeeds only when there is no live lease (none yet, expired, or released).
 * - `renewLease` succeeds only for the live lease with this owner and token; a lapsed lease is lost.
 * - `releaseLease` succeeds only for the unreleased lease with this owner and token.
 *
 * @example
 * const result = await store.acquireLease({ target, owner: runId, ttlMs: 15 * 60_000 });
 * if (!result.acquired) return suppress(`target is leased by ${result.heldBy}`);
 * // ... act, passing result.lease.token along ...
 * await store.releaseLease({ target, owner: runId, token: result.lease.token });
 */
export interface LeaseStore {
  acquireLease(input: AcquireLeaseInput): Promise<AcquireLeaseResult>;
  renewLease(input: RenewLeaseInput): Promise<RenewLeaseResult>;
  releaseLease(input: ReleaseLeaseInput): Promise<ReleaseLeaseResult>;
  getLease(target: string): Promise<Lease | undefined>;
}
