import { z } from "zod";
import {
  ActorSchema,
  JsonObjectSchema,
  KeyPartSchema,
  PageRequestSchema,
  SortOrderSchema,
  type StorePage,
  TextSchema,
  TimeRangeSchema,
  TimestampSchema,
} from "./schema.ts";

/** What an audit entry records: a decision (including every suppression), an action, an approval... */
export const AuditKindSchema = z.enum(["decision", "action", "approval", "switch", "run", "access"]);
export type AuditKind = z.output<typeof AuditKindSchema>;

/** One entry of the append-only audit log. `id` sorts in time order (see `createSortableId`). */
export const AuditEntrySchema = z.object({
  id: z.string().length(26),
  at: TimestampSchema,
  kind: AuditKindSchema,
  /** What happened, e.g. `suppressed`, `started`, `rolled-back`, `approved`. */
  action: z.string().trim().min(1).max(128),
  actor: ActorSchema,
  reason: TextSchema,
  policy: KeyPartSchema.optional(),
  target: KeyPartSchema.optional(),
  runId: KeyPartSchema.optional(),
  details: JsonObjectSchema.optional(),
});
export type AuditEntry = z.output<typeof AuditEntrySchema>;

/** Input of {@link AuditLog.appendAudit}: the store stamps `id` and `at` from its clock. */
export const AppendAuditInputSchema = AuditEntrySchema.omit({ id: true, at: true });
export type AppendAuditInput = z.input<typeof AppendAuditInputSchema>;

const AuditListingShape = {
  ...TimeRangeSchema.shape,
  ...PageRequestSchema.shape,
  order: SortOrderSchema.default("newest-first"),
};

/** Input of {@link AuditLog.listAudit}: every entry, newest first unless `order` says otherwise. */
export const ListAuditInputSchema = z.object(AuditListingShape);
export type ListAuditInput = z.input<typeof ListAuditInputSchema>;

/** Input of {@link AuditLog.listAuditByTarget}. */
export const ListAuditByTargetInputSchema = z.object({ target: KeyPartSchema, ...AuditListingShape });
export type ListAuditByTargetInput = z.input<typeof ListAuditByTargetInputSchema>;

/** Input of {@link AuditLog.listAuditByRun}. */
export const ListAuditByRunInputSchema = z.object({ runId: KeyPartSchema, ...AuditListingShape });
export type ListAuditByRunInput = z.input<typeof ListAuditByRunInputSchema>;

/**
 * The audit log: append-only (entries are created, never updated or deleted) and time-ordered.
 * Listings are newest first by default, `order: "oldest-first"` reverses them; `since` is inclusive,
 * `before` exclusive; pass a page's `cursor` back (with the same listing and order) for the next page.
 *
 * @example
 * await store.appendAudit({ kind: "decision", action: "suppressed", actor: "router", reason: "cooldown until 12:30", policy, target });
 * const page = await store.listAuditByTarget({ target, limit: 20 });
 * const next = page.cursor ? await store.listAuditByTarget({ target, limit: 20, cursor: page.cursor }) : undefined;
 */
export interface AuditLog {
  appendAudit(input: AppendAuditInput): Promise<AuditEntry>;
  listAudit(input?: ListAuditInput): Promise<StorePage<AuditEntry>>;
  listAuditByTarget(input: ListAuditByTargetInput): Promise<StorePage<AuditEntry>>;
  listAuditByRun(input: ListAuditByRunInput): Promise<StorePage<AuditEntry>>;
}
