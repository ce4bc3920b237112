import { type RecordSlackThreadInput, StoreError } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, manualClock, startHarness, uniqueKey } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

/** Runs `call` and returns what it threw (or fails when it did not throw). */
async function thrown(call: () => Promise<unknown>): Promise<StoreError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(error)}`);
  return error;
}

describe("slack threads", () => {
  it("records a run's message once and reads it back", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");

    // Act
    const recorded = await store.recordSlackThread({
      subject: "run",
      id,
      channel: "C0123456789",
      ts: "1714564800.000100",
    });
    const read = await store.getSlackThread({ subject: "run", id });
    const otherSubject = await store.getSlackThread({ subject: "approval", id });

    // Assess
    const thread = { subject: "run", id, channel: "C0123456789", ts: "1714564800.000100" };
    expect(recorded).toEqual({
      recorded: true,
      thread: { ...thread, createdAt: "2024-05-01T12:00:00.000Z" },
    });
    expect(read).toEqual({ ...thread, createdAt: "2024-05-01T12:00:00.000Z" });
    expect(otherSubject).toBeUndefined();
  });

  it("keys an alarm episode by its alarm ARN and the instant it went into ALARM", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const arn = `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${uniqueKey("checkout-api-5xx")}`;
    const first = `${arn}@2024-05-01T11:58:00.000Z`;
    const second = `${arn}@2024-05-01T14:02:00.000Z`;
    await store.recordSlackThread({
      subject: "alarm",
      id: first,
      channel: "C0123456789",
      ts: "1714564700.000200",
    });

    // Act
    const next = await store.recordSlackThread({
      subject: "alarm",
      id: second,
      channel: "C0123456789",
      ts: "1714572120.000300",
    });

    // Assess
    expect(next.recorded).toBe(true);
    expect((await store.getSlackThread({ subject: "alarm", id: first }))?.ts).toBe("1714564700.000200");
    expect((await store.getSlackThread({ subject: "alarm", id: second }))?.ts).toBe("1714572120.000300");
  });

  it("lets the first of 20 racing records win, and tells everyone which message it is", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const id = uniqueKey("approval");
    const messages: RecordSlackThreadInput[] = Array.from({ length: 20 }, (_, i) => ({
      subject: "approval",
      id,
      channel: "C0123456789",
      ts: `1714564800.${String(i).padStart(6, "0")}`,
    }));

    // Act
    const results = await Promise.all(messages.map((message) => store.recordSlackThread(message)));

    // Assess
    const winners = results.flatMap((result) => (result.recorded ? [result.thread] : []));
    expect(winners).toHaveLength(1);
    const answered = new Set(results.map((result) => (result.recorded ? result.thread : result.existing).ts));
    expect(answered).toEqual(new Set([winners[0]?.ts]));
    expect(await store.getSlackThread({ subject: "approval", id })).toEqual(winners[0]);
  });

  it("answers a later record with the message recorded first, unchanged", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const store = harness.store(clock);
    const id = uniqueKey("run");
    await store.recordSlackThread({ subject: "run", id, channel: "C0123456789", ts: "1714564800.000100" });
    clock.advance(60_000);

    // Act
    const again = await store.recordSlackThread({
      subject: "run",
      id,
      channel: "C9876543210",
      ts: "1714564860.000900",
    });

    // Assess
    expect(again).toEqual({
      recorded: false,
      existing: {
        subject: "run",
        id,
        channel: "C0123456789",
        ts: "1714564800.000100",
        createdAt: "2024-05-01T12:00:00.000Z",
      },
    });
  });

  it("refuses bad input with a typed error naming each problem, and writes nothing", async () => {
    // Prepare
    const store = harness.store(manualClock("2024-05-01T12:00:00Z"));
    const id = uniqueKey("run");

    // Act
    const badTs = await thrown(() =>
      store.recordSlackThread({ subject: "run", id, channel: "C0123456789", ts: "yesterday" }),
    );
    const badSubject = await thrown(() =>
      store.recordSlackThread({
        subject: "digest",
        id,
        channel: "",
        ts: "1714564800.000100",
      } as unknown as RecordSlackThreadInput),
    );
    const separator = await thrown(() =>
      store.recordSlackThread({ subject: "run", id: `${id}#1`, channel: "C0123456789", ts: "1714564800.1" }),
    );
    const badKey = await thrown(() => store.getSlackThread({ subject: "run", id: "" }));

    // Assess
    for (const error of [badTs, badSubject, separator, badKey]) expect(error.code).toBe("InvalidStoreInput");
    expect(badTs.issues).toEqual([expect.stringMatching(/^ts: /)]);
    expect(badSubject.issues.map((issue) => issue.split(":")[0])).toEqual(
      expect.arrayContaining(["subject", "channel"]),
    );
    expect(separator.message).toMatch(/id: must not contain '#'/);
    expect(await store.getSlackThread({ subject: "run", id })).toBeUndefined();
  });
});
