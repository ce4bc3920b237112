import { z } from "zod";
import { durationSchema } from "../time/duration.ts";
import { DEPLOYMENT_REGION } from "./iam.ts";
import type { RunbookDefinition } from "./types.ts";
import { RESTORED_TABLE_PREFIX } from "./verify-backup-steps.ts";

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
        "backup:DescribeRestoreJob",
      ],
      resources: ["*"],
      why: "find the latest recovery point and follow its restore job (read-only)",
    },
    {
      actions: ["backup:StartRestoreJob"],
      resources: [
        "arn:aws:backup:*:*:recovery-point:*",
        "arn:aws:ec2:*::snapshot/*",
        "arn:aws:dynamodb:*:*:table/*/backup/*",
      ],
      why:
        "restore a recovery point: AWS Backup's own, or an EBS snapshot or DynamoDB backup it manages " +
        "(the service's own ARN); AWS Backup creates the copy with the restore role",
    },
    {
      actions: ["backup:PutRestoreValidationResult"],
      resources: ["*"],
      why: "report the verdict on a restore-testing job (no resource-level permissions: this region only)",
      condition: { StringEquals: { "aws:RequestedRegion": DEPLOYMENT_REGION } },
    },
    {
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::*:role/*"],
      why: "AWS Backup restores with the restore role, passed to AWS Backup only",
      condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
    },
    {
      actions: [
        "dynamodb:DescribeTable",
        "dynamodb:ListTagsOfResource",
        "dynamodb:Scan",
        "dynamodb:DeleteTable",
      ],
      resources: [`arn:aws:dynamodb:*:*:table/${RESTORED_TABLE_PREFIX}*`],
      why: "validate the restored copy and always delete it (restored copies only)",
    },
    {
      actions: ["dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"],
      resources: ["arn:aws:dynamodb:*:*:table/*"],
      why: "compare the restored copy with its source",
    },
    {
      actions: ["ec2:DescribeVolumes"],
      resources: ["*"],
      why: "validate a restored EBS volume against its source (the Describe API takes no resource)",
    },
    {
      actions: ["ec2:DeleteVolume"],
      resources: ["arn:aws:ec2:*:*:volume/*"],
      why:
        "always delete the restored EBS volume; only volumes created from a snapshot, as restores are " +
        "(restored volumes carry no tag of their own)",
      condition: { ArnLike: { "ec2:ParentSnapshot": "arn:aws:ec2:*::snapshot/*" } },
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
