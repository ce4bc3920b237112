import {
  type BackupPort,
  PortRequestError,
  type RecoveryPoint,
  type RestoreJob,
  type RestoreJobStatus,
} from "@architech/core";
import {
  type BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  type RecoveryPointByResource,
  StartRestoreJobCommand,
} from "@aws-sdk/client-backup";
import { toPortError } from "../errors.ts";

export interface AwsBackupAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: BackupClient;
}

const RECOVERY_POINT_STATUSES = new Set<string>([
  "COMPLETED",
  "PARTIAL",
  "DELETING",
  "EXPIRED",
  "AVAILABLE",
  "STOPPED",
  "CREATING",
]);

const RESTORE_JOB_STATUSES = new Set<string>(["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"]);

/**
 * AWS Backup's resource type from the service (and resource kind) in the protected resource's ARN:
 * ListRecoveryPointsByResource does not report it. An RDS cluster is taken for Aurora (DocumentDB and
 * Neptune clusters share the ARN format).
 */
const RESOURCE_TYPES: Record<string, string> = {
  dynamodb: "DynamoDB",
  "ec2:volume": "EBS",
  "ec2:instance": "EC2",
  elasticfilesystem: "EFS",
  fsx: "FSx",
  "rds:db": "RDS",
  "rds:cluster": "Aurora",
  redshift: "Redshift",
  s3: "S3",
  storagegateway: "Storage Gateway",
  timestream: "Timestream",
};

/**
 * {@link BackupPort} on the AWS Backup API. Errors are port errors: a missing recovery point, vault or
 * restore job is a `ResourceNotFoundError`, throttling a `TransientPortError`.
 *
 * @example
 * const backup = new AwsBackupAdapter({ client: new BackupClient({ maxAttempts: 5 }) });
 * const [latest] = await backup.listRecoveryPoints("arn:aws:dynamodb:eu-west-1:123456789012:table/orders");
 */
export class AwsBackupAdapter implements BackupPort {
  readonly #client: BackupClient;

  constructor(options: AwsBackupAdapterOptions) {
    this.#client = options.client;
  }

  async listRecoveryPoints(resourceArn: string): Promise<RecoveryPoint[]> {
    const points: RecoveryPoint[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#send("ListRecoveryPointsByResource", `recovery points of ${resourceArn}`, () =>
        this.#client.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, NextToken })),
      );
      for (const point of page.RecoveryPoints ?? []) points.push(toRecoveryPoint(point, resourceArn));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    // ISO-8601 timestamps of one format sort as text.
    return points.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  async listAllRecoveryPointArns(): Promise<string[]> {
    const vaults: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#send("ListBackupVaults", "backup vaults", () =>
        this.#client.send(new ListBackupVaultsCommand({ NextToken })),
      );
      for (const vault of page.BackupVaultList ?? []) {
        if (vault.BackupVaultName !== undefined) vaults.push(vault.BackupVaultName);
      }
      NextToken = page.NextToken;
    } while (NextToken !== undefined);

