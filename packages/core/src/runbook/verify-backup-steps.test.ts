import { describe, expect, it } from "vitest";
import type { BackupPort, RecoveryPoint, RestoreJob } from "../ports/backup.ts";
import type { DynamoDbTablesPort, TableDescription } from "../ports/dynamodb-tables.ts";
import type { EbsVolume, Ec2Port } from "../ports/ec2.ts";
import type { AccountPorts } from "../ports/index.ts";
import type { Notification, RunNotice } from "../ports/notifier.ts";
import type { RunInput } from "../router/ports.ts";
import type { SaveBackupReportInput } from "../store/backup-report.ts";
import type { Store } from "../store/store.ts";
import type { StepCall, StepContext } from "./steps/context.ts";
import { runStep } from "./steps/run-step.ts";
import type {
  BackupVerdict,
  RestoreCleanup,
  RestoreJobCheck,
  RestoreValidation,
  SelectedRecoveryPoint,
  StartedRestore,
} from "./verify-backup-steps.ts";

const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
const VOLUME_ARN = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0source";
const ROLE = "arn:aws:iam::123456789012:role/backup-restore";
const RUN_ID = "01HWT0D7G00000000000000000";
const NOW = new Date("2024-05-01T12:00:00.000Z");
const HOUR = 3_600_000;

function minutesAgo(minutes: number, from = NOW): string {
  return new Date(from.getTime() - minutes * 60_000).toISOString();
}

function recoveryPoint(overrides: Partial<RecoveryPoint> = {}): RecoveryPoint {
  return {
    recoveryPointArn: `${TABLE_ARN}/backup/01714560000000-a1b2c3d4`,
    resourceArn: TABLE_ARN,
    resourceType: "DynamoDB",
    backupVaultName: "Default",
    createdAt: minutesAgo(30),
    status: "COMPLETED",
    iamRoleArn: ROLE,
    ...overrides,
  };
}

function table(name: string, overrides: Partial<TableDescription> = {}): TableDescription {
  return {
    tableName: name,
    tableArn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`,
    status: "ACTIVE",
    itemCount: 1000,
    sizeBytes: 100_000,
    tags: {},
    ...overrides,
  };
}

/** An account with AWS Backup, DynamoDB and EC2, kept in memory; the clock is moved by hand. */
function fakeAccount(options: { recoveryPoints?: RecoveryPoint[] } = {}) {
  const clock = { at: NOW, now: () => clock.at };
  const tables = new Map<string, TableDescription>([["orders", table("orders")]]);
  const volumes = new Map<string, EbsVolume>();
  const jobs = new Map<string, RestoreJob>();
  const started: { metadata: Record<string, string>; iamRoleArn: string }[] = [];
  const deletedTables: string[] = [];
  const deletedVolumes: string[] = [];
  const validationResults: { restoreJobId: string; status: string; message: string }[] = [];
  const notifications: Notification[] = [];
  const notices: RunNotice[] = [];
  const reports: SaveBackupReportInput[] = [];
  const audit: { action: string; reason: string }[] = [];
  const runStatus = { current: "pending" };

  const backup: BackupPort = {
    listRecoveryPoints: async (arn) =>
      (options.recoveryPoints ?? [recoveryPoint()]).filter((rp) => rp.resourceArn === arn),
    listAllRecoveryPointArns: async () => [],
    getRestoreMetadata: async (rp): Promise<Record<string, string>> =>
      rp.resourceType === "DynamoDB"
        ? { targetTableName: "orders", encryptionType: "Default" }
        : { volumeType: "gp3" },
    startRestoreJob: async (input) => {
      started.push({ metadata: input.metadata, iamRoleArn: input.iamRoleArn });
      const restoreJobId = `job-${started.length}`;
      jobs.set(restoreJobId, { restoreJobId, status: "RUNNING", createdAt: clock.now().toISOString() });
      return { restoreJobId };
    },
    describeRestoreJob: async (id) => {
      const job = jobs.get(id);
      if (!job) throw new Error(`no restore job ${id}`);
      return job;
    },
    putRestoreValidationResult: async (restoreJobId, status, message) => {
      validationResults.push({ restoreJobId, status, message });
    },
  };
  const dynamodb: DynamoDbTablesPort = {
    describeTable: async (name) => tables.get(name),
    sampleItems: async (name, limit) => {
      const count = tables.get(name)?.itemCount ?? 0;
      return Array.from({ length: Math.min(limit, count) }, (_, i) => ({ pk: `order#${i}` }));
    },
    deleteTable: async (name) => {
      deletedTables.push(name);
      tables.delete(name);
    },
  };
  const ec2 = {
    describeVolume: async (id: string) => volumes.get(id),
    deleteVolume: async (id: string) => {
      deletedVolumes.push(id);
      volumes.delete(id);
    },
  } as unknown as Ec2Port;
  const ports = {
    backup,
    dynamodb,
    ec2,
    notifier: {
      notify: async (n: Notification) => void notifications.push(n),
      announce: async (n: RunNotice) => void notices.push(n),
    },
  } as unknown as AccountPorts;
  const store = {
    transitionRun: async (input: { to: string }) => {
      runStatus.current = input.to;
      return { transitioned: true, current: input.to };
    },
    appendAudit: async (entry: { action: string; reason: string }) => {
      audit.push(entry);
      return entry;
    },
    saveBackupReport: async (input: SaveBackupReportInput) => {
      reports.push(input);
      return { saved: true, report: input };
    },
  } as unknown as Store;

  /** Finishes the restore job as AWS Backup would: the table (or volume) appears. */
  function completeJob(id: string, restored: { itemCount?: number; volume?: EbsVolume } = {}) {
    const job = jobs.get(id);
    if (!job) throw new Error(`no restore job ${id}`);
    const name = started[Number(id.split("-")[1]) - 1]?.metadata.targetTableName;
    let createdResourceArn: string;
    if (restored.volume) {
      volumes.set(restored.volume.volumeId, restored.volume);
      createdResourceArn = `arn:aws:ec2:eu-west-1:123456789012:volume/${restored.volume.volumeId}`;
    } else {
      const created = table(name ?? "missing", { itemCount: restored.itemCount ?? 1000 });
      tables.set(created.tableName, created);
      createdResourceArn = created.tableArn;
    }
    jobs.set(id, { ...job, status: "COMPLETED", createdResourceArn, completedAt: clock.now().toISOString() });
  }

  const context: StepContext = { ports, store, clock };
  return {
    context,
    clock,
    tables,
    volumes,
    jobs,
    started,
    deletedTables,
    deletedVolumes,
    validationResults,
    notifications,
    notices,
    reports,
    audit,
    runStatus,
    completeJob,
  };
}

