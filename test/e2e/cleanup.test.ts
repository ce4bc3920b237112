import { normalizeEvent, route, type StartedDecision } from "@architech/core";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlPlane, slackMessageOfRun, startControlPlane, stopDatabase, waitFor } from "./harness.ts";

const policy = (mode: string, params: string, guardrails = "") => `
name: cleanup-estate
description: Mark and sweep stale resources.
trigger: { command: { name: cleanup } }
runbook: cleanup
params: { olderThan: 14d, gracePeriod: 7d, ${params} }
target: { type: account }
mode: ${mode}
guardrails: { cooldown: 0s, maxRunsPerHour: 100 ${guardrails} }
notify: { slack: "#platform" }
`;

const DAY = 86_400_000;
let plane: ControlPlane;
let runs = 0;
beforeEach(async () => {
  plane = await startControlPlane();
});
afterEach(async () => {
  await plane.stop();
});
afterAll(stopDatabase);

async function cleanup(yaml: string): Promise<StartedDecision> {
  const body = new URLSearchParams({
    token: "t",
    team_id: "T1",
    team_domain: "acme",
    channel_id: "C1",
    channel_name: "platform",
    user_id: "U1",
    user_name: "ana",
    command: "/architech",
    text: "cleanup",
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: `trigger-${++runs}`,
  }).toString();
  const signal = normalizeEvent({ kind: "slack-command", body });
  if (!signal.ok) throw new Error(signal.error.message);
  const result = await route(signal.signal, plane.deps(yaml));
  const decision = result.decisions[0];
  if (!decision || decision.kind === "suppressed" || decision.kind === "rejected") {
    throw new Error(`expected a started run, got ${JSON.stringify(decision)}`);
  }
  const execution = await plane.runner.waitForExecution(decision.executionArn);
  if (execution.status !== "SUCCEEDED")
    throw new Error(`cleanup ${execution.status}: ${JSON.stringify(execution.error ?? execution.output)}`);
  return decision;
}

const mutations = () => plane.sandbox.actions.filter((a) => a.via !== "scenario");
const volumeIds = () => plane.sandbox.resources.ec2.volumes.map((v) => v.id);

