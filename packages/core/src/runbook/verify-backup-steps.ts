import type { BackupPort, RecoveryPoint, RestoreJob } from "../ports/backup.ts";
import type { DynamoDbTablesPort } from "../ports/dynamodb-tables.ts";
import type { Ec2Port } from "../ports/ec2.ts";
import { buildReport } from "../slack/blocks/index.ts";
import type { BackupCheck } from "../store/backup-report.ts";
import { markRunning } from "./steps/common.ts";
import {
  RunbookStepError,
  type StepCall,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./steps/context.ts";

/**
 * Restored DynamoDB tables are named with this prefix, and the runbook's IAM permissions only allow
 * deleting tables that carry it: a bug elsewhere can never turn cleanup against a real table.
 */
export const RESTORED_TABLE_PREFIX = "architech-restore-";

/** How long the workflow waits between two looks at the restore job. */
export const RESTORE_POLL_SECONDS = 60;

interface Params {
  rpo: number;
  rto: number;
  sampleReads: number;
  maxItemCountDrift: number;
}

function params(call: StepCall): Params {
  const p = call.run.params as Partial<Params>;
  return {
    rpo: p.rpo ?? 3_600_000,
    rto: p.rto ?? 14_400_000,
    sampleReads: p.sampleReads ?? 10,
    maxItemCountDrift: p.maxItemCountDrift ?? 0.01,
  };
}

/** What kind of copy a restore produces, which decides how it is validated and deleted. */
export type RestoredKind = "dynamodb" | "ebs";

/** Result of `select` (`$.selected.value`). */
export interface SelectedRecoveryPoint extends Record<string, unknown> {
  resourceArn: string;
  kind: RestoredKind;
  recoveryPoint: RecoveryPoint;
  /** Age of the recovery point when the check started (now − its creation time). */
  rpoSeconds: number;
  rpoTargetSeconds: number;
  rpoBreached: boolean;
  /** When the check started: the report's `startedAt`. */
  checkedAt: string;
  /** What the run restores, into what, and what happens then; the dry-run outcome's reason. */
  summary: string;
}

/** Result of `start-restore` (`$.restore.value`). Its presence means a restore job exists. */
export interface StartedRestore extends Record<string, unknown> {
  restoreJobId: string;
  kind: RestoredKind;
  startedAt: string;
  /** The table the restore creates (DynamoDB); EBS volumes are known only once the job completes. */
  restoredTableName?: string;
  rtoTargetSeconds: number;
}

/** Result of `check-restore` (`$.job.value`): the workflow waits again while `status` is `running`. */
export interface RestoreJobCheck extends Record<string, unknown> {
  status: "running" | "completed" | "failed" | "rto-exceeded";
  jobStatus: RestoreJob["status"];
  createdResourceArn?: string;
  /** Set once the job is over (the job's completion time, or when it was seen over). */
  completedAt?: string;
  /** Time since the restore started, up to its completion when it completed. */
  elapsedSeconds: number;
  detail: string;
}

/** Result of `validate` (`$.validation.value`). */
export interface RestoreValidation extends Record<string, unknown> {
  passed: boolean;
  checks: BackupCheck[];
  restoredResource?: string;
  /** Restore completion − restore start. */
  rtoSeconds: number;
  rtoTargetSeconds: number;
  rtoBreached: boolean;
}

/** Result of `cleanup-restore` (`$.cleanup.value`). */
export interface RestoreCleanup extends Record<string, unknown> {
  /** Nothing restored is left behind: deleted now, or never created. False needs a person. */
  deleted: boolean;
  restoredResource?: string;
  detail: string;
}

/** Result of `report` (`$.report.value`): what `record-outcome` then records. */
export interface BackupVerdict extends Record<string, unknown> {
  reportId: string;
  passed: boolean;
  status: "succeeded" | "failed";
  reason: string;
}

function needPort<T>(port: T | undefined, name: string, what: string): T {
  if (!port) {
    throw new RunbookStepError(
      `verify-backup needs ${what} (ports.${name}), which this runtime does not provide`,
    );
  }
  return port;
}

const backupPort = (ctx: StepContext): BackupPort => needPort(ctx.ports.backup, "backup", "AWS Backup");
const tablesPort = (ctx: StepContext): DynamoDbTablesPort =>
  needPort(ctx.ports.dynamodb, "dynamodb", "DynamoDB tables");
const ec2Port = (ctx: StepContext): Ec2Port => needPort(ctx.ports.ec2, "ec2", "EC2 volumes");

function resourceArnOf(call: StepCall): string {
  const target = call.run.target as { type?: unknown; resourceArn?: unknown };
  if (target.type !== "backup-resource" || typeof target.resourceArn !== "string") {
    throw new RunbookStepError(`verify-backup verifies a backup-resource target, not ${String(target.type)}`);
  }
  return target.resourceArn;
}

function kindOf(recoveryPoint: RecoveryPoint): RestoredKind {
  if (recoveryPoint.resourceType === "DynamoDB") return "dynamodb";
  if (recoveryPoint.resourceType === "EBS") return "ebs";
  throw new RunbookStepError(
    `verify-backup restores DynamoDB tables and EBS volumes, not ${recoveryPoint.resourceType} (${recoveryPoint.resourceArn})`,
  );
}

/** The last part of `arn:aws:dynamodb:region:account:table/<name>` or `arn:aws:ec2:…:volume/<id>`. */
function lastArnPart(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** The name a run's restored table gets: the prefix, then the run id cut to DynamoDB's name rules. */
export function restoredTableName(runId: string): string {
  return `${RESTORED_TABLE_PREFIX}${runId.replace(/[^a-zA-Z0-9_.-]/g, "-")}`.slice(0, 255);
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 120) return `${totalSeconds}s`;
  const minutes = Math.round(totalSeconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function selectedOf(call: StepCall): SelectedRecoveryPoint {
  const selected = stepResult<SelectedRecoveryPoint>(call.state, "selected");
  if (!selected) throw new RunbookStepError(`${call.step}: no selected recovery point in the state`);
  return selected;
}

function restoreOf(call: StepCall): StartedRestore {
  const restore = stepResult<StartedRestore>(call.state, "restore");
  if (!restore) throw new RunbookStepError(`${call.step}: no restore job in the state`);
  return restore;
}

/**
 * Picks the newest usable (COMPLETED or AVAILABLE) recovery point of the target resource and measures
 * its age against the RPO. No recovery point is a failure; a breached RPO is recorded and the restore
 * still runs, because an old backup that restores is worth knowing about too. Changes nothing.
 *
 * @returns {@link SelectedRecoveryPoint}
 */
export const select: StepHandler = async (call, context) => {
  const backup = backupPort(context);
  const resourceArn = resourceArnOf(call);
  const p = params(call);
  const now = context.clock.now();
  const usable = (await backup.listRecoveryPoints(resourceArn))
    .filter((rp) => rp.status === "COMPLETED" || rp.status === "AVAILABLE")
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const recoveryPoint = usable[0];
  if (!recoveryPoint) {
    throw new RunbookStepError(`no recovery point (COMPLETED or AVAILABLE) of ${resourceArn} to verify`);
  }
  const kind = kindOf(recoveryPoint);
  // Fail before restoring anything the runtime could not then validate or delete.
  if (kind === "dynamodb") tablesPort(context);
  else ec2Port(context);
  const rpoSeconds = seconds(now.getTime() - Date.parse(recoveryPoint.createdAt));
  const rpoTargetSeconds = seconds(p.rpo);
  const rpoBreached = rpoSeconds > rpoTargetSeconds;
  const into = kind === "dynamodb" ? `table ${restoredTableName(call.run.runId)}` : "a new EBS volume";
  const result: SelectedRecoveryPoint = {
    resourceArn,
    kind,
    recoveryPoint,
    rpoSeconds,
    rpoTargetSeconds,
    rpoBreached,
    checkedAt: now.toISOString(),
    summary:
      `would restore ${recoveryPoint.recoveryPointArn} (${recoveryPoint.resourceType}, created ${recoveryPoint.createdAt}, ` +
      `${formatDuration(rpoSeconds)} old: RPO ${formatDuration(rpoTargetSeconds)} ${rpoBreached ? "BREACHED" : "met"}) ` +
      `of ${resourceArn} into ${into}, validate it within RTO ${formatDuration(seconds(p.rto))}, then delete it`,
  };
  return result;
};

/**
 * Starts the restore into an isolated copy: DynamoDB into `architech-restore-<runId>`, EBS into a new
 * volume. Restores with the policy's `restoreRoleArn` (or the recovery point's role where the provider
 * names it); none is a failure, never a guess.
 *
 * @returns {@link StartedRestore}
 */
export const startRestore: StepHandler = async (call, context) => {
  const backup = backupPort(context);
  const selected = selectedOf(call);
  const { recoveryPoint, kind } = selected;
  // AWS Backup's listings do not name the role a recovery point was made with: the policy gives it.
  const restoreRoleArn =
    (call.run.params as { restoreRoleArn?: string }).restoreRoleArn ?? recoveryPoint.iamRoleArn;
  if (!restoreRoleArn) {
    throw new RunbookStepError(
      `no IAM role to restore ${recoveryPoint.recoveryPointArn} with: set params.restoreRoleArn on the policy`,
    );
  }
  await markRunning(call, context);
  const metadata = { ...(await backup.getRestoreMetadata(recoveryPoint)) };
  const tableName = kind === "dynamodb" ? restoredTableName(call.run.runId) : undefined;
  if (tableName) metadata.targetTableName = tableName;
  const startedAt = context.clock.now().toISOString();
  const { restoreJobId } = await backup.startRestoreJob({
    recoveryPoint,
    metadata,
    iamRoleArn: restoreRoleArn,
  });
  await context.store.appendAudit({
    kind: "action",
    action: "restore-started",
    actor: "workflow",
    reason: `restore job ${restoreJobId} of ${recoveryPoint.recoveryPointArn} into ${tableName ?? "a new EBS volume"}`,
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
  });
  const result: StartedRestore = {
    restoreJobId,
    kind,
    startedAt,
    ...(tableName ? { restoredTableName: tableName } : {}),
    rtoTargetSeconds: seconds(params(call).rto),
  };
  return result;
};

/**
 * Looks at the restore job once. A job still running past the RTO is given up on (`rto-exceeded`): the
 * objective is already missed, and the copy is cleaned up as far as it exists.
 *
 * @returns {@link RestoreJobCheck}
 */
export const checkRestore: StepHandler = async (call, context) => {
  const restore = restoreOf(call);
  const job = await backupPort(context).describeRestoreJob(restore.restoreJobId);
  const now = context.clock.now();
  const started = Date.parse(restore.startedAt);
  const created = job.createdResourceArn ? { createdResourceArn: job.createdResourceArn } : {};
  let result: RestoreJobCheck;
  if (job.status === "COMPLETED") {
    const completedAt = job.completedAt ?? now.toISOString();
    const elapsedSeconds = seconds(Date.parse(completedAt) - started);
    result = {
      status: "completed",
      jobStatus: job.status,
      ...created,
      completedAt,
      elapsedSeconds,
      detail: `restore job ${job.restoreJobId} completed in ${formatDuration(elapsedSeconds)}`,
    };
  } else if (job.status === "FAILED" || job.status === "ABORTED") {
    result = {
      status: "failed",
      jobStatus: job.status,
      ...created,
      completedAt: job.completedAt ?? now.toISOString(),
      elapsedSeconds: seconds(now.getTime() - started),
      detail: `restore job ${job.restoreJobId} ${job.status}${job.statusMessage ? `: ${job.statusMessage}` : ""}`,
    };
  } else {
    const elapsedSeconds = seconds(now.getTime() - started);
    const exceeded = elapsedSeconds > restore.rtoTargetSeconds;
    result = {
      status: exceeded ? "rto-exceeded" : "running",
      jobStatus: job.status,
      ...created,
      elapsedSeconds,
      detail: exceeded
        ? `RTO exceeded: restore job ${job.restoreJobId} still ${job.status} after ${formatDuration(elapsedSeconds)} (RTO ${formatDuration(restore.rtoTargetSeconds)})`
        : `restore job ${job.restoreJobId} ${job.status} for ${formatDuration(elapsedSeconds)}`,
    };
  }
  return result;
};

function check(
  name: string,
  passed: boolean,
  detail: string,
  values: { expected?: BackupCheck["expected"]; observed?: BackupCheck["observed"] } = {},
): BackupCheck {
  return { name, passed, ...values, detail };
}

async function validateTable(
  call: StepCall,
  context: StepContext,
  selected: SelectedRecoveryPoint,
  restore: StartedRestore,
  job: RestoreJobCheck,
): Promise<{ checks: BackupCheck[]; restoredResource: string }> {
  const tables = tablesPort(context);
  const p = params(call);
  const name = restore.restoredTableName ?? "";
  const checks: BackupCheck[] = [];
  if (job.createdResourceArn && lastArnPart(job.createdResourceArn) !== name) {
    checks.push(
      check("restored-table", false, `the job created ${job.createdResourceArn}, not table ${name}`),
    );
  }
  const restored = await tables.describeTable(name);
  if (!restored) {
    checks.push(check("table-status", false, `restored table ${name} does not exist`));
    return { checks, restoredResource: name };
  }
  checks.push(
    check("table-status", restored.status === "ACTIVE", `restored table ${name} is ${restored.status}`, {
      expected: "ACTIVE",
      observed: restored.status,
    }),
  );
  const sourceName = lastArnPart(selected.resourceArn);
  const source = await tables.describeTable(sourceName);
  if (!source) {
    checks.push(
      check("item-count", false, `source table ${sourceName} does not exist: nothing to compare with`),
    );
  } else {
    const minimum = Math.ceil(source.itemCount * (1 - p.maxItemCountDrift));
    checks.push(
      check(
        "item-count",
        restored.itemCount >= minimum,
        `restored ${restored.itemCount} items, source ${source.itemCount} (at least ${minimum} within ${p.maxItemCountDrift * 100}% drift)`,
        { expected: minimum, observed: restored.itemCount },
      ),
    );
  }
  if (p.sampleReads > 0) {
    const expected = Math.min(p.sampleReads, restored.itemCount);
    const items = await tables.sampleItems(name, p.sampleReads);
    checks.push(
      check("sample-reads", items.length >= expected, `read ${items.length} of ${expected} sample items`, {
        expected,
        observed: items.length,
      }),
    );
  }
  return { checks, restoredResource: restored.tableArn };
}

async function validateVolume(
  context: StepContext,
  selected: SelectedRecoveryPoint,
  job: RestoreJobCheck,
): Promise<{ checks: BackupCheck[]; restoredResource?: string }> {
  const ec2 = ec2Port(context);
  if (!job.createdResourceArn) {
    return { checks: [check("restored-volume", false, "the restore job names no created volume")] };
  }
  const volumeId = lastArnPart(job.createdResourceArn);
  const restored = await ec2.describeVolume(volumeId);
  if (!restored) {
    return {
      checks: [check("volume-state", false, `restored volume ${volumeId} does not exist`)],
      restoredResource: job.createdResourceArn,
    };
  }
  const checks = [
    check(
      "volume-state",
      restored.state === "available",
      `restored volume ${volumeId} is ${restored.state}`,
      {
        expected: "available",
        observed: restored.state,
      },
    ),
  ];
  const source = await ec2.describeVolume(lastArnPart(selected.resourceArn));
  if (source) {
    checks.push(
      check(
        "volume-size",
        restored.sizeGiB >= source.sizeGiB,
        `restored ${restored.sizeGiB} GiB, source ${source.sizeGiB} GiB`,
        { expected: source.sizeGiB, observed: restored.sizeGiB },
      ),
    );
  }
  return { checks, restoredResource: job.createdResourceArn };
}

/**
 * Validates the restored copy — DynamoDB: table ACTIVE, item count within the allowed drift of the
 * source's, sample reads; EBS: volume available, at least the source volume's size — and measures the
 * RTO (restore completion − restore start).
 *
 * @returns {@link RestoreValidation}
 */
export const validate: StepHandler = async (call, context) => {
  const selected = selectedOf(call);
  const restore = restoreOf(call);
  const job = stepResult<RestoreJobCheck>(call.state, "job");
  if (job?.status !== "completed") throw new RunbookStepError("validate: the restore job has not completed");
  const { checks, restoredResource } =
    restore.kind === "dynamodb"
      ? await validateTable(call, context, selected, restore, job)
      : await validateVolume(context, selected, job);
  const rtoSeconds = job.elapsedSeconds;
  const rtoBreached = rtoSeconds > restore.rtoTargetSeconds;
  checks.push(
    check(
      "rto",
      !rtoBreached,
      `restored in ${formatDuration(rtoSeconds)} (RTO ${formatDuration(restore.rtoTargetSeconds)})`,
      { expected: restore.rtoTargetSeconds, observed: rtoSeconds },
    ),
  );
  const result: RestoreValidation = {
    passed: checks.every((c) => c.passed),
    checks,
    ...(restoredResource ? { restoredResource } : {}),
    rtoSeconds,
    rtoTargetSeconds: restore.rtoTargetSeconds,
    rtoBreached,
  };
  return result;
};

/**
 * Deletes the restored copy, whatever happened before. It only ever deletes what this run's restore job
 * created: a table must be named `architech-restore-*` (and not be the source), a volume must be the
 * one the job reports as created (and not the source). Anything else is refused and reported as left
 * behind. A copy still being created (the restore ran past its RTO, or a step failed while it ran)
 * cannot be deleted yet — AWS Backup has no way to stop a restore job — and is reported as left behind.
 *
 * @returns {@link RestoreCleanup}
 */
export const cleanupRestore: StepHandler = async (call, context) => {
  const selected = selectedOf(call);
  const restore = restoreOf(call);
  const result =
    restore.kind === "dynamodb"
      ? await deleteRestoredTable(context, selected, restore)
      : await deleteRestoredVolume(context, selected, restore);
  await context.store.appendAudit({
    kind: "action",
    action: result.deleted ? "restored-copy-deleted" : "restored-copy-left",
    actor: "workflow",
    reason: result.detail,
    policy: call.run.policy,
    target: call.run.targetKey,
    runId: call.run.runId,
  });
  return result;
};

async function deleteRestoredTable(
  context: StepContext,
  selected: SelectedRecoveryPoint,
  restore: StartedRestore,
): Promise<RestoreCleanup> {
  const tables = tablesPort(context);
  const name = restore.restoredTableName ?? "";
  if (!name.startsWith(RESTORED_TABLE_PREFIX) || name === lastArnPart(selected.resourceArn)) {
    return {
      deleted: false,
      ...(name ? { restoredResource: name } : {}),
      detail: `refused to delete table "${name}": only restored copies named ${RESTORED_TABLE_PREFIX}* are deleted`,
    };
  }
  const table = await tables.describeTable(name);
  if (!table) {
    // AWS Backup cannot stop a restore job: one still running creates the table later.
    const job = await backupPort(context).describeRestoreJob(restore.restoreJobId);
    if (job.status === "PENDING" || job.status === "RUNNING") {
      return {
        deleted: false,
        restoredResource: name,
        detail: `restore job ${job.restoreJobId} is still ${job.status}: delete table ${name} once it finishes`,
      };
    }
    return { deleted: true, detail: `restore created no table ${name}: nothing to delete` };
  }
  if (table.status === "DELETING") {
    return {
      deleted: true,
      restoredResource: table.tableArn,
      detail: `table ${name} is already being deleted`,
    };
  }
  if (table.status !== "ACTIVE") {
    return {
      deleted: false,
      restoredResource: table.tableArn,
      detail: `restored table ${name} is ${table.status} and cannot be deleted yet: delete it once the restore finishes`,
    };
  }
  await tables.deleteTable(name);
  return { deleted: true, restoredResource: table.tableArn, detail: `deleted restored table ${name}` };
}

async function deleteRestoredVolume(
  context: StepContext,
  selected: SelectedRecoveryPoint,
  restore: StartedRestore,
): Promise<RestoreCleanup> {
  const ec2 = ec2Port(context);
  // Ask the job what it created rather than trusting the state: only that volume may be deleted.
  const job = await backupPort(context).describeRestoreJob(restore.restoreJobId);
  if (!job.createdResourceArn) {
    const over = job.status === "COMPLETED" || job.status === "FAILED" || job.status === "ABORTED";
    return over
      ? { deleted: true, detail: `restore job ${job.restoreJobId} created no volume: nothing to delete` }
      : {
          deleted: false,
          detail: `restore job ${job.restoreJobId} is still ${job.status}: delete its volume once it finishes`,
        };
  }
  const volumeId = lastArnPart(job.createdResourceArn);
  if (!volumeId.startsWith("vol-") || volumeId === lastArnPart(selected.resourceArn)) {
    return {
      deleted: false,
      restoredResource: job.createdResourceArn,
      detail: `refused to delete ${job.createdResourceArn}: not a volume restored from the source`,
    };
  }
  const volume = await ec2.describeVolume(volumeId);
  if (!volume || volume.state === "deleting" || volume.state === "deleted") {
    return { deleted: true, restoredResource: job.createdResourceArn, detail: `volume ${volumeId} is gone` };
  }
  if (volume.state !== "available" && volume.state !== "error") {
    return {
      deleted: false,
      restoredResource: job.createdResourceArn,
      detail: `restored volume ${volumeId} is ${volume.state} and was not deleted`,
    };
  }
  await ec2.deleteVolume(volumeId);
  return {
    deleted: true,
    restoredResource: job.createdResourceArn,
    detail: `deleted restored volume ${volumeId}`,
  };
}

function describeError(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { Error: name, Cause: cause } = error as { Error?: unknown; Cause?: unknown };
  let text = typeof cause === "string" ? cause : "";
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") text = parsed.errorMessage;
  } catch {
    // A plain-text cause.
  }
  return `${typeof name === "string" ? name : "Error"}: ${text}`.trim();
}

/**
 * The run was triggered by a restore job of an AWS Backup restore-testing plan (a `restore-job` trigger
 * naming one). That job's copy belongs to the plan, which deletes it; this run restores and validates
 * its own copy and, when it verified the same recovery point, reports its verdict back to the plan's
 * job. Returns that job, or undefined for every other trigger.
 */
function restoreTestingJob(call: StepCall): { restoreJobId: string; recoveryPointArn?: string } | undefined {
  const { type, summary } = call.run.trigger;
  if (type !== "restore-job") return undefined;
  const { restoreJobId, restoreTestingPlanArn, recoveryPointArn } = summary as Record<string, unknown>;
  if (typeof restoreJobId !== "string" || typeof restoreTestingPlanArn !== "string") return undefined;
  return { restoreJobId, ...(typeof recoveryPointArn === "string" ? { recoveryPointArn } : {}) };
}

/**
 * Saves the backup report (RPO and RTO measured against their targets, every check, whether the copy
 * was deleted, the verdict), reports the verdict back to a restore-testing plan when one triggered the
 * run, and tells the policy's channel. The verdict passes only when every check passed, neither
 * objective was breached, nothing failed and the restored copy is gone.
 *
 * @returns {@link BackupVerdict}
 */
export const report: StepHandler = async (call, context) => {
  const { store, ports, clock } = context;
  const selected = selectedOf(call);
  const restore = stepResult<StartedRestore>(call.state, "restore");
  const job = stepResult<RestoreJobCheck>(call.state, "job");
  const validation = stepResult<RestoreValidation>(call.state, "validation");
  const cleanup = stepResult<RestoreCleanup>(call.state, "cleanup");
  const failures: string[] = [];
  const error = describeError(call.state.error);
  if (error) failures.push(error);

  const checks: BackupCheck[] = [
    check(
      "rpo",
      !selected.rpoBreached,
      `recovery point ${formatDuration(selected.rpoSeconds)} old (RPO ${formatDuration(selected.rpoTargetSeconds)})`,
      { expected: selected.rpoTargetSeconds, observed: selected.rpoSeconds },
    ),
  ];
  if (!restore) {
    checks.push(check("restore-started", false, error ?? "the restore did not start"));
  } else if (job && job.status !== "completed" && job.status !== "running") {
    checks.push(check("restore-job", false, job.detail));
    failures.push(job.detail);
  }
  if (validation) {
    checks.push(...validation.checks);
    const failed = validation.checks.filter((c) => !c.passed && c.name !== "rto");
    if (failed.length > 0)
      failures.push(`validation failed: ${failed.map((c) => c.detail ?? c.name).join("; ")}`);
    if (validation.rtoBreached) {
      failures.push(
        `RTO breached: restored in ${formatDuration(validation.rtoSeconds)} (target ${formatDuration(validation.rtoTargetSeconds)})`,
      );
    }
  }
  if (selected.rpoBreached) {
    failures.push(
      `RPO breached: newest recovery point is ${formatDuration(selected.rpoSeconds)} old (target ${formatDuration(selected.rpoTargetSeconds)})`,
    );
  }
  const copyDeleted = restore ? cleanup?.deleted === true : true;
  if (restore) {
    const detail = cleanup?.detail ?? describeError(call.state.cleanupError) ?? "cleanup did not run";
    checks.push(check("restored-copy-deleted", copyDeleted, detail));
    if (!copyDeleted) failures.push(`restored copy NOT deleted, needs attention: ${detail}`);
  }
  if (!validation && restore && failures.length === 0) failures.push("the restored copy was not validated");

  const passed = failures.length === 0 && checks.every((c) => c.passed);
  const rtoSeconds = validation?.rtoSeconds ?? job?.elapsedSeconds ?? 0;
  const rtoTargetSeconds = restore?.rtoTargetSeconds ?? seconds(params(call).rto);
  const restoredResource =
    validation?.restoredResource ??
    cleanup?.restoredResource ??
    job?.createdResourceArn ??
    restore?.restoredTableName;
  const reason = passed
    ? `backup of ${selected.resourceArn} verified: ${selected.recoveryPoint.recoveryPointArn} restored in ${formatDuration(rtoSeconds)}, ${checks.length} checks passed, RPO ${formatDuration(selected.rpoSeconds)}`
    : failures.join(" · ") || "a check failed";
  const reportId = call.run.runId;
  await store.saveBackupReport({
    id: reportId,
    resource: selected.resourceArn,
    recoveryPointArn: selected.recoveryPoint.recoveryPointArn,
    runId: call.run.runId,
    passed,
    rpoSeconds: selected.rpoSeconds,
    rtoSeconds,
    rpoTargetSeconds: Math.max(1, selected.rpoTargetSeconds),
    rtoTargetSeconds: Math.max(1, rtoTargetSeconds),
    checks: checks.map((c) => ({ ...c, ...(c.detail ? { detail: c.detail.slice(0, 4096) } : {}) })),
    ...(restoredResource ? { restoredResource } : {}),
    restoredCopyDeleted: copyDeleted,
    ...(passed ? {} : { failureReason: reason.slice(0, 4096) }),
    startedAt: selected.checkedAt,
    finishedAt: clock.now().toISOString(),
  });

  const testing = restoreTestingJob(call);
  // A verdict about another recovery point says nothing about the plan's restore: leave that one alone.
  if (testing && testing.recoveryPointArn === selected.recoveryPoint.recoveryPointArn) {
    await backupPort(context).putRestoreValidationResult(
      testing.restoreJobId,
      passed ? "SUCCESSFUL" : "FAILED",
      reason.slice(0, 1000),
    );
  }

  if (call.run.notify) {
    const breached = selected.rpoBreached || validation?.rtoBreached === true;
    const severity = passed && !breached ? "info" : "failure";
    // The policy's on-call, when it names one: a backup that does not restore is everybody's problem.
    const mention = severity === "failure" ? call.run.notify.oncall : undefined;
    const rpo = `${formatDuration(selected.rpoSeconds)} (target ${formatDuration(selected.rpoTargetSeconds)})`;
    const rto = `${formatDuration(rtoSeconds)} (target ${formatDuration(rtoTargetSeconds)})`;
    const report = buildReport({
      title: `Backup verification ${passed ? "PASSED" : "FAILED"}: ${selected.resourceArn}`,
      text: reason,
      severity,
      ...(mention ? { mention } : {}),
      facts: [
        { label: "RPO", value: `${rpo}${selected.rpoBreached ? " BREACHED" : ""}` },
        { label: "RTO", value: `${rto}${validation?.rtoBreached ? " BREACHED" : ""}` },
        { label: "Recovery point", value: selected.recoveryPoint.recoveryPointArn },
        { label: "Restored copy", value: copyDeleted ? "deleted" : "NOT deleted, needs attention" },
      ],
      runId: call.run.runId,
    });
    await ports.notifier.notify({
      channel: call.run.notify.slack,
      runId: call.run.runId,
      severity,
      ...(mention ? { mention } : {}),
      text:
        `Backup verification of ${selected.resourceArn}: ${passed ? "PASSED" : "FAILED"} — ` +
        `RPO ${formatDuration(selected.rpoSeconds)}/${formatDuration(selected.rpoTargetSeconds)}, ` +
        `RTO ${formatDuration(rtoSeconds)}/${formatDuration(rtoTargetSeconds)}` +
        (passed ? "" : ` — ${reason}`),
      ...(report.blocks ? { blocks: report.blocks } : {}),
    });
  }
  const result: BackupVerdict = { reportId, passed, status: passed ? "succeeded" : "failed", reason };
  return result;
};

/**
 * The verify-backup runbook's steps. `approve` mode runs like `auto`: verification only changes an
 * isolated copy that it always deletes, so there is nothing for a person to approve.
 */
export const verifyBackupSteps: Record<string, StepHandler> = {
  select,
  "start-restore": startRestore,
  "check-restore": checkRestore,
  validate,
  "cleanup-restore": cleanupRestore,
  report,
};
