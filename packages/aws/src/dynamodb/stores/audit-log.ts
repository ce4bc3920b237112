import {
  AppendAuditInputSchema,
  type AuditEntry,
  type AuditLog,
  assertItemFits,
  ListAuditByRunInputSchema,
  ListAuditByTargetInputSchema,
  ListAuditInputSchema,
  parseStoreInput,
  StoreError,
  sortableIdFloor,
} from "@architech/core";
import {
  attempt,
  checkCursor,
  compact,
  direction,
  guard,
  inRange,
  putItem,
  readPage,
  type StoreContext,
} from "../context.ts";
import type { AuditItem } from "../entities/audit.ts";

/** Ids carry 80 random bits; a collision is already improbable, two in a row are not worth handling. */
const APPEND_ATTEMPTS = 2;

function toAuditEntry(item: AuditItem): AuditEntry {
  return compact(item) as AuditEntry;
}

/** Sort-key bounds of `[since, before)`, as sortable-id floors. */
function idRange(input: { since?: string | undefined; before?: string | undefined }) {
  return {
    lower: input.since === undefined ? undefined : { id: sortableIdFloor(new Date(input.since)) },
    upper: input.before === undefined ? undefined : { id: sortableIdFloor(new Date(input.before)) },
  };
}

/** {@link AuditLog} on the audit entity: creates only, listings ordered by the time-sortable id. */
export function createAuditLog(context: StoreContext): AuditLog {
  const { audit } = context.entities;

  return {
    appendAudit: (raw) =>
      guard("appendAudit", async () => {
        const input = parseStoreInput(AppendAuditInputSchema, raw, "appendAudit");
        for (let round = 0; round < APPEND_ATTEMPTS; round++) {
          const at = context.now();
          const request = audit.create({
            ...compact(input),
            id: context.newAuditId(at),
            at: at.toISOString(),
          });
          assertItemFits("appendAudit", putItem(request.params()));
          const written = await attempt(() => request.go());
          if (written.ok) return toAuditEntry(written.value.data);
        }
        throw new StoreError(
          "ConditionFailed",
          "appendAudit: the id source keeps returning ids already taken",
        );
      }),

    listAudit: (raw = {}) =>
      guard("listAudit", async () => {
        const input = parseStoreInput(ListAuditInputSchema, raw, "listAudit");
        checkCursor(input.cursor, "gsi1", "listAudit");
        const { lower, upper } = idRange(input);
        const query = inRange(audit.query.byTime({}), lower, upper);
        return readPage(query, { ...input, order: direction(input.order) }, toAuditEntry);
      }),

    listAuditByTarget: (raw) =>
      guard("listAuditByTarget", async () => {
        const input = parseStoreInput(ListAuditByTargetInputSchema, raw, "listAuditByTarget");
        checkCursor(input.cursor, "gsi2", "listAuditByTarget");
        const { lower, upper } = idRange(input);
        const query = inRange(audit.query.byTarget({ target: input.target }), lower, upper);
        return readPage(query, { ...input, order: direction(input.order) }, toAuditEntry);
      }),

    listAuditByRun: (raw) =>
      guard("listAuditByRun", async () => {
        const input = parseStoreInput(ListAuditByRunInputSchema, raw, "listAuditByRun");
        checkCursor(input.cursor, "gsi3", "listAuditByRun");
        const { lower, upper } = idRange(input);
        const query = inRange(audit.query.byRun({ runId: input.runId }), lower, upper);
        return readPage(query, { ...input, order: direction(input.order) }, toAuditEntry);
      }),
  };
}