function runInput(overrides: Partial<RunInput> = {}): RunInput {
  return {
    runId: RUN_ID,
    policy: "verify-orders-table-backup",
    runbook: "verify-backup",
    mode: "auto",
    params: { rpo: HOUR, rto: 4 * HOUR, sampleReads: 20, maxItemCountDrift: 0.01 },
    target: { type: "backup-resource", resourceArn: TABLE_ARN },
    targetKey: `backup-resource:${TABLE_ARN}`,
    lease: { owner: RUN_ID, token: 1, expiresAt: "2024-05-01T18:00:00.000Z" },
    notify: { slack: "#data-platform" },
    trigger: { signalId: "sig-1", type: "schedule", time: NOW.toISOString(), summary: {} },
    ...overrides,
  };
}

/** Runs steps one after another the way the workflow does, keeping each result under its ResultPath. */
function workflow(account: ReturnType<typeof fakeAccount>, run: RunInput = runInput()) {
  const state: Record<string, unknown> = { run };
  return {
    state,
    async step<T>(step: string, resultPath: string): Promise<T> {
      const call: StepCall = { step, run, state: { ...state } };
      const value = await runStep("verify-backup", call, account.context);
      state[resultPath] = { value };
      return value as T;
    },
  };
}

describe("select", () => {
  it("picks the newest usable recovery point and measures its age against the RPO", async () => {
    // Prepare
    const account = fakeAccount({
      recoveryPoints: [
        recoveryPoint({ recoveryPointArn: "rp-creating", createdAt: minutesAgo(5), status: "CREATING" }),
        recoveryPoint({ recoveryPointArn: "rp-old", createdAt: minutesAgo(24 * 60) }),
        recoveryPoint({ recoveryPointArn: "rp-newest", createdAt: minutesAgo(30), status: "AVAILABLE" }),
      ],
    });
    // Act
    const selected = await workflow(account).step<SelectedRecoveryPoint>("select", "selected");
    // Assess
    expect(selected).toMatchObject({
      kind: "dynamodb",
      rpoSeconds: 1800,
      rpoTargetSeconds: 3600,
      rpoBreached: false,
      checkedAt: NOW.toISOString(),
    });
    expect(selected.recoveryPoint.recoveryPointArn).toBe("rp-newest");
    expect(selected.summary).toContain(`architech-restore-${RUN_ID}`);
    expect(account.started).toEqual([]);
  });

  it("detects an RPO breach and still selects the recovery point", async () => {
    const account = fakeAccount({ recoveryPoints: [recoveryPoint({ createdAt: minutesAgo(90) })] });
    const selected = await workflow(account).step<SelectedRecoveryPoint>("select", "selected");
    expect(selected).toMatchObject({ rpoSeconds: 5400, rpoBreached: true });
    expect(selected.summary).toContain("BREACHED");
  });

  it("fails loudly when there is no usable recovery point", async () => {
    const account = fakeAccount({ recoveryPoints: [recoveryPoint({ status: "PARTIAL" })] });
    await expect(workflow(account).step("select", "selected")).rejects.toThrow(/no recovery point/);
  });

  it("refuses clearly when the runtime has no AWS Backup port", async () => {
    const account = fakeAccount();
    const { backup: _backup, ...withoutBackup } = account.context.ports;
    const call: StepCall = { step: "select", run: runInput(), state: {} };
    await expect(
      runStep("verify-backup", call, { ...account.context, ports: withoutBackup as AccountPorts }),
    ).rejects.toThrow(/ports\.backup/);
  });
});

