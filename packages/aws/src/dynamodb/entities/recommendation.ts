import { RecommendationStatusSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Recommendations by id; by target (gsi1, beside the target's runs) and by status (gsi2), newest first.
 *
 * @example
 * const Recommendation = createRecommendationEntity({ table, client });
 */
export const recommendationModel = {
  model: { entity: "recommendation", version: "1", service: "architech" },
  attributes: {
    id: { type: "string", required: true },
    target: { type: "string", required: true, readOnly: true },
    policy: { type: "string", required: true, readOnly: true },
    runbook: { type: "string", required: true, readOnly: true },
    current: { type: "any", required: true, readOnly: true },
    recommended: { type: "any", required: true, readOnly: true },
    estimatedMonthlySavings: { type: "number", required: true, readOnly: true },
    currency: { type: "string", required: true, readOnly: true },
    basis: { type: "any", readOnly: true },
    status: { type: RecommendationStatusSchema.options, required: true },
    runId: { type: "string", readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
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
  },
} as const;

export function createRecommendationEntity(config: EntityConfiguration) {
  return new Entity(recommendationModel, config);
}
export type RecommendationEntity = ReturnType<typeof createRecommendationEntity>;
export type RecommendationItem = EntityItem<RecommendationEntity>;
