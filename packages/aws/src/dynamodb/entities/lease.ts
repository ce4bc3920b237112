import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * One lease item per target, never deleted and written without a TTL: it carries the fencing-token
 * counter, which must keep growing across expiries and releases.
 *
 * @example
 * const Lease = createLeaseEntity({ table, client });
 * const { data } = await Lease.get({ target }).go({ consistent: true });
 */
export const leaseModel = {
  model: { entity: "lease", version: "1", service: "architech" },
  attributes: {
    target: { type: "string", required: true },
    owner: { type: "string", required: true },
    token: { type: "number", required: true },
    acquiredAt: { type: "string", required: true },
    expiresAt: { type: "string", required: true },
    released: { type: "boolean", required: true },
    releasedAt: { type: "string" },
  },
  indexes: {
    byTarget: {
      pk: { field: "pk", composite: ["target"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export function createLeaseEntity(config: EntityConfiguration) {
  return new Entity(leaseModel, config);
}
export type LeaseEntity = ReturnType<typeof createLeaseEntity>;
export type LeaseItem = EntityItem<LeaseEntity>;