    const arns: string[] = [];
    for (const BackupVaultName of vaults) {
      let pointsToken: string | undefined;
      do {
        const page = await this.#send("ListRecoveryPointsByBackupVault", vaultResource(BackupVaultName), () =>
          this.#client.send(
            new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName, NextToken: pointsToken }),
          ),
        );
        for (const point of page.RecoveryPoints ?? []) {
          if (point.RecoveryPointArn !== undefined) arns.push(point.RecoveryPointArn);
        }
        pointsToken = page.NextToken;
      } while (pointsToken !== undefined);
    }
    return arns;
  }

  async getRestoreMetadata(recoveryPoint: RecoveryPoint): Promise<Record<string, string>> {
    const output = await this.#send(
      "GetRecoveryPointRestoreMetadata",
      recoveryPointResource(recoveryPoint.recoveryPointArn),
      () =>
        this.#client.send(
          new GetRecoveryPointRestoreMetadataCommand({
            BackupVaultName: recoveryPoint.backupVaultName,
            RecoveryPointArn: recoveryPoint.recoveryPointArn,
          }),
        ),
    );
    return { ...output.RestoreMetadata };
  }

  async startRestoreJob(input: {
    recoveryPoint: RecoveryPoint;
    metadata: Record<string, string>;
    iamRoleArn: string;
  }): Promise<{ restoreJobId: string }> {
    const resource = recoveryPointResource(input.recoveryPoint.recoveryPointArn);
    const output = await this.#send("StartRestoreJob", resource, () =>
      this.#client.send(
        new StartRestoreJobCommand({
          RecoveryPointArn: input.recoveryPoint.recoveryPointArn,
          Metadata: input.metadata,
          IamRoleArn: input.iamRoleArn,
          ResourceType: input.recoveryPoint.resourceType,
        }),
      ),
    );
    return { restoreJobId: required(output.RestoreJobId, `the restore job id for ${resource}`) };
  }

  async describeRestoreJob(restoreJobId: string): Promise<RestoreJob> {
    const resource = restoreJobResource(restoreJobId);
    const output = await this.#send("DescribeRestoreJob", resource, () =>
      this.#client.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId })),
    );
    const status = required(output.Status, `the status of ${resource}`);
    if (!isRestoreJobStatus(status))
      throw new PortRequestError(`${resource} has an unknown status ${status}`);
    const job: RestoreJob = {
      restoreJobId: output.RestoreJobId ?? restoreJobId,
      status,
      createdAt: required(output.CreationDate, `the creation time of ${resource}`).toISOString(),
    };
    if (output.StatusMessage !== undefined && output.StatusMessage !== "")
      job.statusMessage = output.StatusMessage;
    if (output.CreatedResourceArn !== undefined) job.createdResourceArn = output.CreatedResourceArn;
    if (output.CompletionDate !== undefined) job.completedAt = output.CompletionDate.toISOString();
    return job;
  }

  async putRestoreValidationResult(
    restoreJobId: string,
    status: "SUCCESSFUL" | "FAILED" | "TIMED_OUT" | "VALIDATING",
    message: string,
  ): Promise<void> {
    await this.#send("PutRestoreValidationResult", restoreJobResource(restoreJobId), () =>
      this.#client.send(
        new PutRestoreValidationResultCommand({
          RestoreJobId: restoreJobId,
          ValidationStatus: status,
          ValidationStatusMessage: message,
        }),
      ),
    );
  }

  async #send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, resource, { action });
    }
  }
}

function vaultResource(backupVaultName: string): string {
  return `backup vault ${backupVaultName}`;
}

function recoveryPointResource(recoveryPointArn: string): string {
  return `recovery point ${recoveryPointArn}`;
}

function restoreJobResource(restoreJobId: string): string {
  return `restore job ${restoreJobId}`;
}

function toRecoveryPoint(point: RecoveryPointByResource, resourceArn: string): RecoveryPoint {
  const recoveryPointArn = required(point.RecoveryPointArn, `the ARN of a recovery point of ${resourceArn}`);
  const status = required(point.Status, `the status of recovery point ${recoveryPointArn}`);
  if (!isRecoveryPointStatus(status)) {
    throw new PortRequestError(`recovery point ${recoveryPointArn} has an unknown status ${status}`);
  }
  return {
    recoveryPointArn,
    resourceArn,
    resourceType: resourceTypeOf(resourceArn),
    backupVaultName: required(point.BackupVaultName, `the vault of recovery point ${recoveryPointArn}`),
    createdAt: required(
      point.CreationDate,
      `the creation time of recovery point ${recoveryPointArn}`,
    ).toISOString(),
    status,
  };
}

/**
 * AWS Backup's resource type for a protected resource's ARN: `arn:aws:dynamodb:…:table/orders` →
 * `DynamoDB`, `arn:aws:ec2:…:volume/vol-…` → `EBS`. An unknown service is passed on as the ARN names it.
 */
function resourceTypeOf(resourceArn: string): string {
  const [, , service = "", , , resource = ""] = resourceArn.split(":");
  const kind = resource.split(/[/:]/)[0] ?? "";
  return RESOURCE_TYPES[`${service}:${kind}`] ?? RESOURCE_TYPES[service] ?? service;
}

function isRecoveryPointStatus(status: string): status is RecoveryPoint["status"] {
  return RECOVERY_POINT_STATUSES.has(status);
}

function isRestoreJobStatus(status: string): status is RestoreJobStatus {
  return RESTORE_JOB_STATUSES.has(status);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`AWS Backup answered without ${what}`);
  return value;
}
