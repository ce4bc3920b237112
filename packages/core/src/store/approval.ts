import { z } from "zod";
import {
  ActorSchema,
  KeyPartSchema,
  PageRequestSchema,
  type StorePage,
  TextSchema,
  TimestampSchema,
} from "./schema.ts";

/** `expired` counts as a denial. */
export const ApprovalDecisionSchema = z.enum(["pending", "approved", "denied", "expired"]);
export type ApprovalDecision = z.output<typeof ApprovalDecisionSchema>;

/** A hash of the exact plan an approval is for. */
export const PlanHashSchema = z
  .string()
  .min(8)
  .max(256)
  .regex(/^[A-Za-z0-9:+/=_-]+$/, "must be a hash (letters, digits, : + / = _ -)");

/** A request to approve one run's exact plan, until `expiresAt`. */
export const ApprovalRecordSchema = z.object({
  id: KeyPartSchema,
  runId: KeyPartSchema,
  policy: KeyPartSchema,
  target: KeyPartSchema,
  planHash: PlanHashSchema,
  requestedBy: ActorSchema,
  requestedAt: TimestampSchema,
  expiresAt: TimestampSchema,
  decision: ApprovalDecisionSchema,
  decidedBy: ActorSchema.optional(),
  decidedAt: TimestampSchema.optional(),
  reason: TextSchema.optional(),
  /**
   * The Step Functions task token the run waits on. Kept server-side only: it never leaves the store in
   * a chat message; the interaction handler looks it up by approval id to resume the workflow.
   */
  taskToken: z.string().min(1).max(2048).optional(),
});
export type Approval = z.output<typeof ApprovalRecordSchema>;

/** Input of {@link ApprovalStore.requestApproval}; `expiresAt` must be in the future. */
export const RequestApprovalInputSchema = ApprovalRecordSchema.pick({
  id: true,
  runId: true,
  policy: true,
  target: true,
  planHash: true,
  requestedBy: true,
  expiresAt: true,
  taskToken: true,
});
export type RequestApprovalInput = z.input<typeof RequestApprovalInputSchema>;

/** Input of {@link ApprovalStore.decideApproval}: `planHash` must be the hash the approver was shown. */
export const DecideApprovalInputSchema = z.object({
  id: KeyPartSchema,
  planHash: PlanHashSchema,
  decision: z.enum(["approved", "denied"]),
  decidedBy: ActorSchema,
  reason: TextSchema.optional(),
});
export type DecideApprovalInput = z.input<typeof DecideApprovalInputSchema>;

/** Input of {@link ApprovalStore.listPendingApprovals}: earliest expiry first. */
export const ListPendingApprovalsInputSchema = z.object({
  expiringBefore: TimestampSchema.optional(),
  ...PageRequestSchema.shape,
});
export type ListPendingApprovalsInput = z.input<typeof ListPendingApprovalsInputSchema>;

export type RequestApprovalResult =
  | { requested: true; approval: Approval }
  | { requested: false; existing: Approval };

export type DecideApprovalResult =
  | { decided: true; approval: Approval }
  | { decided: false; reason: "not-found" }
  | { decided: false; reason: "already-decided" | "expired" | "plan-mismatch"; approval: Approval };

export type ExpireApprovalResult =
  | { expired: true; approval: Approval }
  | { expired: false; reason: "not-found" }
  | { expired: false; reason: "already-decided" | "not-yet-due"; approval: Approval };

/**
 * The decision that holds at `now`: a pending approval past its expiry is expired, whether or not the
 * expiry has been written yet.
 *
 * @example
 * effectiveApprovalDecision(approval, new Date()); // "expired" after approval.expiresAt
 */
export function effectiveApprovalDecision(approval: Approval, now: Date): ApprovalDecision {
  return approval.decision === "pending" && now.getTime() >= Date.parse(approval.expiresAt)
    ? "expired"
    : approval.decision;
}

/**
 * Approvals bound to a plan hash. Deciding is one conditional write: the approval must be pending,
 * unexpired and for the same plan hash, so it is decided once, never after its deadline, never for a
 * plan the approver did not see.
 *
 * @example
 * const result = await store.decideApproval({ id, planHash, decision: "approved", decidedBy: "slack:U024BE7LH" });
 * if (!result.decided) reply(`not approved: ${result.reason}`);
 */
export interface ApprovalStore {
  requestApproval(input: RequestApprovalInput): Promise<RequestApprovalResult>;
  /** The stored approval; see {@link effectiveApprovalDecision} for the decision that holds now. */
  getApproval(id: string): Promise<Approval | undefined>;
  decideApproval(input: DecideApprovalInput): Promise<DecideApprovalResult>;
  /** Writes `expired` on a pending approval whose deadline has passed. */
  expireApproval(id: string): Promise<ExpireApprovalResult>;
  listPendingApprovals(input: ListPendingApprovalsInput): Promise<StorePage<Approval>>;
}