describe("start-restore and check-restore", () => {
  it("restores into an architech-restore-* table with the recovery point's role", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    const restore = await flow.step<StartedRestore>("start-restore", "restore");
    expect(restore).toEqual({
      restoreJobId: "job-1",
      kind: "dynamodb",
      startedAt: NOW.toISOString(),
      restoredTableName: `architech-restore-${RUN_ID}`,
      rtoTargetSeconds: 4 * 3600,
    });
    expect(account.started).toEqual([
      {
        metadata: { targetTableName: `architech-restore-${RUN_ID}`, encryptionType: "Default" },
        iamRoleArn: ROLE,
      },
    ]);
    expect(account.runStatus.current).toBe("running");
  });

  it("fails clearly when the recovery point names no IAM role", async () => {
    const { iamRoleArn: _role, ...withoutRole } = recoveryPoint();
    const account = fakeAccount({ recoveryPoints: [withoutRole] });
    const flow = workflow(account);
    await flow.step("select", "selected");
    await expect(flow.step("start-restore", "restore")).rejects.toThrow(/no IAM role/);
    expect(account.started).toEqual([]);
  });

  it("keeps polling while the restore runs, then gives up past the RTO", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.clock.at = new Date(NOW.getTime() + 2 * HOUR);
    expect(await flow.step<RestoreJobCheck>("check-restore", "job")).toMatchObject({ status: "running" });
    account.clock.at = new Date(NOW.getTime() + 4 * HOUR + 60_000);
    const check = await flow.step<RestoreJobCheck>("check-restore", "job");
    expect(check.status).toBe("rto-exceeded");
    expect(check.detail).toMatch(/RTO exceeded/);
  });

  it("reports a failed restore job as failed", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.jobs.set("job-1", {
      restoreJobId: "job-1",
      status: "FAILED",
      statusMessage: "Access denied",
      createdAt: NOW.toISOString(),
    });
    const check = await flow.step<RestoreJobCheck>("check-restore", "job");
    expect(check).toMatchObject({ status: "failed", detail: "restore job job-1 FAILED: Access denied" });
  });
});

/** Selects, restores, lets the job complete after `restoreMinutes`, checks it and validates the copy. */
async function restoreAndValidate(
  account: ReturnType<typeof fakeAccount>,
  restored: { itemCount?: number } = {},
  restoreMinutes = 20,
) {
  const flow = workflow(account);
  await flow.step("select", "selected");
  await flow.step("start-restore", "restore");
  account.clock.at = new Date(NOW.getTime() + restoreMinutes * 60_000);
  account.completeJob("job-1", restored);
  await flow.step("check-restore", "job");
  const validation = await flow.step<RestoreValidation>("validate", "validation");
  return { flow, validation };
}

describe("validate", () => {
  it("passes a complete restore and measures the RTO", async () => {
    const { validation } = await restoreAndValidate(fakeAccount(), { itemCount: 995 });
    expect(validation).toMatchObject({ passed: true, rtoSeconds: 1200, rtoBreached: false });
    expect(validation.checks.map((c) => [c.name, c.passed])).toEqual([
      ["table-status", true],
      ["item-count", true],
      ["sample-reads", true],
      ["rto", true],
    ]);
  });

  it("fails when the restored copy holds more than the allowed drift fewer items", async () => {
    const { validation } = await restoreAndValidate(fakeAccount(), { itemCount: 980 });
    expect(validation.passed).toBe(false);
    expect(validation.checks.find((c) => c.name === "item-count")).toMatchObject({
      passed: false,
      expected: 990,
      observed: 980,
    });
  });

  it("records an RTO breach when the restore took longer than the target", async () => {
    const { validation } = await restoreAndValidate(fakeAccount(), {}, 5 * 60);
    expect(validation).toMatchObject({ passed: false, rtoSeconds: 5 * 3600, rtoBreached: true });
  });
});