describe("cleanup on the embedded runtime", () => {
  it("in dry-run, finds what is stale and touches nothing", async () => {
    const decision = await cleanup(policy("dry-run", "allowDelete: true"));

    const run = await plane.store.getRun(decision.runId);
    expect(run?.status).toBe("dry-run");
    expect(run?.reason).toMatch(/\d+ stale resource\(s\)/);
    expect(mutations()).toEqual([]);
  });

  it("marks, tells each owner once, and deletes nothing while deleting is off", async () => {
    const decision = await cleanup(policy("auto", "allowDelete: false"));

    expect((await plane.store.getRun(decision.runId))?.status).toBe("succeeded");
    const marked = await plane.store.listCleanupMarks({ status: "notified", limit: 100 });
    const keys = marked.items.map((m) => m.resource);
    expect(keys).toEqual(
      expect.arrayContaining(["ebs-volume:vol-0aaa0000000000001", "ebs-volume:vol-0bbb0000000000001"]),
    );
    expect(keys).not.toContain("ebs-volume:vol-0cee0000000000001");
    expect(keys).not.toContain("ebs-volume:vol-0cf000000000000a1");
    expect(keys).not.toContain("ebs-snapshot:snap-0bac0000000000001");
    expect(keys).not.toContain("ebs-snapshot:snap-0a0100000000000a1");
    const volume = plane.sandbox.resources.ec2.volumes.find((v) => v.id === "vol-0bbb0000000000001");
    expect(volume?.tags["architech:cleanup-after"]).toBeDefined();

    // One digest per owner, in the thread of the run's one message, which ends as succeeded.
    const owners = new Set(marked.items.map((m) => m.owner ?? "(no owner tag)"));
    const runMessage = await slackMessageOfRun(plane, decision.runId);
    expect(runMessage?.text).toContain("succeeded");
    expect(runMessage?.threadTs).toBeUndefined();
    const digests = plane.sandbox.slack.messages.filter((m) =>
      JSON.stringify(m.blocks).includes("Marked for cleanup"),
    );
    expect(digests).toHaveLength(owners.size);
    expect(digests.every((m) => m.channel === "#platform" && m.threadTs === runMessage?.ts)).toBe(true);
    expect(plane.sandbox.slack.messages).toHaveLength(owners.size + 1);
    const teamB = digests.filter((m) => m.text.startsWith("team-b:"));
    expect(teamB).toHaveLength(1);
    expect(JSON.stringify(teamB[0]?.blocks)).toContain("vol-0bbb0000000000002");
    expect(JSON.stringify(teamB[0]?.blocks)).toContain("architech:keep=&lt;reason&gt;");

    const retention = mutations().filter((a) => a.operation === "logs.putRetentionPolicy");
    expect(retention.map((a) => a.target)).toEqual(
      expect.arrayContaining([expect.stringContaining("/aws/lambda/payments-webhook")]),
    );
    expect(mutations().some((a) => a.operation.includes("delete") || a.operation.includes("release"))).toBe(
      false,
    );

    plane.clock.advance(8 * DAY);
    const later = await cleanup(policy("auto", "allowDelete: false"));
    expect((await plane.store.getRun(later.runId))?.reason).toContain("deleting is off");
    expect(mutations().some((a) => a.operation.includes("delete") || a.operation.includes("release"))).toBe(
      false,
    );
  });

  it("after the grace period, re-checks and deletes only what is still stale, snapshotting volumes first", async () => {
    await cleanup(policy("auto", "allowDelete: true"));
    const marked = (await plane.store.listCleanupMarks({ status: "notified", limit: 100 })).items.map(
      (m) => m.resource,
    );
    expect(marked).toContain("ebs-volume:vol-0bbb0000000000002");
    // Before the grace period ends nothing is deleted.
    await cleanup(policy("auto", "allowDelete: true"));
    expect(mutations().some((a) => a.operation === "ec2.deleteVolume")).toBe(false);

    // Its owner opts one volume out during the grace period.
    await plane.sandbox.ports.ec2?.createTags(["vol-0bbb0000000000002"], {
      "architech:keep": "needed for the audit",
    });
    plane.clock.advance(8 * DAY);
    const sweep = await cleanup(policy("auto", "allowDelete: true"));

    expect((await plane.store.getRun(sweep.runId))?.status).toBe("succeeded");
    const ids = volumeIds();
    expect(ids).not.toContain("vol-0aaa0000000000001");
    expect(ids).not.toContain("vol-0bbb0000000000001");
    expect(ids).toContain("vol-0bbb0000000000002");
    expect(ids).toEqual(
      expect.arrayContaining(["vol-0cee0000000000001", "vol-0cf000000000000a1", "vol-0a1b2c3d4e5f60718"]),
    );
    expect((await plane.store.getCleanupMark("ebs-volume:vol-0bbb0000000000002"))?.status).toBe("spared");
    const deleted = await plane.store.getCleanupMark("ebs-volume:vol-0aaa0000000000001");
    expect(deleted?.status).toBe("deleted");
    expect(plane.sandbox.resources.ec2.snapshots.some((s) => s.id === deleted?.snapshotId)).toBe(true);
    const snapshots = plane.sandbox.resources.ec2.snapshots.map((s) => s.id);
    expect(snapshots).toEqual(expect.arrayContaining(["snap-0bac0000000000001", "snap-0a0100000000000a1"]));
    const images = Object.entries(plane.sandbox.resources.ecr.repositories).flatMap(([name, repository]) =>
      repository.images.map((image) => `${name}@${image.digest}`),
    );
    expect(images.some((i) => i.startsWith("storefront-preview@sha256:fdc31e"))).toBe(true);
    expect(images.some((i) => i.startsWith("legacy-billing@"))).toBe(true);
    const audit = await plane.store.listAuditByRun({ runId: sweep.runId, limit: 100 });
    expect(audit.items.filter((e) => e.action === "deleted").length).toBeGreaterThan(0);
  });

  it("stops and asks instead of deleting beyond the blast radius", async () => {
    await cleanup(policy("auto", "allowDelete: true", ", blastRadius: { maxCount: 1 }"));
    plane.clock.advance(8 * DAY);
    const body = new URLSearchParams({
      token: "t",
      team_id: "T1",
      team_domain: "acme",
      channel_id: "C1",
      channel_name: "platform",
      user_id: "U1",
      user_name: "ana",
      command: "/architech",
      text: "cleanup",
      response_url: "https://hooks.slack.com/commands/T1/1/x",
      trigger_id: "trigger-over-cap",
    }).toString();
    const signal = normalizeEvent({ kind: "slack-command", body });
    if (!signal.ok) throw new Error(signal.error.message);
    const result = await route(
      signal.signal,
      plane.deps(policy("auto", "allowDelete: true", ", blastRadius: { maxCount: 1 }")),
    );
    const decision = result.decisions[0] as StartedDecision;

    const approval = await waitFor(() => plane.store.getApproval(`approval-${decision.runId}-sweep`));
    expect(approval.decision).toBe("pending");
    expect(mutations().some((a) => a.operation.includes("delete") || a.operation.includes("release"))).toBe(
      false,
    );
    await plane.runner.stopWorkflow(decision.executionArn, "test over");
    expect((await plane.runner.waitForExecution(decision.executionArn)).status).toBe("ABORTED");
  });
});
