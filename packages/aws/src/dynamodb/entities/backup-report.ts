import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * Backup verification reports, written once: by id; by protected resource (gsi1) and all together
 * (gsi2), newest first.
 *
 * @example
 * const BackupReport = createBackupReportEntity({ table, client });
 */
export const backupReportModel = {
  model: { entity: "backupReport", version: "1", service: "architech" },
  attributes: {
    id: { type: "string", required: true, readOnly: true },
    resource: { type: "string", required: true, readOnly: true },
    recoveryPointArn: { type: "string", required: true, readOnly: true },
    runId: { type: "string", readOnly: true },
    passed: { type: "boolean", required: true, readOnly: true },
    rpoSeconds: { type: "number", required: true, readOnly: true },
    rtoSeconds: { type: "number", required: true, readOnly: true },
    rpoTargetSeconds: { type: "number", required: true, readOnly: true },
    rtoTargetSeconds: { type: "number", required: true, readOnly: true },
    checks: { type: "any", required: true, readOnly: true },
    restoredResource: { type: "string", readOnly: true },
    restoredCopyDeleted: { type: "boolean", required: true, readOnly: true },
    failureReason: { type: "string", readOnly: true },
    startedAt: { type: "string", required: true, readOnly: true },
    finishedAt: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["id"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byResource: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["resource"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["createdAt", "id"], casing: "none" },
    },
    byTime: {
      index: "gsi2",
      pk: { field: "gsi2pk", composite: [], casing: "none" },
      sk: { field: "gsi2sk", composite: ["createdAt", "id"], casing: "none" },
    },
  },
} as const;

export function createBackupReportEntity(config: EntityConfiguration) {
  return new Entity(backupReportModel, config);
}
export type BackupReportEntity = ReturnType<typeof createBackupReportEntity>;
export type BackupReportItem = EntityItem<BackupReportEntity>;