describe("cleanup-restore", () => {
  it("deletes the restored table and nothing else", async () => {
    const account = fakeAccount();
    const { flow } = await restoreAndValidate(account);
    const cleanup = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(cleanup.deleted).toBe(true);
    expect(account.deletedTables).toEqual([`architech-restore-${RUN_ID}`]);
    expect(account.tables.has("orders")).toBe(true);
  });

  it("refuses to delete a table that is not a restored copy", async () => {
    const account = fakeAccount();
    const { flow } = await restoreAndValidate(account);
    const restore = flow.state.restore as { value: StartedRestore };
    flow.state.restore = { value: { ...restore.value, restoredTableName: "orders" } };
    const cleanup = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(cleanup).toMatchObject({ deleted: false, detail: expect.stringMatching(/refused/) });
    expect(account.deletedTables).toEqual([]);
  });

  it("has nothing to delete after a restore that created nothing", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.jobs.set("job-1", { restoreJobId: "job-1", status: "ABORTED", createdAt: NOW.toISOString() });
    await flow.step("check-restore", "job");
    const cleanup = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(cleanup.deleted).toBe(true);
    expect(account.deletedTables).toEqual([]);
  });

  it("reports the copy as left behind while the restore job still runs", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    const cleanup = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(cleanup).toMatchObject({ deleted: false, detail: expect.stringMatching(/still RUNNING/) });
  });

  it("deletes only the volume the EBS restore job created", async () => {
    const account = fakeAccount({
      recoveryPoints: [
        recoveryPoint({
          recoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-0backup",
          resourceArn: VOLUME_ARN,
          resourceType: "EBS",
        }),
      ],
    });
    account.volumes.set("vol-0source", {
      volumeId: "vol-0source",
      state: "in-use",
      sizeGiB: 100,
      createdAt: "2024-01-01T00:00:00.000Z",
      tags: {},
    });
    const flow = workflow(
      account,
      runInput({ target: { type: "backup-resource", resourceArn: VOLUME_ARN } }),
    );
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.clock.at = new Date(NOW.getTime() + 10 * 60_000);
    account.completeJob("job-1", {
      volume: {
        volumeId: "vol-0restored",
        state: "available",
        sizeGiB: 100,
        createdAt: NOW.toISOString(),
        snapshotId: "snap-0backup",
        tags: {},
      },
    });
    await flow.step("check-restore", "job");
    const validation = await flow.step<RestoreValidation>("validate", "validation");
    const cleanup = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(validation.passed).toBe(true);
    expect(validation.checks.map((c) => c.name)).toEqual(["volume-state", "volume-size", "rto"]);
    expect(cleanup.deleted).toBe(true);
    expect(account.deletedVolumes).toEqual(["vol-0restored"]);

    // A job claiming to have created the source volume is refused.
    account.jobs.set("job-1", {
      ...(account.jobs.get("job-1") as RestoreJob),
      createdResourceArn: VOLUME_ARN,
    });
    const refused = await flow.step<RestoreCleanup>("cleanup-restore", "cleanup");
    expect(refused.deleted).toBe(false);
    expect(account.deletedVolumes).toEqual(["vol-0restored"]);
  });
});

