import { normalizeEvent, route, type StartedDecision } from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlPlane, slackMessageOfRun, startControlPlane, stopDatabase } from "./harness.ts";

const TABLE = (name: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`;
const policy = (table: string, rto = "4h") => `
name: verify-${table}
description: Prove the latest backup restores.
trigger: { command: { name: verify-backup } }
runbook: verify-backup
params: { rpo: 1h, rto: ${rto}, sampleReads: 20, restoreRoleArn: "arn:aws:iam::123456789012:role/backup-restore" }
target: { type: backup-resource, resourceArn: "${TABLE(table)}" }
mode: auto
notify: { slack: "#data-platform", oncall: S0DATAONCALL }
`;

let plane: ControlPlane;
let n = 0;
beforeEach(async () => {
  plane = await startControlPlane();
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

async function verify(table: string, rto?: string) {
  const body = new URLSearchParams({
    token: "t",
    team_id: "T1",
    team_domain: "acme",
    channel_id: "C1",
    channel_name: "data",
    user_id: "U1",
    user_name: "ana",
    command: "/architech",
    text: "verify-backup",
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: `verify-${++n}`,
  }).toString();
  const signal = normalizeEvent({ kind: "slack-command", body });
  if (!signal.ok) throw new Error(signal.error.message);
  const result = await route(signal.signal, plane.deps(policy(table, rto)));
  const decision = result.decisions[0] as StartedDecision;
  if (decision?.kind !== "start")
    throw new Error(`expected a start, got ${JSON.stringify(result.decisions[0])}`);
  const execution = await plane.runner.waitForExecution(decision.executionArn);
  const run = await plane.store.getRun(decision.runId);
  const report = (await plane.store.listBackupReports({ resource: TABLE(table) })).items[0];
  return { decision, execution, run, report };
}

const restoredTables = () =>
  plane.sandbox.resources.dynamodb.tables
    .map((t) => t.name)
    .filter((name) => name.startsWith("architech-restore-"));

describe("backup verification on the embedded runtime", () => {
  it("restores the latest recovery point, validates it, measures RPO and RTO, and deletes the copy", async () => {
    const { execution, run, report } = await verify("orders");

    expect(execution.status).toBe("SUCCEEDED");
    expect(run?.status).toBe("succeeded");
    expect(report).toBeDefined();
    expect(JSON.stringify(report)).toContain("orders-h00");
    expect(restoredTables()).toEqual([]);
    expect(plane.sandbox.actions.filter((a) => a.operation === "backup.startRestoreJob")).toHaveLength(1);
    expect(
      plane.sandbox.actions.some(
        (a) => a.operation === "dynamodb.deleteTable" && a.target.includes("architech-restore-"),
      ),
    ).toBe(true);
    // The source is never touched.
    expect(plane.sandbox.resources.dynamodb.tables.some((t) => t.name === "orders")).toBe(true);
  });

  it("reports a corrupted backup as a failure, mentioning the on-call, and still deletes the copy", async () => {
    const { decision, execution, run } = await verify("customers");

    expect(execution.status).toBe("FAILED");
    expect(run?.status).toBe("failed");
    expect(run?.reason).toMatch(/item/i);
    expect(restoredTables()).toEqual([]);
    const runMessage = await slackMessageOfRun(plane, decision.runId);
    expect(runMessage?.channel).toBe("#data-platform");
    expect(runMessage?.text).toMatch(/^<!subteam\^S0DATAONCALL> .*failed/);
    const thread = plane.sandbox.slack.messages.filter((m) => m.threadTs === runMessage?.ts);
    const report = thread.find((m) => JSON.stringify(m.blocks).includes("Backup verification FAILED"));
    expect(report?.text).toMatch(/^<!subteam\^S0DATAONCALL> /);
  });

  it("reports a restore that fails, leaving nothing behind", async () => {
    const { run } = await verify("invoices");

    expect(run?.status).toBe("failed");
    expect(restoredTables()).toEqual([]);
  });

  it("fails loudly when the newest recovery point is older than the RPO", async () => {
    plane.clock.advance(2 * 3_600_000);
    const { run } = await verify("orders");

    expect(run?.status).toBe("failed");
    expect(run?.reason).toMatch(/RPO/);
    expect(restoredTables()).toEqual([]);
  });

  it("fails when there is no recovery point to restore", async () => {
    const { run } = await verify("no-such-table");

    expect(run?.status).toBe("failed");
    expect(run?.reason).toContain("no recovery point");
    expect(plane.sandbox.actions.filter((a) => a.operation === "backup.startRestoreJob")).toEqual([]);
  });

  it("fails a restore past its RTO, and still waits for it to end to delete the copy", async () => {
    const { run } = await verify("orders", "5m");

    expect(run?.status).toBe("failed");
    expect(run?.reason).toMatch(/RTO/);
    expect(restoredTables()).toEqual([]);
    expect(
      plane.sandbox.actions.some(
        (a) => a.operation === "dynamodb.deleteTable" && a.target.includes("architech-restore-"),
      ),
    ).toBe(true);
  });
});
