import { z } from "zod";
import { durationSchema } from "../time/duration.ts";
import type { RunbookDefinition } from "./types.ts";

export const VerifyBackupParamsSchema = z.strictObject({
  /** Recovery point objective: the newest recovery point must be at most this old. */
  rpo: durationSchema({ min: "5m", max: "30d" }).prefault("1h"),
  /** Recovery time objective: the restore must complete within this. */
  rto: durationSchema({ min: "5m", max: "2d" }).prefault("4h"),
  /** How many items or objects to read back from the restored copy. */
  sampleReads: z.number().int().min(0).max(1000).default(10),
  /** The IAM role AWS Backup restores with (the backup plan's role, or one made for restore tests). */
  restoreRoleArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
      "an IAM role ARN such as arn:aws:iam::123456789012:role/backup-restore",
    )
    .optional(),
  /** The restored copy may hold at most this share fewer items than the source (0.01 = 1 %). */
  maxItemCountDrift: z.number().min(0).max(1).default(0.01),
});

export const verifyBackup: RunbookDefinition<typeof VerifyBackupParamsSchema> = {
  name: "verify-backup",
  description:
    "Restores the latest recovery point into an isolated copy, validates it (status, counts, sample reads), " +
    "measures RPO and RTO against their targets, always deletes the copy, and reports.",
  params: VerifyBackupParamsSchema,
  targetTypes: ["backup-resource"],
  permissions: [
    {
      actions: [
        "backup:ListRecoveryPointsByResource",
        "backup:DescribeRecoveryPoint",
        "backup:GetRecoveryPointRestoreMetadata",
        "backup:StartRestoreJob",
        "backup:DescribeRestoreJob",
      ],
      resources: ["*"],
      why: "find the latest recovery point and restore it",
    },
    {
      actions: ["iam:PassRole"],
      resources: ["*"],
      why: "AWS Backup restores with the restore role",
      condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
    },
    {
      actions: ["dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:DeleteTable"],
      resources: ["arn:aws:dynamodb:*:*:table/architech-restore-*"],
      why: "validate the restored copy and always delete it (restored copies only)",
    },
    {
      actions: ["dynamodb:DescribeTable"],
      resources: ["arn:aws:dynamodb:*:*:table/*"],
      why: "compare the restored copy with its source",
    },
  ],
  example: {
    name: "verify-orders-table-backup",
    description: "Each morning, prove the orders table's latest backup restores within RPO 1 h / RTO 4 h.",
    trigger: { schedule: { expression: "cron(30 5 * * ? *)", timezone: "Europe/London" } },
    runbook: "verify-backup",
    params: {
      rpo: "1h",
      rto: "4h",
      sampleReads: 20,
      restoreRoleArn: "arn:aws:iam::123456789012:role/backup-restore",
    },
    target: { type: "backup-resource", resourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders" },
    mode: "auto",
    notify: { slack: "#data-platform" },
  },
};
