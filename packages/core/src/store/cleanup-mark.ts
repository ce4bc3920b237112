import { z } from "zod";
import {
  ActorSchema,
  KeyPartSchema,
  PageRequestSchema,
  type StorePage,
  TextSchema,
  TimestampSchema,
} from "./schema.ts";

/** marked → notified → deleted, or spared (opt-out tag, back in use) at any point before deletion. */
export const CleanupMarkStatusSchema = z.enum(["marked", "notified", "spared", "deleted"]);
export type CleanupMarkStatus = z.output<typeof CleanupMarkStatusSchema>;

/** The moves a cleanup mark may make; `spared` and `deleted` are final. */
export const cleanupMarkTransitions: Readonly<Record<CleanupMarkStatus, readonly CleanupMarkStatus[]>> = {
  marked: ["notified", "spared", "deleted"],
  notified: ["spared", "deleted"],
  spared: [],
  deleted: [],
};

/** A stale resource marked for deletion after a grace period. */
export const CleanupMarkSchema = z.object({
  /** The resource's ARN or id. */
  resource: KeyPartSchema,
  resourceType: z.string().min(1).max(256),
  policy: KeyPartSchema,
  owner: ActorSchema.optional(),
  reason: TextSchema,
  status: CleanupMarkStatusSchema,
  markedAt: TimestampSchema,
  /** End of the grace period: not deleted before. */
  deleteAfter: TimestampSchema,
  updatedAt: TimestampSchema,
  runId: KeyPartSchema.optional(),
  /** The snapshot taken before deletion, when the resource kind has one. */
  snapshotId: z.string().min(1).max(2048).optional(),
});
export type CleanupMark = z.output<typeof CleanupMarkSchema>;

/** Input of {@link CleanupMarkStore.markForCleanup}. */
export const MarkForCleanupInputSchema = CleanupMarkSchema.pick({
  resource: true,
  resourceType: true,
  policy: true,
  owner: true,
  reason: true,
  deleteAfter: true,
  runId: true,
});
export type MarkForCleanupInput = z.input<typeof MarkForCleanupInputSchema>;

/** Input of {@link CleanupMarkStore.updateCleanupMark}. */
export const UpdateCleanupMarkInputSchema = z
  .object({
    resource: KeyPartSchema,
    status: CleanupMarkStatusSchema,
    reason: TextSchema.optional(),
    snapshotId: z.string().min(1).max(2048).optional(),
  })
  .refine((input) => input.status !== "marked", {
    path: ["status"],
    message: "a mark cannot go back to marked",
  });
export type UpdateCleanupMarkInput = z.input<typeof UpdateCleanupMarkInputSchema>;

/** Input of {@link CleanupMarkStore.listCleanupMarks}: marks in `status`, earliest `deleteAfter` first. */
export const ListCleanupMarksInputSchema = z.object({
  status: CleanupMarkStatusSchema,
  /** Only marks whose grace period ends before this instant (the ones due). */
  dueBefore: TimestampSchema.optional(),
  ...PageRequestSchema.shape,
});
export type ListCleanupMarksInput = z.input<typeof ListCleanupMarksInputSchema>;

export type MarkForCleanupResult =
  | { marked: true; mark: CleanupMark }
  | { marked: false; existing: CleanupMark };

export type UpdateCleanupMarkResult =
  | { updated: true; mark: CleanupMark }
  | { updated: false; current?: CleanupMark };

/**
 * Cleanup marks. A resource carries one open mark at a time; a spared resource may be marked again.
 *
 * @example
 * await store.markForCleanup({ resource: volumeArn, resourceType: "AWS::EC2::Volume", policy, reason, deleteAfter });
 * const due = await store.listCleanupMarks({ status: "notified", dueBefore: new Date() });
 */
export interface CleanupMarkStore {
  markForCleanup(input: MarkForCleanupInput): Promise<MarkForCleanupResult>;
  getCleanupMark(resource: string): Promise<CleanupMark | undefined>;
  /** Conditional on the current status allowing the move ({@link cleanupMarkTransitions}). */
  updateCleanupMark(input: UpdateCleanupMarkInput): Promise<UpdateCleanupMarkResult>;
  listCleanupMarks(input: ListCleanupMarksInput): Promise<StorePage<CleanupMark>>;
}
