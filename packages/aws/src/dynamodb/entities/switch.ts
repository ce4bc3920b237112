import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/** The kinds of switch items: the kill switch (one, named `global`), policy pauses, freeze windows. */
export const SWITCH_KINDS = ["kill", "pause", "freeze"] as const;

/**
 * Everything that stops automation lives in one partition, so one strongly consistent query reads it
 * all. Pauses with an end and freeze windows carry a TTL; the read filters them by time anyway.
 *
 * @example
 * const Switch = createSwitchEntity({ table, client });
 * const { data } = await Switch.query.all({}).go({ consistent: true, pages: "all" });
 */
export const switchModel = {
  model: { entity: "switch", version: "1", service: "architech" },
  attributes: {
    kind: { type: SWITCH_KINDS, required: true },
    name: { type: "string", required: true },
    engaged: { type: "boolean" },
    reason: { type: "string", required: true },
    by: { type: "string", required: true },
    at: { type: "string", required: true },
    until: { type: "string" },
    start: { type: "string" },
    end: { type: "string" },
    policies: { type: "list", items: { type: "string" } },
    ttl: { type: "number" },
  },
  indexes: {
    all: {
      pk: { field: "pk", composite: [], casing: "none" },
      sk: { field: "sk", composite: ["kind", "name"], casing: "none" },
    },
  },
} as const;

export function createSwitchEntity(config: EntityConfiguration) {
  return new Entity(switchModel, config);
}
export type SwitchEntity = ReturnType<typeof createSwitchEntity>;
export type SwitchItem = EntityItem<SwitchEntity>;
