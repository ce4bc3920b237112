import {
  assertItemFits,
  type CleanupMark,
  type CleanupMarkStatus,
  type CleanupMarkStore,
  cleanupMarkTransitions,
  KeyPartSchema,
  ListCleanupMarksInputSchema,
  MarkForCleanupInputSchema,
  parseStoreInput,
  StoreError,
  UpdateCleanupMarkInputSchema,
} from "@architech/core";
import { attempt, checkCursor, compact, guard, putItem, readPage, type StoreContext } from "../context.ts";
import type { CleanupMarkItem } from "../entities/cleanup-mark.ts";

function toCleanupMark(item: CleanupMarkItem): CleanupMark {
  return compact(item) as CleanupMark;
}

const statuses = Object.keys(cleanupMarkTransitions) as CleanupMarkStatus[];

/** {@link CleanupMarkStore} on the cleanup-mark entity. */
export function createCleanupMarkStore(context: StoreContext): CleanupMarkStore {
  const { cleanupMark } = context.entities;

  const read = async (resource: string): Promise<CleanupMark | undefined> => {
    const { data } = await cleanupMark.get({ resource }).go({ consistent: true });
    return data ? toCleanupMark(data) : undefined;
  };

  return {
    markForCleanup: (raw) =>
      guard("markForCleanup", async () => {
        const input = parseStoreInput(MarkForCleanupInputSchema, raw, "markForCleanup");
        const now = context.now().toISOString();
        const item = { ...compact(input), status: "marked" as const, markedAt: now, updatedAt: now };
        // A spared resource may be marked again; an open or deleted one may not.
        const request = cleanupMark
          .put(item)
          .where(
            (attribute, op) => `(${op.notExists(attribute.status)} OR ${op.eq(attribute.status, "spared")})`,
          );
        assertItemFits("markForCleanup", putItem(request.params()));
        const written = await attempt(() => request.go());
        if (written.ok) return { marked: true, mark: toCleanupMark(item) };
        const existing = await read(input.resource);
        if (!existing) throw new StoreError("ConditionFailed", "markForCleanup: mark is contended");
        return { marked: false, existing };
      }),

    getCleanupMark: (resource) =>
      guard("getCleanupMark", () => read(parseStoreInput(KeyPartSchema, resource, "getCleanupMark"))),

    updateCleanupMark: (raw) =>
      guard("updateCleanupMark", async () => {
        const input = parseStoreInput(UpdateCleanupMarkInputSchema, raw, "updateCleanupMark");
        const from = statuses.filter((status) => cleanupMarkTransitions[status].includes(input.status));
        const changes = compact({
          status: input.status,
          updatedAt: context.now().toISOString(),
          reason: input.reason,
          snapshotId: input.snapshotId,
        });
        const written = await attempt(() =>
          cleanupMark
            .patch({ resource: input.resource })
            .set(changes)
            .where(
              (attribute, op) => `(${from.map((status) => op.eq(attribute.status, status)).join(" OR ")})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { updated: true, mark: toCleanupMark(written.value.data as CleanupMarkItem) };
        const current = await read(input.resource);
        return current ? { updated: false, current } : { updated: false };
      }),

    listCleanupMarks: (raw) =>
      guard("listCleanupMarks", async () => {
        const input = parseStoreInput(ListCleanupMarksInputSchema, raw, "listCleanupMarks");
        checkCursor(input.cursor, "gsi1", "listCleanupMarks");
        const query = cleanupMark.query.byStatus({ status: input.status });
        return readPage(
          input.dueBefore === undefined ? query : query.lt({ deleteAfter: input.dueBefore }),
          { ...input, order: "asc" },
          toCleanupMark,
        );
      }),
  };
}
