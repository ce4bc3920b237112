import {
  PortRequestError,
  type RecoveryPoint,
  ResourceNotFoundError,
  TransientPortError,
} from "@architech/core";
import {
  BackupClient,
  BackupServiceException,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  StartRestoreJobCommand,
} from "@aws-sdk/client-backup";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsBackupAdapter } from "./backup-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new BackupClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const backup = mockClient(client);
afterEach(() => backup.reset());

const adapter = new AwsBackupAdapter({ client });

const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
const VOLUME_ARN = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0a1";
const POINT = "arn:aws:backup:eu-west-1:123456789012:recovery-point:";
const ROLE = "arn:aws:iam::123456789012:role/architech-restore";

function sdkError(name: string, message: string, httpStatusCode = 400) {
  return new BackupServiceException({ name, $fault: "client", $metadata: { httpStatusCode }, message });
}

const recoveryPoint: RecoveryPoint = {
  recoveryPointArn: `${POINT}a1`,
  resourceArn: TABLE_ARN,
  resourceType: "DynamoDB",
  backupVaultName: "prod-vault",
  createdAt: "2026-03-02T09:00:00.000Z",
  status: "COMPLETED",
};

describe("AwsBackupAdapter.listRecoveryPoints", () => {
  it("follows every page and answers newest first, typed from the resource ARN", async () => {
    backup
      .on(ListRecoveryPointsByResourceCommand, { NextToken: undefined })
      .resolves({
        RecoveryPoints: [
          {
            RecoveryPointArn: `${POINT}old`,
            BackupVaultName: "prod-vault",
            CreationDate: new Date("2026-03-01T09:00:00.000Z"),
            Status: "COMPLETED",
          },
        ],
        NextToken: "p2",
      })
      .on(ListRecoveryPointsByResourceCommand, { NextToken: "p2" })
      .resolves({
        RecoveryPoints: [
          {
            RecoveryPointArn: `${POINT}a1`,
            BackupVaultName: "prod-vault",
            CreationDate: new Date("2026-03-02T09:00:00.000Z"),
            Status: "COMPLETED",
          },
        ],
      });

    const points = await adapter.listRecoveryPoints(TABLE_ARN);

    expect(points).toEqual([
      recoveryPoint,
      { ...recoveryPoint, recoveryPointArn: `${POINT}old`, createdAt: "2026-03-01T09:00:00.000Z" },
    ]);
    expect(
      backup.commandCalls(ListRecoveryPointsByResourceCommand).map((call) => call.args[0].input),
    ).toEqual([
      { ResourceArn: TABLE_ARN, NextToken: undefined },
      { ResourceArn: TABLE_ARN, NextToken: "p2" },
    ]);
  });

  it.each([
    [VOLUME_ARN, "EBS"],
    ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0b2", "EC2"],
    ["arn:aws:s3:::invoices", "S3"],
    ["arn:aws:rds:eu-west-1:123456789012:db:orders-db", "RDS"],
    ["arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora", "Aurora"],
    ["arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1", "EFS"],
  ])("types a recovery point of %s as %s", async (resourceArn, resourceType) => {
    backup.on(ListRecoveryPointsByResourceCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: `${POINT}x`,
          BackupVaultName: "v",
          CreationDate: new Date(0),
          Status: "COMPLETED",
        },
      ],
    });

    const [point] = await adapter.listRecoveryPoints(resourceArn);

    expect(point?.resourceType).toBe(resourceType);
  });

  it("surfaces throttling as a TransientPortError", async () => {
    backup.on(ListRecoveryPointsByResourceCommand).rejects(sdkError("ThrottlingException", "Rate exceeded"));

    await expect(adapter.listRecoveryPoints(TABLE_ARN)).rejects.toBeInstanceOf(TransientPortError);
  });
});

describe("AwsBackupAdapter.listAllRecoveryPointArns", () => {
  it("lists every recovery point of every vault, over every page", async () => {
    backup
      .on(ListBackupVaultsCommand, { NextToken: undefined })
      .resolves({ BackupVaultList: [{ BackupVaultName: "prod-vault" }], NextToken: "v2" })
      .on(ListBackupVaultsCommand, { NextToken: "v2" })
      .resolves({ BackupVaultList: [{ BackupVaultName: "Default" }] })
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: "prod-vault", NextToken: undefined })
      .resolves({ RecoveryPoints: [{ RecoveryPointArn: `${POINT}a1` }], NextToken: "r2" })
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: "prod-vault", NextToken: "r2" })
      .resolves({ RecoveryPoints: [{ RecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-0c3" }] })
      .on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: "Default" })
      .resolves({ RecoveryPoints: [{ RecoveryPointArn: `${POINT}d1` }] });

    const arns = await adapter.listAllRecoveryPointArns();

    expect(arns).toEqual([`${POINT}a1`, "arn:aws:ec2:eu-west-1::snapshot/snap-0c3", `${POINT}d1`]);
    expect(backup.commandCalls(ListBackupVaultsCommand).map((call) => call.args[0].input)).toEqual([
      { NextToken: undefined },
      { NextToken: "v2" },
    ]);
    expect(
      backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((call) => call.args[0].input),
    ).toEqual([
      { BackupVaultName: "prod-vault", NextToken: undefined },
      { BackupVaultName: "prod-vault", NextToken: "r2" },
      { BackupVaultName: "Default", NextToken: undefined },
    ]);
  });
});

