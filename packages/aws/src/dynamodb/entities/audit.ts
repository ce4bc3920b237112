import { AuditKindSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * The audit log. Every attribute is read-only, so ElectroDB refuses any update: entries are created and
 * never changed. Ids sort by time, and each index orders by id: all entries (gsi1, one partition), by
 * target (gsi2, sparse) and by run (gsi3, sparse).
 *
 * @example
 * const Audit = createAuditEntity({ table, client });
 * const { data, cursor } = await Audit.query.byTime({}).go({ order: "desc", count: 50 });
 */
export const auditModel = {
  model: { entity: "audit", version: "1", service: "architech" },
  attributes: {
    id: { type: "string", required: true, readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    kind: { type: AuditKindSchema.options, required: true, readOnly: true },
    action: { type: "string", required: true, readOnly: true },
    actor: { type: "string", required: true, readOnly: true },
    reason: { type: "string", required: true, readOnly: true },
    policy: { type: "string", readOnly: true },
    target: { type: "string", readOnly: true },
    runId: { type: "string", readOnly: true },
    details: { type: "any", readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["id"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byTime: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: [], casing: "none" },
      sk: { field: "gsi1sk", composite: ["id"], casing: "none" },
    },
    byTarget: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: ["target"], casing: "none" },
      sk: { field: "gsi2sk", composite: ["id"], casing: "none" },
    },
    byRun: {
      index: "gsi3",
      pk: { field: "gsi3pk", composite: ["runId"], casing: "none" },
      sk: { field: "gsi3sk", composite: ["id"], casing: "none" },
    },
  },
} as const;

export function createAuditEntity(config: EntityConfiguration) {
  return new Entity(auditModel, config);
}
export type AuditEntity = ReturnType<typeof createAuditEntity>;
export type AuditItem = EntityItem<AuditEntity>;
