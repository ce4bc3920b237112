import { z } from "zod";
import {
  JsonObjectSchema,
  JsonValueSchema,
  KeyPartSchema,
  PageRequestSchema,
  type StorePage,
  TimestampSchema,
} from "./schema.ts";

export const RecommendationStatusSchema = z.enum(["open", "applied", "dismissed"]);
export type RecommendationStatus = z.output<typeof RecommendationStatusSchema>;

/** A sizing recommendation for a target, with the evidence behind it. */
export const RecommendationSchema = z.object({
  id: KeyPartSchema,
  target: KeyPartSchema,
  policy: KeyPartSchema,
  runbook: KeyPartSchema,
  /** The size now (e.g. `{ cpu: 1024, memory: 2048 }`) and the size recommended. */
  current: JsonValueSchema,
  recommended: JsonValueSchema,
  /** Positive when the recommendation saves money, negative when it costs more (an upsize). */
  estimatedMonthlySavings: z.number().finite(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
  /** Utilisation statistics and data coverage the recommendation rests on. */
  basis: JsonObjectSchema.optional(),
  status: RecommendationStatusSchema,
  runId: KeyPartSchema.optional(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Recommendation = z.output<typeof RecommendationSchema>;

/** Input of {@link RecommendationStore.saveRecommendation}: a new recommendation is `open`. */
export const SaveRecommendationInputSchema = RecommendationSchema.pick({
  id: true,
  target: true,
  policy: true,
  runbook: true,
  current: true,
  recommended: true,
  estimatedMonthlySavings: true,
  basis: true,
  runId: true,
}).extend({ currency: RecommendationSchema.shape.currency.default("USD") });
export type SaveRecommendationInput = z.input<typeof SaveRecommendationInputSchema>;

/** Input of {@link RecommendationStore.setRecommendationStatus}: only an open recommendation moves. */
export const SetRecommendationStatusInputSchema = z.object({
  id: KeyPartSchema,
  status: z.enum(["applied", "dismissed"]),
});
export type SetRecommendationStatusInput = z.input<typeof SetRecommendationStatusInputSchema>;

/** Input of {@link RecommendationStore.listRecommendationsByTarget} (newest first). */
export const ListRecommendationsByTargetInputSchema = z.object({
  target: KeyPartSchema,
  ...PageRequestSchema.shape,
});
export type ListRecommendationsByTargetInput = z.input<typeof ListRecommendationsByTargetInputSchema>;

/** Input of {@link RecommendationStore.listRecommendationsByStatus} (newest first). */
export const ListRecommendationsByStatusInputSchema = z.object({
  status: RecommendationStatusSchema,
  ...PageRequestSchema.shape,
});
export type ListRecommendationsByStatusInput = z.input<typeof ListRecommendationsByStatusInputSchema>;

export type SaveRecommendationResult =
  | { saved: true; recommendation: Recommendation }
  | { saved: false; existing: Recommendation };

export type SetRecommendationStatusResult =
  | { updated: true; recommendation: Recommendation }
  | { updated: false; current?: Recommendation };

/**
 * Rightsizing recommendations.
 *
 * @example
 * await store.saveRecommendation({ id, target, policy, runbook: "rightsize", current, recommended, estimatedMonthlySavings: 42.5 });
 * const open = await store.listRecommendationsByStatus({ status: "open" });
 */
export interface RecommendationStore {
  saveRecommendation(input: SaveRecommendationInput): Promise<SaveRecommendationResult>;
  getRecommendation(id: string): Promise<Recommendation | undefined>;
  setRecommendationStatus(input: SetRecommendationStatusInput): Promise<SetRecommendationStatusResult>;
  listRecommendationsByTarget(input: ListRecommendationsByTargetInput): Promise<StorePage<Recommendation>>;
  listRecommendationsByStatus(input: ListRecommendationsByStatusInput): Promise<StorePage<Recommendation>>;
}
