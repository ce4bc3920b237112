import type { AppendAuditInput, AuditEntry, StorePage } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

function entry(target: string, n: number, runId?: string): AppendAuditInput {
  return {
    kind: "decision",
    action: n % 2 === 0 ? "started" : "suppressed",
    actor: "router",
    reason: `decision ${n}`,
    policy: "rollback-api",
    target,
    ...(runId === undefined ? {} : { runId }),
  };
}

async function collect(
  list: (cursor: string | undefined) => Promise<StorePage<AuditEntry>>,
): Promise<{ reasons: string[]; pages: number }> {
  const reasons: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor);
    pages += 1;
    reasons.push(...page.items.map((item) => item.reason));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { reasons, pages };
}

describe("audit log", () => {
  it("lists a target's entries newest first by default, oldest first on request, across pages", async () => {
    // Prepare: seven entries a second apart
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("ecs-service:prod/api");
    for (let n = 1; n <= 7; n++) {
      await store.appendAudit(entry(target, n));
      clock.advance(1000);
    }

    // Act
    const newest = await collect((cursor) => store.listAuditByTarget({ target, limit: 3, cursor }));
    const oldest = await collect((cursor) =>
      store.listAuditByTarget({ target, limit: 3, cursor, order: "oldest-first" }),
    );

    // Assess
    expect(newest.reasons).toEqual([7, 6, 5, 4, 3, 2, 1].map((n) => `decision ${n}`));
    expect(oldest.reasons).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `decision ${n}`));
    expect(newest.pages).toBe(3);
  });

  it("orders entries written in the same millisecond by id and stamps id and time from the clock", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("ecs-service:prod/api");

    // Act
    const written = [];
    for (let n = 1; n <= 3; n++) written.push(await store.appendAudit(entry(target, n)));
    const listed = await store.listAuditByTarget({ target, order: "oldest-first" });

    // Assess
    expect(listed.items.map((item) => item.id)).toEqual(written.map((item) => item.id).sort());
    expect(written.every((item) => item.at === "2024-05-01T12:00:00.000Z")).toBe(true);
    expect(written.every((item) => item.id.startsWith("01HWT0D7G0"))).toBe(true);
  });

  it("lists by run and by time range (since inclusive, before exclusive)", async () => {
    // Prepare
    const clock = manualClock("2024-06-01T00:00:00Z");
    const store = harness.store(clock);
    const target = uniqueKey("ecs-service:prod/api");
    const runId = uniqueKey("run");
    for (let n = 1; n <= 5; n++) {
      await store.appendAudit(entry(target, n, n % 2 === 1 ? runId : undefined));
      clock.advance(60_000);
    }

    // Act
    const byRun = await store.listAuditByRun({ runId, order: "oldest-first" });
    const window = await store.listAuditByTarget({
      target,
      since: "2024-06-01T00:01:00Z",
      before: "2024-06-01T00:03:00Z",
      order: "oldest-first",
    });

    // Assess
    expect(byRun.items.map((item) => item.reason)).toEqual(["decision 1", "decision 3", "decision 5"]);
    expect(window.items.map((item) => item.reason)).toEqual(["decision 2", "decision 3"]);
  });

  it("lists everything in time order, newest first, with entries that name no target", async () => {
    // Prepare: a clock far after every other test's entries
    const clock = manualClock("2030-01-01T00:00:00Z");
    const store = harness.store(clock);
    await store.appendAudit({
      kind: "switch",
      action: "kill-switch-engaged",
      actor: "slack:U1",
      reason: "incident",
    });
    clock.advance(1);
    await store.appendAudit(entry(uniqueKey("t"), 1));

    // Act
    const page = await store.listAudit({ limit: 2 });
    const since = await store.listAudit({ since: "2030-01-01T00:00:00Z", order: "oldest-first" });

    // Assess
    expect(page.items.map((item) => item.reason)).toEqual(["decision 1", "incident"]);
    expect(since.items).toHaveLength(2);
    expect(since.items[0]).not.toHaveProperty("target");
  });

  it("has no way to change an entry", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const written = await store.appendAudit(entry(uniqueKey("t"), 1));

    // Act
    const update = await store.entities.audit
      .patch({ id: written.id })
      .set({ reason: "rewritten" })
      .go()
      .catch((error: unknown) => error);

    // Assess
    expect(String(update)).toMatch(/read-only/i);
    expect((await store.listAuditByTarget({ target: written.target ?? "" })).items[0]?.reason).toBe(
      "decision 1",
    );
    expect(Object.keys(store).filter((name) => /audit/i.test(name))).toEqual([
      "appendAudit",
      "listAudit",
      "listAuditByTarget",
      "listAuditByRun",
    ]);
  });

  it("refuses a cursor it did not issue", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const foreign = Buffer.from(JSON.stringify({ pk: "a", sk: "b" })).toString("base64url");

    // Act
    const garbage = await store.listAudit({ cursor: "not-a-cursor" }).catch((error: unknown) => error);
    const wrongIndex = await store.listAudit({ cursor: foreign }).catch((error: unknown) => error);

    // Assess
    expect(garbage).toMatchObject({ name: "StoreError", code: "InvalidStoreInput" });
    expect(wrongIndex).toMatchObject({ name: "StoreError", code: "InvalidStoreInput" });
  });
});
