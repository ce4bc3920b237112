import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * One cooldown per (policy, target), overwritten by the next one once it is over.
 *
 * @example
 * const Cooldown = createCooldownEntity({ table, client });
 */
export const cooldownModel = {
  model: { entity: "cooldown", version: "1", service: "architech" },
  attributes: {
    policy: { type: "string", required: true },
    target: { type: "string", required: true },
    startedAt: { type: "string", required: true },
    until: { type: "string", required: true },
    reason: { type: "string" },
    runId: { type: "string" },
    ttl: { type: "number", required: true },
  },
  indexes: {
    byPolicyTarget: {
      pk: { field: "pk", composite: ["policy", "target"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export function createCooldownEntity(config: EntityConfiguration) {
  return new Entity(cooldownModel, config);
}
export type CooldownEntity = ReturnType<typeof createCooldownEntity>;
export type CooldownItem = EntityItem<CooldownEntity>;
