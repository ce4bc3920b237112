import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Idempotency keys per (policy, key). `ttl` lets DynamoDB clean up; the claim condition checks
 * `expiresAt` itself.
 *
 * @example
 * const Dedupe = createDedupeEntity({ table, client });
 */
export const dedupeModel = {
  model: { entity: "dedupe", version: "1", service: "architech" },
  attributes: {
    policy: { type: "string", required: true },
    key: { type: "string", required: true },
    runId: { type: "string", required: true },
    claimedAt: { type: "string", required: true },
    expiresAt: { type: "string", required: true },
    ttl: { type: "number", required: true },
  },
  indexes: {
    byKey: {
      pk: { field: "pk", composite: ["policy", "key"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export function createDedupeEntity(config: EntityConfiguration) {
  return new Entity(dedupeModel, config);
}
export type DedupeEntity = ReturnType<typeof createDedupeEntity>;
export type DedupeItem = EntityItem<DedupeEntity>;
