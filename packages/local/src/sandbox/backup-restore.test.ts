import { fileURLToPath } from "node:url";
import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxFile, parseSandboxSeed } from "./load-seed.ts";
import { MINUTE, manualClock } from "./test-clock.ts";

const DEFAULT_ESTATE = fileURLToPath(new URL("../../../../sandbox/default.yaml", import.meta.url));
const NOW = "2026-03-02T10:00:00.000Z";
const ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table";
const ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole";

async function setup(options: { restoreDuration?: number } = {}) {
  const clock = manualClock(NOW);
  const sandbox = createSandboxAccount({ seed: await loadSandboxFile(DEFAULT_ESTATE), clock, ...options });
  return { clock, sandbox, ...sandbox.ports };
}

async function latest(backup: Awaited<ReturnType<typeof setup>>["backup"], table: string) {
  const [point] = await backup.listRecoveryPoints(`${ARN}/${table}`);
  if (point === undefined) throw new Error(`no recovery point of ${table}`);
  return point;
}

describe("AWS Backup recovery points", () => {
  it("lists a protected table's recovery points newest first: hourly for a day, the latest 40 minutes old", async () => {
    // Prepare
    const { backup } = await setup();

    // Act
    const points = await backup.listRecoveryPoints(`${ARN}/orders`);
    const none = await backup.listRecoveryPoints(`${ARN}/unprotected`);

    // Assess
    expect(points).toHaveLength(24);
    expect(points[0]).toEqual({
      recoveryPointArn: "arn:aws:backup:eu-west-1:123456789012:recovery-point:orders-h00",
      resourceArn: `${ARN}/orders`,
      resourceType: "DynamoDB",
      backupVaultName: "prod-vault",
      createdAt: "2026-03-02T09:20:00.000Z",
      completedAt: "2026-03-02T09:24:00.000Z",
      status: "COMPLETED",
      iamRoleArn: ROLE,
    });
    expect(points[1]?.createdAt).toBe("2026-03-02T08:20:00.000Z");
    expect(none).toEqual([]);
  });

  it("counts an EBS snapshot among every vault's recovery points", async () => {
    // Prepare
    const { backup } = await setup();

    // Act
    const arns = await backup.listAllRecoveryPointArns();

    // Assess
    expect(arns).toContain("arn:aws:ec2:eu-west-1::snapshot/snap-0bac0000000000001");
    expect(arns).toHaveLength(24 + 3 + 2 + 1);
  });
});

