import { ApprovalDecisionSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Approvals by id; gsi1 lists them by decision and expiry (the pending ones due for escalation or
 * expiry first).
 *
 * @example
 * const Approval = createApprovalEntity({ table, client });
 */
export const approvalModel = {
  model: { entity: "approval", version: "1", service: "architech" },
  attributes: {
    id: { type: "string", required: true },
    runId: { type: "string", required: true, readOnly: true },
    policy: { type: "string", required: true, readOnly: true },
    target: { type: "string", required: true, readOnly: true },
    planHash: { type: "string", required: true, readOnly: true },
    requestedBy: { type: "string", required: true, readOnly: true },
    requestedAt: { type: "string", required: true, readOnly: true },
    expiresAt: { type: "string", required: true, readOnly: true },
    decision: { type: ApprovalDecisionSchema.options, required: true },
    decidedBy: { type: "string" },
    decidedAt: { type: "string" },
    reason: { type: "string" },
    taskToken: { type: "string", readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["id"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byDecision: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["decision"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["expiresAt", "id"], casing: "none" },
    },
  },
} as const;

export function createApprovalEntity(config: EntityConfiguration) {
  return new Entity(approvalModel, config);
}
export type ApprovalEntity = ReturnType<typeof createApprovalEntity>;
export type ApprovalItem = EntityItem<ApprovalEntity>;
