import { z } from "zod";
import { durationSchema } from "../time/duration.ts";
import { CLEANUP_AFTER_TAG, KEEP_TAG, SAFETY_SNAPSHOT_TAG } from "./cleanup-steps.ts";
import type { RunbookDefinition } from "./types.ts";

export const CLEANUP_RESOURCE_KINDS = [
  "ecr-image",
  "ebs-volume",
  "ebs-snapshot",
  "elastic-ip",
  "log-group-retention",
  "expired",
] as const;

export const CleanupParamsSchema = z.strictObject({
  /** Which kinds of stale resource to look for. */
  kinds: z
    .array(z.enum(CLEANUP_RESOURCE_KINDS))
    .min(1)
    .default([...CLEANUP_RESOURCE_KINDS]),
  /** A resource younger than this (or, for volumes, detached for less than this) is never stale. */
  olderThan: durationSchema({ min: "1d", max: "520w" }).prefault("30d"),
  /** ECR: the newest images per repository that are always kept. */
  keepNewestImages: z.number().int().min(1).max(1000).default(10),
  /** Time between marking a resource (and telling its owner) and deleting it. */
  gracePeriod: durationSchema({ min: "1d", max: "90d" }).prefault("7d"),
  /** Deleting is off unless the policy turns it on: without it the run marks and notifies only. */
  allowDelete: z.boolean().default(false),
  /** Resources created by a CloudFormation stack are protected unless this is set. */
  allowCloudFormationManaged: z.boolean().default(false),
  /** Log groups without retention get this retention set (they are never deleted). */
  logRetentionDays: z
    .union(
      [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
        3653,
      ].map((d) => z.literal(d)),
    )
    .default(30),
});

export const cleanup: RunbookDefinition<typeof CleanupParamsSchema> = {
  name: "cleanup",
  description:
    "Finds stale resources, marks them and tells their owners, waits a grace period, re-checks, snapshots " +
    "volumes, then deletes — only where the policy allows deleting; opt-out with the architech:keep tag.",
  params: CleanupParamsSchema,
  targetTypes: ["account"],
  permissions: [
    {
      actions: [
        "ecr:DescribeRepositories",
        "ecr:DescribeImages",
        "ecr:ListImages",
        "ecr:ListTagsForResource",
      ],
      resources: ["arn:aws:ecr:*:*:repository/*"],
      why: "find untagged or old images and read each repository's owner and opt-out tags",
    },
    {
      actions: ["ecr:BatchDeleteImage"],
      resources: ["arn:aws:ecr:*:*:repository/*"],
      why: `delete images found stale and re-checked, never in a repository tagged ${KEEP_TAG}`,
      condition: { Null: { [`aws:ResourceTag/${KEEP_TAG}`]: "true" } },
    },
    {
      actions: ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition"],
      resources: ["*"],
      why: "never delete an image that a running service's task definition uses (read-only)",
    },
    {
      actions: [
        "ec2:DescribeVolumes",
        "ec2:DescribeSnapshots",
        "ec2:DescribeImages",
        "ec2:DescribeAddresses",
      ],
      resources: ["*"],
      why: "find unattached volumes, unused snapshots and idle addresses (the Describe APIs take no resource)",
    },
    {
      actions: ["ec2:CreateTags"],
      resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*::snapshot/*", "arn:aws:ec2:*:*:elastic-ip/*"],
      why:
        `mark stale resources with ${CLEANUP_AFTER_TAG} and tag the snapshot taken before a volume is ` +
        "deleted: architech: tag keys only",
      condition: {
        "ForAllValues:StringLike": { "aws:TagKeys": "architech:*" },
        Null: { "aws:TagKeys": "false" },
      },
    },
    {
      actions: ["ec2:CreateSnapshot"],
      resources: ["arn:aws:ec2:*:*:volume/*"],
      why: `snapshot a volume before deleting it: only a volume marked ${CLEANUP_AFTER_TAG}, never one tagged ${KEEP_TAG}`,
      condition: {
        StringLike: { [`aws:ResourceTag/${CLEANUP_AFTER_TAG}`]: "*" },
        Null: { [`aws:ResourceTag/${KEEP_TAG}`]: "true" },
      },
    },
    {
      actions: ["ec2:CreateSnapshot"],
      resources: ["arn:aws:ec2:*::snapshot/*"],
      why: `the snapshot a deletion leaves behind carries ${SAFETY_SNAPSHOT_TAG}, which keeps cleanup away from it`,
      condition: {
        StringLike: { [`aws:RequestTag/${SAFETY_SNAPSHOT_TAG}`]: "vol-*" },
        "ForAllValues:StringLike": { "aws:TagKeys": "architech:*" },
      },
    },
    {
      actions: ["ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:ReleaseAddress"],
      resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*::snapshot/*", "arn:aws:ec2:*:*:elastic-ip/*"],
      why: `delete what was marked ${CLEANUP_AFTER_TAG}, re-checked and is past its grace period, never what is tagged ${KEEP_TAG}`,
      condition: {
        StringLike: { [`aws:ResourceTag/${CLEANUP_AFTER_TAG}`]: "*" },
        Null: { [`aws:ResourceTag/${KEEP_TAG}`]: "true" },
      },
    },
    {
      actions: [
        "backup:ListBackupVaults",
        "backup:ListRecoveryPointsByBackupVault",
        "backup:ListRecoveryPointsByResource",
      ],
      resources: ["*"],
      why: "never delete a snapshot that an AWS Backup recovery point uses (read-only)",
    },
    {
      actions: ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:PutRetentionPolicy"],
      resources: ["arn:aws:logs:*:*:log-group:*"],
      why: "find log groups without retention, read their opt-out tags and set a retention on them",
    },
    {
      actions: ["tag:GetResources"],
      resources: ["*"],
      why: "find resources whose architech:expires-at tag is in the past (read-only)",
    },
  ],
  example: {
    name: "cleanup-nonprod-daily",
    description: "Every night, mark stale resources in the non-production account and tell their owners.",
    trigger: { schedule: { expression: "cron(0 2 * * ? *)", timezone: "UTC" } },
    runbook: "cleanup",
    params: { kinds: ["ecr-image", "ebs-volume", "elastic-ip", "log-group-retention"], olderThan: "14d" },
    target: { type: "account", region: "eu-west-1" },
    mode: "auto",
    guardrails: { blastRadius: { maxCount: 25, maxPercent: 20 } },
    notify: { slack: "#platform" },
  },
};