describe("restore jobs", () => {
  it("go PENDING → RUNNING → COMPLETED on the clock and create the table with the source's items", async () => {
    // Prepare
    const { backup, dynamodb, clock, sandbox } = await setup();
    const point = await latest(backup, "orders");
    const metadata = await backup.getRestoreMetadata(point);

    // Act
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: { ...metadata, targetTableName: "architech-restore-run-1" },
      iamRoleArn: ROLE,
    });
    const pending = await backup.describeRestoreJob(restoreJobId);
    clock.advance(MINUTE);
    const running = await backup.describeRestoreJob(restoreJobId);
    const notYet = await dynamodb.describeTable("architech-restore-run-1");
    clock.advance(19 * MINUTE);
    const completed = await backup.describeRestoreJob(restoreJobId);
    const restored = await dynamodb.describeTable("architech-restore-run-1");
    const source = await dynamodb.describeTable("orders");
    const restoredItems = await dynamodb.sampleItems("architech-restore-run-1", 5);
    const sourceItems = await dynamodb.sampleItems("orders", 5);

    // Assess
    expect(metadata).not.toHaveProperty("targetTableName");
    expect(pending).toEqual({ restoreJobId, status: "PENDING", createdAt: NOW });
    expect(running.status).toBe("RUNNING");
    expect(notYet).toBeUndefined();
    expect(completed).toEqual({
      restoreJobId,
      status: "COMPLETED",
      createdAt: NOW,
      completedAt: "2026-03-02T10:20:00.000Z",
      createdResourceArn: `${ARN}/architech-restore-run-1`,
    });
    expect(restored).toMatchObject({ status: "ACTIVE", itemCount: 1200, tags: {} });
    expect(source?.itemCount).toBe(1200);
    expect(restoredItems).toHaveLength(5);
    expect(restoredItems).toEqual(sourceItems);
    expect(sandbox.actions[0]).toMatchObject({
      operation: "backup.startRestoreJob",
      target: "recovery-point:arn:aws:backup:eu-west-1:123456789012:recovery-point:orders-h00",
      after: { restoreJobId, targetTableName: "architech-restore-run-1" },
    });
  });

  it("names the copy <source>-restored-<job id> when the metadata names none, and takes its duration from the options", async () => {
    // Prepare
    const { backup, dynamodb, clock } = await setup({ restoreDuration: 5 * MINUTE });
    const point = await latest(backup, "orders");

    // Act
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: {},
      iamRoleArn: ROLE,
    });
    clock.advance(5 * MINUTE);
    const job = await backup.describeRestoreJob(restoreJobId);

    // Assess
    expect(job.status).toBe("COMPLETED");
    expect(job.createdResourceArn).toBe(`${ARN}/orders-restored-${restoreJobId}`);
    expect(await dynamodb.describeTable(`orders-restored-${restoreJobId}`)).toBeDefined();
  });

  it("restores a corrupt recovery point into a table with about half the items", async () => {
    // Prepare
    const { backup, dynamodb, clock } = await setup();
    const point = await latest(backup, "customers");

    // Act
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: { targetTableName: "architech-restore-customers" },
      iamRoleArn: ROLE,
    });
    clock.advance(20 * MINUTE);
    const job = await backup.describeRestoreJob(restoreJobId);
    const restored = await dynamodb.describeTable("architech-restore-customers");
    const source = await dynamodb.describeTable("customers");

    // Assess
    expect(job.status).toBe("COMPLETED");
    expect(source?.itemCount).toBe(800);
    expect(restored?.itemCount).toBe(400);
    expect(await dynamodb.sampleItems("architech-restore-customers", 1000)).toHaveLength(400);
  });

  it("ends FAILED with a status message when the recovery point cannot be restored, creating nothing", async () => {
    // Prepare
    const { backup, dynamodb, clock } = await setup();
    const point = await latest(backup, "invoices");

    // Act
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: { targetTableName: "architech-restore-invoices" },
      iamRoleArn: ROLE,
    });
    clock.advance(9 * MINUTE);
    const running = await backup.describeRestoreJob(restoreJobId);
    clock.advance(MINUTE);
    const failed = await backup.describeRestoreJob(restoreJobId);

    // Assess
    expect(running.status).toBe("RUNNING");
    expect(failed).toMatchObject({ status: "FAILED", completedAt: "2026-03-02T10:10:00.000Z" });
    expect(failed.statusMessage).toMatch(/could not be read/);
    expect(failed.createdResourceArn).toBeUndefined();
    expect(await dynamodb.describeTable("architech-restore-invoices")).toBeUndefined();
  });

  it("fails a restore into a table that exists, as AWS does", async () => {
    // Prepare
    const { backup, clock } = await setup();
    const point = await latest(backup, "orders");

    // Act
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: { targetTableName: "orders" },
      iamRoleArn: ROLE,
    });
    clock.advance(20 * MINUTE);

    // Assess
    expect(await backup.describeRestoreJob(restoreJobId)).toMatchObject({
      status: "FAILED",
      statusMessage: "Table already exists: orders",
    });
  });

  it("restores an EBS snapshot into a new available volume", async () => {
    // Prepare
    const { backup, ec2, clock } = await setup();
    const [point] = await backup.listRecoveryPoints(
      "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0c7d8e9f0a1b2c3d4",
    );
    if (point === undefined) throw new Error("no EBS recovery point");

    // Act
    const metadata = await backup.getRestoreMetadata(point);
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata,
      iamRoleArn: ROLE,
    });
    clock.advance(20 * MINUTE);
    const job = await backup.describeRestoreJob(restoreJobId);
    const volumeId = job.createdResourceArn?.split("/")[1] ?? "";

    // Assess
    expect(metadata).toMatchObject({ volumeSize: "500", volumeType: "gp3" });
    expect(job.createdResourceArn).toMatch(/^arn:aws:ec2:eu-west-1:123456789012:volume\/vol-[0-9a-f]{17}$/);
    expect(await ec2.describeVolume(volumeId)).toMatchObject({
      state: "available",
      sizeGiB: 500,
      snapshotId: "snap-0bac0000000000001",
    });
  });

  it("refuses a bad role, an unknown recovery point and an unknown job; records validation results once finished", async () => {
    // Prepare
    const { backup, clock, sandbox } = await setup();
    const point = await latest(backup, "orders");

    // Act
    const badRole = backup.startRestoreJob({
      recoveryPoint: point,
      metadata: {},
      iamRoleArn: "restore-role",
    });
    const unknownPoint = backup.startRestoreJob({
      recoveryPoint: { ...point, recoveryPointArn: `${point.recoveryPointArn}-nope` },
      metadata: {},
      iamRoleArn: ROLE,
    });
    const unknownJob = backup.describeRestoreJob("NO-SUCH-JOB");
    const { restoreJobId } = await backup.startRestoreJob({
      recoveryPoint: point,
      metadata: {},
      iamRoleArn: ROLE,
    });
    const early = backup.putRestoreValidationResult(restoreJobId, "SUCCESSFUL", "too soon");
    clock.advance(20 * MINUTE);
    await backup.putRestoreValidationResult(restoreJobId, "SUCCESSFUL", "1200 items, 10 sample reads match");

    // Assess
    await expect(badRole).rejects.toBeInstanceOf(PortRequestError);
    await expect(unknownPoint).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(unknownJob).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(early).rejects.toBeInstanceOf(PortRequestError);
    expect(sandbox.actions.at(-1)).toMatchObject({
      operation: "backup.putRestoreValidationResult",
      target: `restore-job:${restoreJobId}`,
      after: { validationStatus: "SUCCESSFUL", validationStatusMessage: "1200 items, 10 sample reads match" },
    });
    expect(sandbox.snapshot().resources.backup.restoreJobs[0]).toMatchObject({
      restoreJobId,
      status: "COMPLETED",
      validation: { status: "SUCCESSFUL" },
    });
  });

  it("fails as injected and logs the failed start", async () => {
    // Prepare
    const { backup, sandbox } = await setup();
    const point = await latest(backup, "orders");
    sandbox.injectFault({ operation: "backup.startRestoreJob", error: "throttle" });
    sandbox.injectFault({ operation: "backup.*", error: "access-denied" });

    // Act
    const throttled = backup.startRestoreJob({ recoveryPoint: point, metadata: {}, iamRoleArn: ROLE });
    const denied = backup.listRecoveryPoints(`${ARN}/orders`);

    // Assess
    await expect(throttled).rejects.toBeInstanceOf(TransientPortError);
    await expect(denied).rejects.toThrow(/backup:ListRecoveryPointsByResource/);
    expect(sandbox.actions).toHaveLength(1);
    expect(sandbox.actions[0]?.error).toMatch(/ThrottlingException/);
    expect(sandbox.snapshot().resources.backup.restoreJobs).toEqual([]);
  });
});

