import type { RequestApprovalInput } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, type ManualClock, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

const PLAN = "sha256:9f86d081884c7d659a2feaa0c55ad015";

function request(id: string): RequestApprovalInput {
  return {
    id,
    runId: `run-of-${id}`,
    policy: "rollback-api",
    target: "ecs-service:prod/api",
    planHash: PLAN,
    requestedBy: "router",
    expiresAt: "2024-05-01T12:15:00Z",
  };
}

async function requested(clock: ManualClock) {
  const store = harness.store(clock);
  const id = uniqueKey("approval");
  await store.requestApproval(request(id));
  return { store, id };
}

describe("approvals", () => {
  it("is decided once: a second decision is refused and the first stands", async () => {
    // Prepare
    const { store, id } = await requested(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const approved = await store.decideApproval({
      id,
      planHash: PLAN,
      decision: "approved",
      decidedBy: "slack:U1",
    });
    const denied = await store.decideApproval({
      id,
      planHash: PLAN,
      decision: "denied",
      decidedBy: "slack:U2",
    });

    // Assess
    expect(approved).toMatchObject({
      decided: true,
      approval: { decision: "approved", decidedBy: "slack:U1", decidedAt: "2024-05-01T12:00:00.000Z" },
    });
    expect(denied).toMatchObject({
      decided: false,
      reason: "already-decided",
      approval: { decision: "approved" },
    });
    expect(await store.getApproval(id)).toMatchObject({ decision: "approved", decidedBy: "slack:U1" });
  });

  it("lets exactly one of many concurrent decisions win", async () => {
    // Prepare
    const { store, id } = await requested(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.decideApproval({
          id,
          planHash: PLAN,
          decision: i % 2 === 0 ? "approved" : "denied",
          decidedBy: `slack:U${i}`,
        }),
      ),
    );

    // Assess
    expect(results.filter((r) => r.decided)).toHaveLength(1);
  });

  it("cannot be approved at or after its expiry, and expires to expired", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const { store, id } = await requested(clock);

    // Act
    clock.set("2024-05-01T12:14:59.999Z");
    const notYetDue = await store.expireApproval(id);
    clock.set("2024-05-01T12:15:00.000Z");
    const late = await store.decideApproval({
      id,
      planHash: PLAN,
      decision: "approved",
      decidedBy: "slack:U1",
    });
    const expired = await store.expireApproval(id);
    const approveAfterExpiry = await store.decideApproval({
      id,
      planHash: PLAN,
      decision: "approved",
      decidedBy: "slack:U1",
    });

    // Assess
    expect(notYetDue).toMatchObject({ expired: false, reason: "not-yet-due" });
    expect(late).toMatchObject({ decided: false, reason: "expired", approval: { decision: "pending" } });
    expect(expired).toMatchObject({ expired: true, approval: { decision: "expired" } });
    expect(approveAfterExpiry).toMatchObject({ decided: false, reason: "already-decided" });
  });

  it("rejects a decision for a different plan hash", async () => {
    // Prepare
    const { store, id } = await requested(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const result = await store.decideApproval({
      id,
      planHash: "sha256:0000000000000000",
      decision: "approved",
      decidedBy: "slack:U1",
    });

    // Assess
    expect(result).toMatchObject({ decided: false, reason: "plan-mismatch" });
    expect(await store.getApproval(id)).toMatchObject({ decision: "pending" });
  });

  it("reports an unknown approval and a repeated request", async () => {
    // Prepare
    const { store, id } = await requested(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const unknown = await store.decideApproval({
      id: "nope",
      planHash: PLAN,
      decision: "approved",
      decidedBy: "x",
    });
    const repeat = await store.requestApproval({ ...request(id), planHash: "sha256:1111111111111111" });

    // Assess
    expect(unknown).toEqual({ decided: false, reason: "not-found" });
    expect(repeat).toMatchObject({ requested: false, existing: { planHash: PLAN } });
  });

  it("lists pending approvals by expiry, leaving decided ones out", async () => {
    // Prepare: a clock of its own so only this test's approvals are due before 2031
    const store = harness.store(manualClock("2030-01-01T00:00:00Z"));
    const ids = [uniqueKey("approval"), uniqueKey("approval"), uniqueKey("approval")];
    await store.requestApproval({ ...request(ids[0] ?? ""), expiresAt: "2030-01-01T00:30:00Z" });
    await store.requestApproval({ ...request(ids[1] ?? ""), expiresAt: "2030-01-01T00:10:00Z" });
    await store.requestApproval({ ...request(ids[2] ?? ""), expiresAt: "2030-01-01T00:20:00Z" });
    await store.decideApproval({
      id: ids[2] ?? "",
      planHash: PLAN,
      decision: "denied",
      decidedBy: "slack:U1",
    });

    // Act
    const due = await store.listPendingApprovals({ expiringBefore: "2030-01-01T00:30:00Z" });
    const all = await store.listPendingApprovals({ expiringBefore: "2031-01-01T00:00:00Z" });

    // Assess
    expect(due.items.filter((a) => ids.includes(a.id)).map((a) => a.id)).toEqual([ids[1]]);
    expect(all.items.filter((a) => ids.includes(a.id)).map((a) => a.id)).toEqual([ids[1], ids[0]]);
  });
});
