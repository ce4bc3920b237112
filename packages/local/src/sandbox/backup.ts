import {
  type BackupPort,
  PortRequestError,
  type RecoveryPoint,
  ResourceNotFoundError,
  type RestoreJob,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import {
  hexId,
  nextId,
  type RecoveryPointRecord,
  type RestoreTarget,
  restoreJobIdFrom,
  restoreJobStatusAt,
  settleRestoreJobs,
} from "./resources.ts";
import { iso } from "./timeline.ts";

const RESTORABLE = new Set(["COMPLETED", "AVAILABLE"]);
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function recoveryPointTarget(arn: string): string {
  return `recovery-point:${arn}`;
}

export function restoreJobTarget(id: string): string {
  return `restore-job:${id}`;
}

function toRecoveryPoint(p: RecoveryPointRecord): RecoveryPoint {
  return {
    recoveryPointArn: p.arn,
    resourceArn: p.resourceArn,
    resourceType: p.resourceType,
    backupVaultName: p.vault,
    createdAt: iso(p.createdAt),
    ...(p.completedAt === undefined ? {} : { completedAt: iso(p.completedAt) }),
    status: p.status,
    iamRoleArn: p.iamRoleArn,
  };
}

/** `arn:aws:dynamodb:…:table/orders` → `orders`. */
function tableNameOf(resourceArn: string): string {
  return resourceArn.slice(resourceArn.indexOf(":table/") + ":table/".length).split("/")[0] ?? resourceArn;
}

function snapshotIdOf(recoveryPointArn: string): string | undefined {
  return /::snapshot\/(snap-[0-9a-f]+)$/.exec(recoveryPointArn)?.[1];
}

export interface SandboxBackupOptions {
  /** How long a restore takes when its recovery point does not say (milliseconds). */
  restoreDurationMs: number;
}

/**
 * AWS Backup over the sandbox's recovery points. A restore job is PENDING for its first minute (a
 * quarter of its duration if shorter), RUNNING until its duration is over, then COMPLETED with the
 * restored table or volume in place, or FAILED.
 */
export function createSandboxBackup(ctx: SandboxContext, options: SandboxBackupOptions): BackupPort {
  const { estate } = ctx;
  const { resources } = estate;
  const settle = () => settleRestoreJobs(resources, estate.region, estate.account, ctx.now());
  const findPoint = (arn: string) => {
    const point = resources.recoveryPoints.find((p) => p.arn === arn);
    if (point === undefined) throw new ResourceNotFoundError(`recovery point ${arn}`);
    return point;
  };

  return {
    async listRecoveryPoints(resourceArn) {
      ctx.read({
        operation: "backup.listRecoveryPoints",
        target: `backup-resource:${resourceArn}`,
        resource: `recovery points of ${resourceArn}`,
      });
      return resources.recoveryPoints
        .filter((p) => p.resourceArn === resourceArn)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(toRecoveryPoint);
    },

    async listAllRecoveryPointArns() {
      ctx.read({ operation: "backup.listAllRecoveryPointArns", target: "backup", resource: "backup vaults" });
      return resources.recoveryPoints.map((p) => p.arn);
    },

    async getRestoreMetadata(recoveryPoint): Promise<Record<string, string>> {
      const arn = recoveryPoint.recoveryPointArn;
      ctx.read({
        operation: "backup.getRestoreMetadata",
        target: recoveryPointTarget(arn),
        resource: `recovery point ${arn}`,
      });
      const point = findPoint(arn);
      if (point.resourceType === "DynamoDB") {
        // No targetTableName: the caller names the copy (without one it becomes <source>-restored-<job id>).
        return { originalTableName: tableNameOf(point.resourceArn), encryptionType: "Default" };
      }
      if (point.resourceType === "EBS") {
        const snapshot = resources.snapshots.get(snapshotIdOf(arn) ?? "");
        return {
          volumeType: "gp3",
          volumeSize: String(snapshot?.sizeGiB ?? 8),
          encrypted: "false",
          availabilityZone: `${estate.region}a`,
        };
      }
      return {};
    },

    async startRestoreJob({ recoveryPoint, metadata, iamRoleArn }) {
      const arn = recoveryPoint.recoveryPointArn;
      return ctx.mutate(
        {
          operation: "backup.startRestoreJob",
          target: recoveryPointTarget(arn),
          resource: `recovery point ${arn}`,
        },
        (entry) => {
          entry.before = { metadata: { ...metadata }, iamRoleArn };
          const point = findPoint(arn);
          if (!ROLE_ARN.test(iamRoleArn)) {
            throw new PortRequestError(
              `InvalidParameterValueException: "${iamRoleArn}" is not an IAM role ARN`,
            );
          }
          if (!RESTORABLE.has(point.status)) {
            throw new PortRequestError(
              `InvalidRequestException: recovery point ${arn} is ${point.status} and cannot be restored`,
            );
          }
          const now = ctx.now();
          const restoreJobId = nextId(resources, "restore-job", restoreJobIdFrom, (id) =>
            resources.restoreJobs.has(id),
          );
          let target: RestoreTarget;
          if (point.resourceType === "DynamoDB") {
            const source = tableNameOf(point.resourceArn);
            const tableName = metadata.targetTableName ?? `${source}-restored-${restoreJobId}`;
            if (!TABLE_NAME.test(tableName)) {
              throw new PortRequestError(
                `InvalidParameterValueException: targetTableName "${tableName}" is not a DynamoDB table name`,
              );
            }
            const items = point.itemCount ?? resources.tables.get(source)?.itemCount ?? 0;
            // A damaged backup restores, but about half of it is missing.
            target = {
              kind: "table",
              tableName,
              sourceTable: source,
              itemCount: point.corrupt ? Math.floor(items / 2) : items,
            };
          } else if (point.resourceType === "EBS") {
            const snapshotId = snapshotIdOf(arn);
            const snapshot = resources.snapshots.get(snapshotId ?? "");
            const size = Number(
              metadata.volumeSize ?? snapshot?.sizeGiB ?? Math.ceil((point.sizeMiB ?? 8192) / 1024),
            );
            const volumeId = nextId(
              resources,
              "vol",
              (key) => `vol-${hexId(key)}`,
              (id) => resources.volumes.has(id),
            );
            target = {
              kind: "volume",
              volumeId,
              sizeGiB: size,
              ...(snapshotId === undefined ? {} : { snapshotId }),
            };
          } else {
            throw new PortRequestError(
              `InvalidRequestException: the sandbox restores DynamoDB tables and EBS volumes, not ${point.resourceType}`,
            );
          }
          const duration = point.restoreDurationMs ?? options.restoreDurationMs;
          resources.restoreJobs.set(restoreJobId, {
            id: restoreJobId,
            recoveryPointArn: arn,
            resourceType: point.resourceType,
            iamRoleArn,
            createdAt: now,
            runningAt: now + Math.min(60_000, duration / 4),
            finishesAt: now + duration,
            target,
            failure: point.restoreFails
              ? `Restore failed: the data of recovery point ${arn} could not be read`
              : undefined,
          });
          entry.after = {
            restoreJobId,
            ...(target.kind === "table"
              ? { targetTableName: target.tableName }
              : { volumeId: target.volumeId }),
            finishesAt: iso(now + duration),
          };
          return { restoreJobId };
        },
      );
    },

    async describeRestoreJob(restoreJobId) {
      ctx.read({
        operation: "backup.describeRestoreJob",
        target: restoreJobTarget(restoreJobId),
        resource: `restore job ${restoreJobId}`,
      });
      settle();
      const job = resources.restoreJobs.get(restoreJobId);
      if (job === undefined) throw new ResourceNotFoundError(`restore job ${restoreJobId}`);
      const status = restoreJobStatusAt(job, ctx.now());
      const outcome = status === "COMPLETED" || status === "FAILED" ? job.outcome : undefined;
      const description: RestoreJob = { restoreJobId, status, createdAt: iso(job.createdAt) };
      if (outcome?.status === "COMPLETED") description.createdResourceArn = outcome.createdResourceArn;
      if (outcome?.status === "FAILED") description.statusMessage = outcome.message;
      if (outcome !== undefined) description.completedAt = iso(job.finishesAt);
      return description;
    },

    async putRestoreValidationResult(restoreJobId, status, message) {
      ctx.mutate(
        {
          operation: "backup.putRestoreValidationResult",
          target: restoreJobTarget(restoreJobId),
          resource: `restore job ${restoreJobId}`,
        },
        (entry) => {
          settle();
          const job = resources.restoreJobs.get(restoreJobId);
          if (job === undefined) throw new ResourceNotFoundError(`restore job ${restoreJobId}`);
          const jobStatus = restoreJobStatusAt(job, ctx.now());
          entry.before = { status: jobStatus };
          if (jobStatus !== "COMPLETED" && jobStatus !== "FAILED") {
            throw new PortRequestError(
              `InvalidRequestException: restore job ${restoreJobId} is ${jobStatus}; a validation result can be put once it has finished`,
            );
          }
          job.validation = { status, message, at: ctx.now() };
          entry.after = { validationStatus: status, validationStatusMessage: message };
        },
      );
    },
  };
}
