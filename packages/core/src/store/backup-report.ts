import { z } from "zod";
import {
  JsonValueSchema,
  KeyPartSchema,
  PageRequestSchema,
  type StorePage,
  TextSchema,
  TimeRangeSchema,
  TimestampSchema,
} from "./schema.ts";

/** One validation of a restored copy (status, item or object count, a sample read...). */
export const BackupCheckSchema = z.object({
  name: z.string().min(1).max(256),
  passed: z.boolean(),
  expected: JsonValueSchema.optional(),
  observed: JsonValueSchema.optional(),
  detail: z.string().max(4096).optional(),
});
export type BackupCheck = z.output<typeof BackupCheckSchema>;

/** The result of restoring a recovery point into an isolated target and validating it. */
export const BackupReportSchema = z.object({
  id: KeyPartSchema,
  /** The protected resource's ARN. */
  resource: KeyPartSchema,
  recoveryPointArn: z.string().min(1).max(2048),
  runId: KeyPartSchema.optional(),
  passed: z.boolean(),
  /** Age of the recovery point when the check started, and the time the restore took. */
  rpoSeconds: z.number().int().min(0),
  rtoSeconds: z.number().int().min(0),
  rpoTargetSeconds: z.number().int().min(1),
  rtoTargetSeconds: z.number().int().min(1),
  checks: z.array(BackupCheckSchema).max(1000),
  restoredResource: z.string().min(1).max(2048).optional(),
  /** The restored copy is always deleted; false means the deletion failed and needs attention. */
  restoredCopyDeleted: z.boolean(),
  failureReason: TextSchema.optional(),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  createdAt: TimestampSchema,
});
export type BackupReport = z.output<typeof BackupReportSchema>;

/** Input of {@link BackupReportStore.saveBackupReport}. */
export const SaveBackupReportInputSchema = BackupReportSchema.omit({ createdAt: true });
export type SaveBackupReportInput = z.input<typeof SaveBackupReportInputSchema>;

/** Input of {@link BackupReportStore.listBackupReports}: newest first, of one resource or of all. */
export const ListBackupReportsInputSchema = z.object({
  resource: KeyPartSchema.optional(),
  ...TimeRangeSchema.shape,
  ...PageRequestSchema.shape,
});
export type ListBackupReportsInput = z.input<typeof ListBackupReportsInputSchema>;

export type SaveBackupReportResult =
  | { saved: true; report: BackupReport }
  | { saved: false; existing: BackupReport };

/**
 * Backup verification reports: written once, never changed.
 *
 * @example
 * const { items } = await store.listBackupReports({ resource: tableArn, limit: 1 });
 */
export interface BackupReportStore {
  saveBackupReport(input: SaveBackupReportInput): Promise<SaveBackupReportResult>;
  getBackupReport(id: string): Promise<BackupReport | undefined>;
  listBackupReports(input: ListBackupReportsInput): Promise<StorePage<BackupReport>>;
}
