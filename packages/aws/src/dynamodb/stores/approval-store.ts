import {
  type Approval,
  type ApprovalStore,
  DecideApprovalInputSchema,
  KeyPartSchema,
  ListPendingApprovalsInputSchema,
  parseStoreInput,
  RequestApprovalInputSchema,
  StoreError,
} from "@architech/core";
import { attempt, checkCursor, compact, guard, readPage, type StoreContext } from "../context.ts";
import type { ApprovalItem } from "../entities/approval.ts";

function toApproval(item: ApprovalItem): Approval {
  return compact(item) as Approval;
}

/**
 * {@link ApprovalStore} on the approval entity. Deciding and expiring are single conditional writes; when
 * one is refused, the approval is read back to say why.
 */
export function createApprovalStore(context: StoreContext): ApprovalStore {
  const { approval } = context.entities;

  const read = async (id: string): Promise<Approval | undefined> => {
    const { data } = await approval.get({ id }).go({ consistent: true });
    return data ? toApproval(data) : undefined;
  };

  return {
    requestApproval: (raw) =>
      guard("requestApproval", async () => {
        const input = parseStoreInput(RequestApprovalInputSchema, raw, "requestApproval");
        const now = context.now().toISOString();
        if (input.expiresAt <= now) {
          throw new StoreError(
            "InvalidStoreInput",
            `requestApproval: expiresAt ${input.expiresAt} is not in the future`,
            {
              issues: ["expiresAt: must be in the future"],
            },
          );
        }
        const item = { ...input, requestedAt: now, decision: "pending" as const };
        const written = await attempt(() => approval.create(item).go());
        if (written.ok) return { requested: true, approval: toApproval(written.value.data) };
        const existing = await read(input.id);
        if (!existing)
          throw new StoreError("ConditionFailed", "requestApproval: approval exists but cannot be read");
        return { requested: false, existing };
      }),

    getApproval: (id) => guard("getApproval", () => read(parseStoreInput(KeyPartSchema, id, "getApproval"))),

    decideApproval: (raw) =>
      guard("decideApproval", async () => {
        const input = parseStoreInput(DecideApprovalInputSchema, raw, "decideApproval");
        const now = context.now().toISOString();
        const written = await attempt(() =>
          approval
            .patch({ id: input.id })
            .set(
              compact({
                decision: input.decision,
                decidedBy: input.decidedBy,
                decidedAt: now,
                reason: input.reason,
              }),
            )
            .where(
              (attribute, op) =>
                `(${op.eq(attribute.decision, "pending")} AND ${op.gt(attribute.expiresAt, now)} AND ${op.eq(attribute.planHash, input.planHash)})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { decided: true, approval: toApproval(written.value.data as ApprovalItem) };
        const current = await read(input.id);
        if (!current) return { decided: false, reason: "not-found" };
        if (current.decision !== "pending")
          return { decided: false, reason: "already-decided", approval: current };
        if (current.expiresAt <= now) return { decided: false, reason: "expired", approval: current };
        return { decided: false, reason: "plan-mismatch", approval: current };
      }),

    expireApproval: (raw) =>
      guard("expireApproval", async () => {
        const id = parseStoreInput(KeyPartSchema, raw, "expireApproval");
        const now = context.now().toISOString();
        const written = await attempt(() =>
          approval
            .patch({ id })
            .set({ decision: "expired", decidedBy: "expiry", decidedAt: now })
            .where(
              (attribute, op) =>
                `(${op.eq(attribute.decision, "pending")} AND ${op.lte(attribute.expiresAt, now)})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { expired: true, approval: toApproval(written.value.data as ApprovalItem) };
        const current = await read(id);
        if (!current) return { expired: false, reason: "not-found" };
        if (current.decision !== "pending")
          return { expired: false, reason: "already-decided", approval: current };
        return { expired: false, reason: "not-yet-due", approval: current };
      }),

    listPendingApprovals: (raw) =>
      guard("listPendingApprovals", async () => {
        const input = parseStoreInput(ListPendingApprovalsInputSchema, raw, "listPendingApprovals");
        checkCursor(input.cursor, "gsi1", "listPendingApprovals");
        const query = approval.query.byDecision({ decision: "pending" });
        return readPage(
          input.expiringBefore === undefined ? query : query.lt({ expiresAt: input.expiringBefore }),
          { ...input, order: "asc" },
          toApproval,
        );
      }),
  };
}