describe("AwsBackupAdapter restores", () => {
  it("reads the restore metadata of the recovery point in its vault", async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RecoveryPointArn: `${POINT}a1`,
      RestoreMetadata: { targetTableName: "orders", encryptionType: "Default" },
    });

    await expect(adapter.getRestoreMetadata(recoveryPoint)).resolves.toEqual({
      targetTableName: "orders",
      encryptionType: "Default",
    });
    expect(
      backup.commandCalls(GetRecoveryPointRestoreMetadataCommand).map((call) => call.args[0].input),
    ).toEqual([{ BackupVaultName: "prod-vault", RecoveryPointArn: `${POINT}a1` }]);
  });

  it("starts a restore job with the metadata, role and resource type", async () => {
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: "restore-1" });

    const started = await adapter.startRestoreJob({
      recoveryPoint,
      metadata: { targetTableName: "orders-restore-check" },
      iamRoleArn: ROLE,
    });

    expect(started).toEqual({ restoreJobId: "restore-1" });
    expect(backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input)).toEqual([
      {
        RecoveryPointArn: `${POINT}a1`,
        Metadata: { targetTableName: "orders-restore-check" },
        IamRoleArn: ROLE,
        ResourceType: "DynamoDB",
      },
    ]);
  });

  it("describes a restore job", async () => {
    backup.on(DescribeRestoreJobCommand).resolves({
      RestoreJobId: "restore-1",
      Status: "COMPLETED",
      StatusMessage: "",
      CreatedResourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restore-check",
      CreationDate: new Date("2026-03-02T10:00:00.000Z"),
      CompletionDate: new Date("2026-03-02T10:12:00.000Z"),
    });

    await expect(adapter.describeRestoreJob("restore-1")).resolves.toEqual({
      restoreJobId: "restore-1",
      status: "COMPLETED",
      createdResourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restore-check",
      createdAt: "2026-03-02T10:00:00.000Z",
      completedAt: "2026-03-02T10:12:00.000Z",
    });
    expect(backup.commandCalls(DescribeRestoreJobCommand).map((call) => call.args[0].input)).toEqual([
      { RestoreJobId: "restore-1" },
    ]);
  });

  it("keeps the message of a failed restore job", async () => {
    backup.on(DescribeRestoreJobCommand).resolves({
      RestoreJobId: "restore-2",
      Status: "FAILED",
      StatusMessage: "Access denied to KMS key",
      CreationDate: new Date("2026-03-02T10:00:00.000Z"),
    });

    await expect(adapter.describeRestoreJob("restore-2")).resolves.toEqual({
      restoreJobId: "restore-2",
      status: "FAILED",
      statusMessage: "Access denied to KMS key",
      createdAt: "2026-03-02T10:00:00.000Z",
    });
  });

  it("reports a missing restore job as ResourceNotFoundError", async () => {
    backup.on(DescribeRestoreJobCommand).rejects(sdkError("ResourceNotFoundException", "no such job"));

    const error = await adapter.describeRestoreJob("restore-9").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("restore job restore-9");
  });

  it("puts the validation result of a restore job", async () => {
    backup.on(PutRestoreValidationResultCommand).resolves({});

    await adapter.putRestoreValidationResult("restore-1", "SUCCESSFUL", "1204 items, 20 sampled reads");

    expect(backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input)).toEqual([
      {
        RestoreJobId: "restore-1",
        ValidationStatus: "SUCCESSFUL",
        ValidationStatusMessage: "1204 items, 20 sampled reads",
      },
    ]);
  });

  it("reports a refused restore as PortRequestError", async () => {
    backup.on(StartRestoreJobCommand).rejects(sdkError("InvalidParameterValueException", "bad metadata"));

    await expect(
      adapter.startRestoreJob({ recoveryPoint, metadata: {}, iamRoleArn: ROLE }),
    ).rejects.toBeInstanceOf(PortRequestError);
  });
});
