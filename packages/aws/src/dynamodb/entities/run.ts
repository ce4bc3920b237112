import { RunModeSchema, RunStatusSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Runs. By id; by target, status or policy, ordered by creation time (then id).
 *
 * @example
 * const Run = createRunEntity({ table, client });
 * const { data } = await Run.query.byTarget({ target }).go({ order: "desc" });
 */
export const runModel = {
  model: { entity: "run", version: "1", service: "architech" },
  attributes: {
    id: { type: "string", required: true, readOnly: true },
    policy: { type: "string", required: true, readOnly: true },
    runbook: { type: "string", required: true, readOnly: true },
    target: { type: "string", required: true, readOnly: true },
    signal: { type: "any", required: true, readOnly: true },
    mode: { type: RunModeSchema.options, required: true, readOnly: true },
    status: { type: RunStatusSchema.options, required: true },
    plan: { type: "any" },
    outcome: { type: "any" },
    reason: { type: "string" },
    executionArn: { type: "string" },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
    startedAt: { type: "string" },
    finishedAt: { type: "string" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["id"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byTarget: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["target"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["createdAt", "id"], casing: "none" },
    },
    byStatus: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: ["status"], casing: "none" },
      sk: { field: "gsi2sk", composite: ["createdAt", "id"], casing: "none" },
    },
    byPolicy: {
      index: "gsi3",
      pk: { field: "gsi3pk", composite: ["policy"], casing: "none" },
      sk: { field: "gsi3sk", composite: ["createdAt", "id"], casing: "none" },
    },
  },
} as const;

export function createRunEntity(config: EntityConfiguration) {
  return new Entity(runModel, config);
}
export type RunEntity = ReturnType<typeof createRunEntity>;
export type RunItem = EntityItem<RunEntity>;
