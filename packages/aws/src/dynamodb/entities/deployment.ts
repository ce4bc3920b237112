import { DeploymentKindSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Release history per service, newest first; `knownGood` keeps a sparse index (gsi1) of the releases
 * that baked healthy, so the last known-good one is a single-item query however many bad releases
 * came after it.
 *
 * ElectroDB evaluates the sparse index's condition on every write that includes the item's keys and
 * drops the index keys when it is false: every update must therefore set `knownGood` explicitly.
 *
 * @example
 * const Deployment = createDeploymentEntity({ table, client });
 * const { data } = await Deployment.query.knownGood({ service }).go({ order: "desc", count: 1 });
 */
export const deploymentModel = {
  model: { entity: "deployment", version: "1", service: "architech" },
  attributes: {
    service: { type: "string", required: true },
    id: { type: "string", required: true },
    kind: { type: DeploymentKindSchema.options, required: true, readOnly: true },
    deployedAt: { type: "string", required: true },
    imageDigest: { type: "string" },
    imageTag: { type: "string" },
    taskDefinitionArn: { type: "string" },
    taskDefinitionRevision: { type: "number" },
    lambdaVersion: { type: "string" },
    knownGood: { type: "boolean", required: true },
    bakedAt: { type: "string" },
    recordedAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    byService: {
      pk: { field: "pk", composite: ["service"], casing: "none" },
      sk: { field: "sk", composite: ["deployedAt", "id"], casing: "none" },
    },
    knownGood: {
      index: "gsi1",
      condition: (item: Record<string, unknown>) => item.knownGood === true,
      pk: { field: "gsi1pk", composite: ["service"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["deployedAt", "id"], casing: "none" },
    },
  },
} as const;

export function createDeploymentEntity(config: EntityConfiguration) {
  return new Entity(deploymentModel, config);
}
export type DeploymentEntity = ReturnType<typeof createDeploymentEntity>;
export type DeploymentItem = EntityItem<DeploymentEntity>;
