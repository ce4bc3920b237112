import { type CreateRunInput, StoreError } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

function newRun(id: string, target: string): CreateRunInput {
  return { id, policy: "rollback-api", runbook: "rollback", target, signal: { type: "alarm" }, mode: "auto" };
}

/** Runs `call` and returns what it threw (or fails when it did not throw). */
async function thrown(call: () => Promise<unknown>): Promise<StoreError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(error)}`);
  return error;
}

/** A JSON value whose DynamoDB size is about `kb` KB. */
function blob(kb: number): { text: string } {
  return { text: "x".repeat(kb * 1024) };
}

describe("bad input", () => {
  it("refuses empty, blank and separator-carrying ids and writes nothing", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("ecs-service:prod/api");

    // Act
    const empty = await thrown(() => store.createRun(newRun("", target)));
    const blank = await thrown(() => store.createRun(newRun("  ", target)));
    const separator = await thrown(() => store.createRun(newRun("run#1", target)));
    const emptyRead = await thrown(() => store.getRun(""));

    // Assess
    for (const error of [empty, blank, separator, emptyRead]) expect(error.code).toBe("InvalidStoreInput");
    expect(empty.issues).toEqual(["id: must not be empty"]);
    expect(separator.message).toMatch(/id: must not contain '#'/);
    expect((await store.listRunsByTarget({ target })).items).toEqual([]);
  });

  it("names every missing or malformed attribute and writes nothing", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");
    const { policy: _missing, ...withoutPolicy } = newRun(id, "ecs-service:prod/api");

    // Act
    const error = await thrown(() =>
      store.createRun({
        ...withoutPolicy,
        mode: "yolo",
        signal: { n: Number.NaN },
      } as unknown as CreateRunInput),
    );

    // Assess
    expect(error.code).toBe("InvalidStoreInput");
    expect(error.issues.map((issue) => issue.split(":")[0])).toEqual(
      expect.arrayContaining(["policy", "mode", "signal.n"]),
    );
    expect(await store.getRun(id)).toBeUndefined();
  });

  it("refuses a plan over its budget before writing", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");

    // Act
    const error = await thrown(() =>
      store.createRun({ ...newRun(id, "ecs-service:prod/api"), plan: blob(200) }),
    );

    // Assess
    expect(error.code).toBe("ItemTooLarge");
    expect(error.message).toMatch(/plan is 200\.0 KB, over its 160\.0 KB budget/);
    expect(await store.getRun(id)).toBeUndefined();
  });

  it("refuses an outcome over its budget and leaves the run as it was", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");
    await store.createRun(newRun(id, "ecs-service:prod/api"));

    // Act
    const error = await thrown(() => store.transitionRun({ id, to: "running", outcome: blob(300) }));

    // Assess
    expect(error.code).toBe("ItemTooLarge");
    const stored = await store.getRun(id);
    expect(stored?.status).toBe("pending");
    expect(stored).not.toHaveProperty("outcome");
  });

  it("measures whole items: just under 400 KB is written, just over is refused", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const target = uniqueKey("t");
    const entry = { kind: "action" as const, action: "noted", actor: "router", reason: "size", target };

    // Act
    const fits = await store.appendAudit({ ...entry, details: { text: "x".repeat(399 * 1024) } });
    const tooLarge = await thrown(() =>
      store.appendAudit({ ...entry, details: { text: "x".repeat(400 * 1024) } }),
    );

    // Assess
    expect(fits.id).toHaveLength(26);
    expect(tooLarge.code).toBe("ItemTooLarge");
    expect(tooLarge.message).toMatch(/over DynamoDB's 400\.0 KB item limit \(largest: details/);
    expect((await store.listAuditByTarget({ target })).items).toHaveLength(1);
  });

  it("maps DynamoDB's own item-size refusal to ItemTooLarge", async () => {
    // Prepare: go around the store's check, straight to the entity
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const { toStoreError } = await import("@architech/aws");
    const id = uniqueKey("run");

    // Act
    const error = await store.entities.run
      .create({
        ...newRun(id, "t"),
        plan: blob(500),
        status: "pending",
        createdAt: "2024-05-01T12:00:00.000Z",
        updatedAt: "2024-05-01T12:00:00.000Z",
      })
      .go()
      .then(
        () => undefined,
        (e: unknown) => toStoreError(e, "createRun"),
      );

    // Assess
    expect(error?.code).toBe("ItemTooLarge");
    expect(await store.getRun(id)).toBeUndefined();
  });

  it("refuses malformed times, durations and kind-specific fields", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));

    // Act
    const badTime = await thrown(() =>
      store.startCooldown({ policy: "p", target: uniqueKey("t"), until: "tomorrow" }),
    );
    const zeroTtl = await thrown(() => store.claimDedupe({ policy: "p", key: "k", runId: "r", ttlMs: 0 }));
    const ecsWithoutTaskDefinition = await thrown(() =>
      store.recordDeployment({ service: "s", id: "d", kind: "ecs", deployedAt: "2024-05-01T00:00:00Z" }),
    );
    const windowBackwards = await thrown(() =>
      store.addFreezeWindow({
        id: uniqueKey("freeze"),
        start: "2024-05-02T00:00:00Z",
        end: "2024-05-01T23:00:00Z",
        reason: "release",
        by: "slack:U1",
      }),
    );

    // Assess
    expect(badTime.issues).toEqual([expect.stringMatching(/^until: /)]);
    expect(zeroTtl.issues).toEqual([expect.stringMatching(/^ttlMs: /)]);
    expect(ecsWithoutTaskDefinition.issues).toEqual(["taskDefinitionArn: an ECS release needs it"]);
    expect(windowBackwards.issues).toEqual(["end: must be after start"]);
    expect((await store.readSwitches()).freezeWindows).toEqual([]);
  });
});
