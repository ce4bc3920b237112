import { CleanupMarkStatusSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * One cleanup mark per resource; gsi1 lists the marks in a status by the end of their grace period.
 *
 * @example
 * const CleanupMark = createCleanupMarkEntity({ table, client });
 */
export const cleanupMarkModel = {
  model: { entity: "cleanupMark", version: "1", service: "architech" },
  attributes: {
    resource: { type: "string", required: true },
    resourceType: { type: "string", required: true },
    policy: { type: "string", required: true },
    owner: { type: "string" },
    reason: { type: "string", required: true },
    status: { type: CleanupMarkStatusSchema.options, required: true },
    markedAt: { type: "string", required: true },
    deleteAfter: { type: "string", required: true },
    updatedAt: { type: "string", required: true },
    runId: { type: "string" },
    snapshotId: { type: "string" },
  },
  indexes: {
    byResource: {
      pk: { field: "pk", composite: ["resource"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byStatus: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["status"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["deleteAfter", "resource"], casing: "none" },
    },
  },
} as const;

export function createCleanupMarkEntity(config: EntityConfiguration) {
  return new Entity(cleanupMarkModel, config);
}
export type CleanupMarkEntity = ReturnType<typeof createCleanupMarkEntity>;
export type CleanupMarkItem = EntityItem<CleanupMarkEntity>;