describe("report", () => {
  it("saves a passing report and succeeds", async () => {
    const account = fakeAccount();
    const { flow } = await restoreAndValidate(account);
    await flow.step("cleanup-restore", "cleanup");
    const verdict = await flow.step<BackupVerdict>("report", "report");
    expect(verdict).toMatchObject({ passed: true, status: "succeeded", reportId: RUN_ID });
    expect(account.reports).toEqual([
      expect.objectContaining({
        resource: TABLE_ARN,
        passed: true,
        rpoSeconds: 1800,
        rtoSeconds: 1200,
        rpoTargetSeconds: 3600,
        rtoTargetSeconds: 14_400,
        restoredCopyDeleted: true,
        startedAt: NOW.toISOString(),
      }),
    ]);
    expect(account.notifications).toEqual([
      expect.objectContaining({ severity: "info", channel: "#data-platform" }),
    ]);
  });

  it("fails the run on an RPO breach even though the restore validated", async () => {
    const account = fakeAccount({ recoveryPoints: [recoveryPoint({ createdAt: minutesAgo(120) })] });
    const { flow } = await restoreAndValidate(account);
    await flow.step("cleanup-restore", "cleanup");
    const verdict = await flow.step<BackupVerdict>("report", "report");
    expect(verdict).toMatchObject({ passed: false, status: "failed" });
    expect(verdict.reason).toMatch(/RPO breached/);
    expect(account.reports[0]).toMatchObject({
      passed: false,
      rpoSeconds: 7200,
      failureReason: verdict.reason,
    });
    expect(account.notifications[0]?.severity).toBe("failure");
  });

  it("tells the channel of a breach with the report's blocks and the policy's on-call mentioned", async () => {
    const account = fakeAccount({ recoveryPoints: [recoveryPoint({ createdAt: minutesAgo(120) })] });
    const run = runInput({ notify: { slack: "#data-platform", oncall: "S0DATAONCALL" } });
    const flow = workflow(account, run);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.clock.at = new Date(NOW.getTime() + 20 * 60_000);
    account.completeJob("job-1");
    await flow.step("check-restore", "job");
    await flow.step("validate", "validation");
    await flow.step("cleanup-restore", "cleanup");

    await flow.step<BackupVerdict>("report", "report");

    const [report] = account.notifications;
    expect(report).toMatchObject({ severity: "failure", mention: "S0DATAONCALL", runId: RUN_ID });
    const shown = JSON.stringify(report?.blocks);
    expect(shown).toContain("Backup verification FAILED");
    expect(shown).toContain("<!subteam^S0DATAONCALL>");
    expect(shown).toContain("BREACHED");
    expect(account.notices.map((n) => n.kind)).toEqual(["run-progress"]);
  });

  it("fails the run when the restored copy was left behind", async () => {
    const account = fakeAccount();
    const { flow } = await restoreAndValidate(account);
    flow.state.cleanupError = { Error: "PortRequestRejected", Cause: "access denied" };
    const verdict = await flow.step<BackupVerdict>("report", "report");
    expect(verdict.status).toBe("failed");
    expect(verdict.reason).toMatch(/NOT deleted/);
    expect(account.reports[0]?.restoredCopyDeleted).toBe(false);
  });

  it("reports a restore that never started, with the error", async () => {
    const account = fakeAccount();
    const flow = workflow(account);
    await flow.step("select", "selected");
    flow.state.error = { Error: "RunbookStepFailed", Cause: JSON.stringify({ errorMessage: "no IAM role" }) };
    const verdict = await flow.step<BackupVerdict>("report", "report");
    expect(verdict).toMatchObject({ status: "failed", reason: "RunbookStepFailed: no IAM role" });
    expect(account.reports[0]).toMatchObject({ rtoSeconds: 0, restoredCopyDeleted: true });
  });

  it("reports the verdict back to a restore-testing plan that triggered the run", async () => {
    const account = fakeAccount();
    const run = runInput({
      trigger: {
        signalId: "sig-2",
        type: "restore-job",
        time: NOW.toISOString(),
        summary: {
          restoreJobId: "testing-job",
          restoreTestingPlanArn: "arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:daily",
          recoveryPointArn: recoveryPoint().recoveryPointArn,
        },
      },
    });
    const flow = workflow(account, run);
    await flow.step("select", "selected");
    await flow.step("start-restore", "restore");
    account.completeJob("job-1");
    await flow.step("check-restore", "job");
    await flow.step("validate", "validation");
    await flow.step("cleanup-restore", "cleanup");
    await flow.step("report", "report");
    expect(account.validationResults).toEqual([
      expect.objectContaining({ restoreJobId: "testing-job", status: "SUCCESSFUL" }),
    ]);
  });

  it("reports nothing to a restore-testing job about another recovery point", async () => {
    const account = fakeAccount();
    const run = runInput({
      trigger: {
        signalId: "sig-3",
        type: "restore-job",
        time: NOW.toISOString(),
        summary: {
          restoreJobId: "testing-job",
          restoreTestingPlanArn: "arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:daily",
          recoveryPointArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/backup/older",
        },
      },
    });
    const { flow } = await restoreAndValidate(account);
    await flow.step("cleanup-restore", "cleanup");
    await runStep("verify-backup", { step: "report", run, state: { ...flow.state } }, account.context);
    expect(account.validationResults).toEqual([]);
    expect(account.reports).toHaveLength(1);
  });
});
