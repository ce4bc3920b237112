import {
  assertItemFits,
  type BackupReport,
  type BackupReportStore,
  KeyPartSchema,
  ListBackupReportsInputSchema,
  parseStoreInput,
  SaveBackupReportInputSchema,
  StoreError,
} from "@architech/core";
import {
  attempt,
  checkCursor,
  compact,
  guard,
  inRange,
  putItem,
  readPage,
  type StoreContext,
} from "../context.ts";
import type { BackupReportItem } from "../entities/backup-report.ts";

function toBackupReport(item: BackupReportItem): BackupReport {
  return compact(item) as BackupReport;
}

/** {@link BackupReportStore} on the backup-report entity (create only). */
export function createBackupReportStore(context: StoreContext): BackupReportStore {
  const { backupReport } = context.entities;

  const read = async (id: string): Promise<BackupReport | undefined> => {
    const { data } = await backupReport.get({ id }).go({ consistent: true });
    return data ? toBackupReport(data) : undefined;
  };

  return {
    saveBackupReport: (raw) =>
      guard("saveBackupReport", async () => {
        const input = parseStoreInput(SaveBackupReportInputSchema, raw, "saveBackupReport");
        const request = backupReport.create({ ...compact(input), createdAt: context.now().toISOString() });
        assertItemFits("saveBackupReport", putItem(request.params()));
        const written = await attempt(() => request.go());
        if (written.ok) return { saved: true, report: toBackupReport(written.value.data) };
        const existing = await read(input.id);
        if (!existing) throw new StoreError("ConditionFailed", "saveBackupReport: exists but cannot be read");
        return { saved: false, existing };
      }),

    getBackupReport: (id) =>
      guard("getBackupReport", () => read(parseStoreInput(KeyPartSchema, id, "getBackupReport"))),

    listBackupReports: (raw) =>
      guard("listBackupReports", async () => {
        const input = parseStoreInput(ListBackupReportsInputSchema, raw, "listBackupReports");
        const since = input.since === undefined ? undefined : { createdAt: input.since };
        const before = input.before === undefined ? undefined : { createdAt: input.before };
        if (input.resource === undefined) {
          checkCursor(input.cursor, "gsi2", "listBackupReports");
          const query = inRange(backupReport.query.byTime({}), since, before);
          return readPage(query, { ...input, order: "desc" }, toBackupReport);
        }
        checkCursor(input.cursor, "gsi1", "listBackupReports");
        const query = inRange(backupReport.query.byResource({ resource: input.resource }), since, before);
        return readPage(query, { ...input, order: "desc" }, toBackupReport);
      }),
  };
}
