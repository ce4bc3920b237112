import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * A per-policy counter for one fixed window (window size and start in the sort key, so changing a
 * policy's window never mixes counts).
 *
 * @example
 * const RateWindow = createRateWindowEntity({ table, client });
 */
export const rateWindowModel = {
  model: { entity: "rateWindow", version: "1", service: "architech" },
  attributes: {
    policy: { type: "string", required: true },
    windowMs: { type: "number", required: true },
    windowStart: { type: "string", required: true },
    windowEnd: { type: "string", required: true },
    count: { type: "number", required: true },
    ttl: { type: "number", required: true },
  },
  indexes: {
    byPolicyWindow: {
      pk: { field: "pk", composite: ["policy"], casing: "none" },
      sk: { field: "sk", composite: ["windowMs", "windowStart"], casing: "none" },
    },
  },
} as const;

export function createRateWindowEntity(config: EntityConfiguration) {
  return new Entity(rateWindowModel, config);
}
export type RateWindowEntity = ReturnType<typeof createRateWindowEntity>;
export type RateWindowItem = EntityItem<RateWindowEntity>;