describe("DynamoDB tables", () => {
  it("describes, samples and deletes a table; a deleted or unknown table is undefined", async () => {
    // Prepare
    const { dynamodb, sandbox } = await setup();

    // Act
    const invoices = await dynamodb.describeTable("invoices");
    const sample = await dynamodb.sampleItems("invoices", 3);
    await dynamodb.deleteTable("invoices");
    const gone = await dynamodb.describeTable("invoices");
    const again = dynamodb.deleteTable("invoices");
    const scanGone = dynamodb.sampleItems("invoices", 3);

    // Assess
    expect(invoices).toEqual({
      tableName: "invoices",
      tableArn: `${ARN}/invoices`,
      status: "ACTIVE",
      itemCount: 300,
      sizeBytes: 300 * 512,
      tags: { owner: "team-payments", environment: "production" },
    });
    expect(sample.map((item) => item.pk)).toEqual([
      "invoices#0000001",
      "invoices#0000002",
      "invoices#0000003",
    ]);
    expect(gone).toBeUndefined();
    await expect(again).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(scanGone).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect(sandbox.actions.map((a) => [a.operation, a.target, a.error === undefined])).toEqual([
      ["dynamodb.deleteTable", "dynamodb-table:invoices", true],
      ["dynamodb.deleteTable", "dynamodb-table:invoices", false],
    ]);
  });

  it("refuses to delete a table protected against deletion, and fails as injected", async () => {
    // Prepare
    const { dynamodb, sandbox } = await setup();
    sandbox.injectFault({ operation: "dynamodb.describeTable", error: "timeout" });

    // Act
    const protectedTable = dynamodb.deleteTable("orders");
    const slow = dynamodb.describeTable("orders");

    // Assess
    await expect(protectedTable).rejects.toBeInstanceOf(PortRequestError);
    await expect(slow).rejects.toBeInstanceOf(TransientPortError);
    expect((await dynamodb.describeTable("orders"))?.itemCount).toBe(1200);
  });
});

describe("the seed's plain resources", () => {
  it("refuses an AMI of an unknown snapshot, an EBS recovery point that is no snapshot, and a volume in use nowhere", () => {
    // Act
    const parse = () =>
      parseSandboxSeed({
        ec2: {
          volumes: [{ id: "vol-0123456789", sizeGiB: 1, state: "in-use", createdAt: "-1d" }],
          images: [{ imageId: "ami-0123456789", snapshotIds: ["snap-0123456789"] }],
        },
        backup: {
          recoveryPoints: [
            {
              arn: "arn:aws:backup:eu-west-1:123456789012:recovery-point:x",
              resourceArn: "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789",
              resourceType: "EBS",
              createdAt: "-1d",
            },
          ],
        },
      });

    // Assess
    expect(parse).toThrow(/ec2\.volumes\.0\.attachedTo/);
    expect(parse).toThrow(/ec2\.images\.0\.snapshotIds\.0: snapshot snap-0123456789 is not seeded/);
    expect(parse).toThrow(/backup\.recoveryPoints\.0\.arn: an EBS recovery point is a snapshot/);
  });
});
