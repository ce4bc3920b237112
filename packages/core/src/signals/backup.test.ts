import { describe, expect, it } from "vitest";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixture, signalOf } from "./test-support.ts";

const vault = "arn:aws:backup:eu-west-1:123456789012:backup-vault:architech-prod";
const recoveryPoint =
  "arn:aws:backup:eu-west-1:123456789012:recovery-point:2b7e4c1a-9d3f-4a86-b5e0-7c1d9f3a2e68";

describe("Backup Job State Change", () => {
  it("reads a completed job: resource, recovery point (from resources), vault, timings and size", () => {
    // Prepare
    const event = readEventFixture("backup/backup-job-state-change.completed.json");

    // Act
    const signal = signalOf(normalizeEvent(event), "backup-job");

    // Assess
    expect(signal).toMatchObject({
      backupJobId: "e4a1c7d9-3b52-4f86-9a0e-2d6c8b1f5e37",
      state: "COMPLETED",
      completedWithIssues: false,
      statusMessage: null,
      resourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
      resourceType: "DynamoDB",
      recoveryPointArn: recoveryPoint,
      backupVaultName: "architech-prod",
      backupVaultArn: vault,
      createdAt: "2026-03-02T01:00:04.512Z",
      completedAt: "2026-03-02T01:17:51.230Z",
      startBy: "2026-03-02T09:00:04.512Z",
      durationSeconds: 1067,
      percentDone: 100,
      backupSizeBytes: 5368709120,
    });
  });

  it("reads a failed job with its status message", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("backup/backup-job-state-change.failed.json")),
      "backup-job",
    );

    expect(signal.state).toBe("FAILED");
    expect(signal.statusMessage).toContain("not in a state that allows snapshots");
    expect([signal.completedAt, signal.durationSeconds, signal.recoveryPointArn]).toEqual([null, null, null]);
  });

  it("flags a COMPLETED job with a status message as completed with issues", () => {
    const event = readEventFixture("backup/backup-job-state-change.completed.json") as {
      detail: Record<string, unknown>;
    };
    event.detail.statusMessage = "Windows VSS backup attempt failed because of timeout.";

    const signal = signalOf(normalizeEvent(event), "backup-job");

    expect(signal.completedWithIssues).toBe(true);
  });

  it("rejects a state the Backup API does not have", () => {
    const event = readEventFixture("backup/backup-job-state-change.completed.json") as {
      detail: Record<string, unknown>;
    };
    event.detail.state = "SUCCEEDED";

    const result = normalizeEvent(event);

    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([["detail", "state"]]);
  });
});

describe("Restore Job State Change", () => {
  it("reads a completed restore: source, created resource, recovery point and duration", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("backup/restore-job-state-change.completed.json")),
      "restore-job",
    );

    expect(signal).toMatchObject({
      restoreJobId: "F2A7C1E9-4B3D-4E86-A0C5-9D1B7E3F2A64",
      state: "COMPLETED",
      sourceResourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
      createdResourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restore-check",
      recoveryPointArn: recoveryPoint,
      backupVaultName: "architech-prod",
      resourceType: "DynamoDB",
      durationSeconds: 1482,
      restoreTestingPlanArn: null,
    });
  });

  it("reads the CREATED event, which reports `state` where the others report `status`", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("backup/restore-job-state-change.created.json")),
      "restore-job",
    );

    expect([signal.state, signal.recoveryPointArn]).toEqual(["CREATED", recoveryPoint]);
  });

  it.each([
    ["restore-job-state-change.running.json", "RUNNING"],
    ["restore-job-state-change.failed.json", "FAILED"],
  ])("reads %s as %s", (file, state) => {
    expect(signalOf(normalizeEvent(readEventFixture(`backup/${file}`)), "restore-job").state).toBe(state);
  });

  it("requires a status or state", () => {
    const event = readEventFixture("backup/restore-job-state-change.running.json") as {
      detail: Record<string, unknown>;
    };
    delete event.detail.status;

    const result = normalizeEvent(event);

    expect(result).toMatchObject({
      ok: false,
      error: { code: "MalformedEvent", kind: "restore-job-state-change" },
    });
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([["detail", "status"]]);
  });
});
