import type { SaveBackupReportInput } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

describe("cleanup marks", () => {
  it("marks once, moves forward only, and lists the due marks by grace period", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const volume = uniqueKey("arn:aws:ec2:eu-west-1:123456789012:volume/vol-0abc");
    const later = uniqueKey("arn:aws:ec2:eu-west-1:123456789012:volume/vol-0def");
    const base = {
      resourceType: "AWS::EC2::Volume",
      policy: "cleanup-dev",
      reason: "unattached for 30 days",
    };
    await store.markForCleanup({
      ...base,
      resource: volume,
      deleteAfter: "2024-05-08T12:00:00Z",
      owner: "team-a",
    });
    await store.markForCleanup({ ...base, resource: later, deleteAfter: "2024-05-09T12:00:00Z" });

    // Act
    const again = await store.markForCleanup({
      ...base,
      resource: volume,
      deleteAfter: "2024-06-01T00:00:00Z",
    });
    const notified = await store.updateCleanupMark({ resource: volume, status: "notified" });
    await store.updateCleanupMark({ resource: later, status: "notified" });
    const due = await store.listCleanupMarks({ status: "notified", dueBefore: "2024-05-09T00:00:00Z" });
    const deleted = await store.updateCleanupMark({
      resource: volume,
      status: "deleted",
      snapshotId: "snap-1",
    });
    const backwards = await store.updateCleanupMark({ resource: volume, status: "notified" });

    // Assess
    expect(again).toMatchObject({ marked: false, existing: { deleteAfter: "2024-05-08T12:00:00.000Z" } });
    expect(notified).toMatchObject({ updated: true, mark: { status: "notified", owner: "team-a" } });
    expect(due.items.map((m) => m.resource)).toEqual([volume]);
    expect(deleted).toMatchObject({ updated: true, mark: { status: "deleted", snapshotId: "snap-1" } });
    expect(backwards).toMatchObject({ updated: false, current: { status: "deleted" } });
  });

  it("may mark a spared resource again", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const resource = uniqueKey("eipalloc");
    const base = { resource, resourceType: "AWS::EC2::EIP", policy: "cleanup-dev", reason: "idle" };
    await store.markForCleanup({ ...base, deleteAfter: "2024-05-08T12:00:00Z" });
    await store.updateCleanupMark({ resource, status: "spared", reason: "opt-out tag" });

    // Act
    const remarked = await store.markForCleanup({ ...base, deleteAfter: "2024-06-08T12:00:00Z" });

    // Assess
    expect(remarked).toMatchObject({ marked: true, mark: { status: "marked" } });
    expect(await store.getCleanupMark(resource)).toMatchObject({
      status: "marked",
      deleteAfter: "2024-06-08T12:00:00.000Z",
    });
  });
});

describe("recommendations", () => {
  it("saves, lists by target and status, and applies an open recommendation once", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("ecs-service:prod/api");
    const ids = [uniqueKey("rec"), uniqueKey("rec")];
    for (const id of ids) {
      await store.saveRecommendation({
        id,
        target,
        policy: "rightsize-api",
        runbook: "rightsize",
        current: { cpu: 1024, memory: 2048 },
        recommended: { cpu: 512, memory: 1024 },
        estimatedMonthlySavings: 29.57,
        basis: { cpuP95: 18.2, coverage: 0.97, days: 14 },
      });
      clock.advance(1000);
    }

    // Act
    const byTarget = await store.listRecommendationsByTarget({ target });
    const applied = await store.setRecommendationStatus({ id: ids[0] ?? "", status: "applied" });
    const twice = await store.setRecommendationStatus({ id: ids[0] ?? "", status: "dismissed" });
    const open = await store.listRecommendationsByStatus({ status: "open" });

    // Assess
    expect(byTarget.items.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect(byTarget.items[0]).toMatchObject({ currency: "USD", status: "open", basis: { coverage: 0.97 } });
    expect(applied).toMatchObject({ updated: true, recommendation: { status: "applied" } });
    expect(twice).toMatchObject({ updated: false, current: { status: "applied" } });
    expect(open.items.map((r) => r.id)).toContain(ids[1]);
    expect(open.items.map((r) => r.id)).not.toContain(ids[0]);
  });
});

describe("backup reports", () => {
  function report(id: string, resource: string, startedAt: string): SaveBackupReportInput {
    return {
      id,
      resource,
      recoveryPointArn: `arn:aws:backup:eu-west-1:123456789012:recovery-point:${id}`,
      passed: true,
      rpoSeconds: 1800,
      rtoSeconds: 5400,
      rpoTargetSeconds: 3600,
      rtoTargetSeconds: 14_400,
      checks: [{ name: "item-count", passed: true, expected: 1200, observed: 1200 }],
      restoredCopyDeleted: true,
      startedAt,
      finishedAt: startedAt,
    };
  }

  it("writes a report once and lists reports newest first, per resource and overall", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const table = uniqueKey("arn:aws:dynamodb:eu-west-1:123456789012:table/orders");
    const ids = [uniqueKey("report"), uniqueKey("report")];
    await store.saveBackupReport(report(ids[0] ?? "", table, "2024-05-01T10:00:00Z"));
    clock.advance(60_000);
    await store.saveBackupReport(report(ids[1] ?? "", table, "2024-05-01T11:00:00Z"));

    // Act
    const again = await store.saveBackupReport({
      ...report(ids[0] ?? "", table, "2024-05-01T10:00:00Z"),
      passed: false,
    });
    const forTable = await store.listBackupReports({ resource: table });
    const recent = await store.listBackupReports({ since: "2024-05-01T12:01:00Z" });

    // Assess
    expect(again).toMatchObject({ saved: false, existing: { passed: true } });
    expect(forTable.items.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect(recent.items.map((r) => r.id)).toEqual([ids[1]]);
    expect(await store.getBackupReport(ids[0] ?? "")).toMatchObject({
      checks: [{ name: "item-count", observed: 1200 }],
    });
  });
});
