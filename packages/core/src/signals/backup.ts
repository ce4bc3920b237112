import { z } from "zod";
import { arnResourceName } from "./arn.ts";
import { eventBridgeEventSchema } from "./eventbridge.ts";
import type { BackupJobSignal, Delivery, RestoreJobSignal } from "./signal.ts";
import { AwsTimestampSchema, isoTimestamp, secondsBetween } from "./time.ts";

/** `BackupJob.State` of the AWS Backup API. */
export const BackupJobStateSchema = z.enum([
  "CREATED",
  "PENDING",
  "RUNNING",
  "ABORTING",
  "ABORTED",
  "COMPLETED",
  "FAILED",
  "EXPIRED",
  "PARTIAL",
]);

/** `RestoreJobStatus` of the AWS Backup API, plus CREATED, which restore events report first. */
export const RestoreJobStateSchema = z.enum([
  "CREATED",
  "PENDING",
  "RUNNING",
  "COMPLETED",
  "ABORTED",
  "FAILED",
]);

// Sizes arrive as decimal strings ("36048") in events and as numbers in the API; percentages likewise.
const NumericSchema = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, "expected a decimal number")]);

function toNumber(value: number | string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/**
 * EventBridge `Backup Job State Change`. Backup jobs report `state`; a COMPLETED job with a
 * `statusMessage` is what the console calls "Completed with issues". The recovery point of a
 * completed job is the event's resource.
 */
export const BackupJobStateChangeEventSchema = eventBridgeEventSchema(
  "aws.backup",
  "Backup Job State Change",
  z.object({
    backupJobId: z.string().min(1),
    state: BackupJobStateSchema,
    statusMessage: z.string().optional(),
    resourceArn: z.string().optional(),
    resourceType: z.string().optional(),
    recoveryPointArn: z.string().optional(),
    backupVaultArn: z.string().optional(),
    backupVaultName: z.string().optional(),
    backupSizeInBytes: NumericSchema.optional(),
    bytesTransferred: NumericSchema.optional(),
    iamRoleArn: z.string().optional(),
    creationDate: AwsTimestampSchema.optional(),
    completionDate: AwsTimestampSchema.optional(),
    startBy: AwsTimestampSchema.optional(),
    percentDone: NumericSchema.optional(),
    retryCount: z.number().optional(),
  }),
);
export type BackupJobStateChangeEvent = z.infer<typeof BackupJobStateChangeEventSchema>;

/**
 * EventBridge `Restore Job State Change`. Restore events report `status`, except the CREATED event,
 * which (as AWS publishes it) reports `state`: either is accepted, one is required.
 */
export const RestoreJobStateChangeEventSchema = eventBridgeEventSchema(
  "aws.backup",
  "Restore Job State Change",
  z
    .object({
      restoreJobId: z.string().min(1),
      status: RestoreJobStateSchema.optional(),
      state: RestoreJobStateSchema.optional(),
      statusMessage: z.string().optional(),
      recoveryPointArn: z.string().optional(),
      sourceResourceArn: z.string().optional(),
      createdResourceArn: z.string().optional(),
      resourceType: z.string().optional(),
      backupVaultArn: z.string().optional(),
      restoreTestingPlanArn: z.string().optional(),
      backupSizeInBytes: NumericSchema.optional(),
      iamRoleArn: z.string().optional(),
      creationDate: AwsTimestampSchema.optional(),
      completionDate: AwsTimestampSchema.optional(),
      percentDone: NumericSchema.optional(),
      isParent: z.boolean().optional(),
    })
    .refine((detail) => detail.status !== undefined || detail.state !== undefined, {
      message: "a restore job event reports its status (or, when CREATED, its state)",
      path: ["status"],
    }),
);
export type RestoreJobStateChangeEvent = z.infer<typeof RestoreJobStateChangeEventSchema>;

function eventFields(
  event: BackupJobStateChangeEvent | RestoreJobStateChangeEvent,
  kind: "backup-job-state-change" | "restore-job-state-change",
  delivery: Delivery,
) {
  return {
    id: event.id,
    time: isoTimestamp(event.time),
    account: event.account,
    region: event.region,
    resources: event.resources ?? [],
    source: { service: "aws.backup", kind, envelopes: delivery.envelopes },
    raw: delivery.raw,
  };
}

function recoveryPointIn(resources: string[] | undefined): string | null {
  return resources?.find((arn) => arnResourceName(arn, "recovery-point:") !== null) ?? null;
}

function optionalIso(value: string | undefined): string | null {
  return value === undefined ? null : isoTimestamp(value);
}

export function backupJobSignalFromEvent(
  event: BackupJobStateChangeEvent,
  delivery: Delivery,
): BackupJobSignal {
  const detail = event.detail;
  return {
    type: "backup-job",
    ...eventFields(event, "backup-job-state-change", delivery),
    backupJobId: detail.backupJobId,
    state: detail.state,
    statusMessage: detail.statusMessage ?? null,
    completedWithIssues: detail.state === "COMPLETED" && (detail.statusMessage ?? "") !== "",
    resourceArn: detail.resourceArn ?? null,
    resourceType: detail.resourceType ?? null,
    recoveryPointArn: detail.recoveryPointArn ?? recoveryPointIn(event.resources),
    backupVaultName: detail.backupVaultName ?? arnResourceName(detail.backupVaultArn, "backup-vault:"),
    backupVaultArn: detail.backupVaultArn ?? null,
    startBy: optionalIso(detail.startBy),
    createdAt: optionalIso(detail.creationDate),
    completedAt: optionalIso(detail.completionDate),
    durationSeconds: secondsBetween(detail.creationDate, detail.completionDate),
    percentDone: toNumber(detail.percentDone),
    backupSizeBytes: toNumber(detail.backupSizeInBytes),
  };
}

export function restoreJobSignalFromEvent(
  event: RestoreJobStateChangeEvent,
  delivery: Delivery,
): RestoreJobSignal {
  const detail = event.detail;
  return {
    type: "restore-job",
    ...eventFields(event, "restore-job-state-change", delivery),
    restoreJobId: detail.restoreJobId,
    // The schema requires one of the two.
    state: detail.status ?? detail.state ?? "CREATED",
    statusMessage: detail.statusMessage ?? null,
    sourceResourceArn: detail.sourceResourceArn ?? null,
    createdResourceArn: detail.createdResourceArn ?? null,
    resourceType: detail.resourceType ?? null,
    recoveryPointArn: detail.recoveryPointArn ?? recoveryPointIn(event.resources),
    backupVaultName: arnResourceName(detail.backupVaultArn, "backup-vault:"),
    backupVaultArn: detail.backupVaultArn ?? null,
    restoreTestingPlanArn: detail.restoreTestingPlanArn ?? null,
    createdAt: optionalIso(detail.creationDate),
    completedAt: optionalIso(detail.completionDate),
    durationSeconds: secondsBetween(detail.creationDate, detail.completionDate),
    percentDone: toNumber(detail.percentDone),
    backupSizeBytes: toNumber(detail.backupSizeInBytes),
  };
}
