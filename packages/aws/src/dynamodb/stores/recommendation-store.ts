import {
  assertItemFits,
  KeyPartSchema,
  ListRecommendationsByStatusInputSchema,
  ListRecommendationsByTargetInputSchema,
  parseStoreInput,
  type Recommendation,
  type RecommendationStore,
  SaveRecommendationInputSchema,
  SetRecommendationStatusInputSchema,
  StoreError,
} from "@architech/core";
import { attempt, checkCursor, compact, guard, putItem, readPage, type StoreContext } from "../context.ts";
import type { RecommendationItem } from "../entities/recommendation.ts";

function toRecommendation(item: RecommendationItem): Recommendation {
  return compact(item) as Recommendation;
}

/** {@link RecommendationStore} on the recommendation entity. */
export function createRecommendationStore(context: StoreContext): RecommendationStore {
  const { recommendation } = context.entities;

  const read = async (id: string): Promise<Recommendation | undefined> => {
    const { data } = await recommendation.get({ id }).go({ consistent: true });
    return data ? toRecommendation(data) : undefined;
  };

  return {
    saveRecommendation: (raw) =>
      guard("saveRecommendation", async () => {
        const input = parseStoreInput(SaveRecommendationInputSchema, raw, "saveRecommendation");
        const now = context.now().toISOString();
        const request = recommendation.create({
          ...compact(input),
          status: "open",
          createdAt: now,
          updatedAt: now,
        });
        assertItemFits("saveRecommendation", putItem(request.params()));
        const written = await attempt(() => request.go());
        if (written.ok) return { saved: true, recommendation: toRecommendation(written.value.data) };
        const existing = await read(input.id);
        if (!existing)
          throw new StoreError("ConditionFailed", "saveRecommendation: exists but cannot be read");
        return { saved: false, existing };
      }),

    getRecommendation: (id) =>
      guard("getRecommendation", () => read(parseStoreInput(KeyPartSchema, id, "getRecommendation"))),

    setRecommendationStatus: (raw) =>
      guard("setRecommendationStatus", async () => {
        const input = parseStoreInput(SetRecommendationStatusInputSchema, raw, "setRecommendationStatus");
        const written = await attempt(() =>
          recommendation
            .patch({ id: input.id })
            .set({ status: input.status, updatedAt: context.now().toISOString() })
            .where((attribute, op) => op.eq(attribute.status, "open"))
            .go({ response: "all_new" }),
        );
        if (written.ok) {
          return {
            updated: true,
            recommendation: toRecommendation(written.value.data as RecommendationItem),
          };
        }
        const current = await read(input.id);
        return current ? { updated: false, current } : { updated: false };
      }),

    listRecommendationsByTarget: (raw) =>
      guard("listRecommendationsByTarget", async () => {
        const input = parseStoreInput(
          ListRecommendationsByTargetInputSchema,
          raw,
          "listRecommendationsByTarget",
        );
        checkCursor(input.cursor, "gsi1", "listRecommendationsByTarget");
        return readPage(
          recommendation.query.byTarget({ target: input.target }),
          { ...input, order: "desc" },
          toRecommendation,
        );
      }),

    listRecommendationsByStatus: (raw) =>
      guard("listRecommendationsByStatus", async () => {
        const input = parseStoreInput(
          ListRecommendationsByStatusInputSchema,
          raw,
          "listRecommendationsByStatus",
        );
        checkCursor(input.cursor, "gsi2", "listRecommendationsByStatus");
        return readPage(
          recommendation.query.byStatus({ status: input.status }),
          { ...input, order: "desc" },
          toRecommendation,
        );
      }),
  };
}
