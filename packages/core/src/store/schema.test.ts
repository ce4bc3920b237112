import { describe, expect, it } from "vitest";
import { StoreError } from "./errors.ts";
import { runStatusesLeadingTo, runStatusTransitions, TransitionRunInputSchema } from "./run.ts";
import { JsonValueSchema, KeyPartSchema, parseStoreInput, TimestampSchema } from "./schema.ts";

describe("store schemas", () => {
  it("canonicalizes instants so they compare as strings", () => {
    // Assess
    expect(TimestampSchema.parse("2024-05-01T14:00:00+02:00")).toBe("2024-05-01T12:00:00.000Z");
    expect(TimestampSchema.parse("2024-05-01T12:00:00Z")).toBe("2024-05-01T12:00:00.000Z");
    expect(TimestampSchema.parse(new Date(Date.UTC(2024, 4, 1, 12)))).toBe("2024-05-01T12:00:00.000Z");
    expect(TimestampSchema.safeParse("2024-05-01").success).toBe(false);
    expect(TimestampSchema.safeParse(new Date(Number.NaN)).success).toBe(false);
  });

  it("keeps key parts unambiguous", () => {
    // Assess
    expect(KeyPartSchema.safeParse("arn:aws:ecs:eu-west-1:123456789012:service/prod/api").success).toBe(true);
    for (const bad of ["", " padded", "a#b", "tab\there", "x".repeat(513)]) {
      expect(KeyPartSchema.safeParse(bad).success).toBe(false);
    }
  });

  it("accepts only JSON DynamoDB can store", () => {
    // Prepare
    let deep: unknown = "leaf";
    for (let i = 0; i < 31; i++) deep = [deep];

    // Assess
    expect(JsonValueSchema.safeParse({ a: [1, 0.5, "x", null, true] }).success).toBe(true);
    expect(JsonValueSchema.safeParse({ n: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(JsonValueSchema.safeParse({ n: 2 ** 60 }).success).toBe(false);
    expect(JsonValueSchema.safeParse({ when: new Date() }).success).toBe(false);
    expect(JsonValueSchema.safeParse(deep).success).toBe(false);
  });

  it("turns validation failures into InvalidStoreInput with one issue per problem", () => {
    // Act
    let error: unknown;
    try {
      parseStoreInput(
        TransitionRunInputSchema,
        { id: "", to: "succeeded", from: ["pending"] },
        "transitionRun",
      );
    } catch (e) {
      error = e;
    }

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      code: "InvalidStoreInput",
      issues: ["id: must not be empty", "from: a run cannot move from pending to succeeded"],
    });
  });

  it("has a run status machine where terminal statuses lead nowhere", () => {
    // Assess
    expect(runStatusesLeadingTo("succeeded")).toEqual(["running"]);
    expect(runStatusesLeadingTo("cancelled").sort()).toEqual(["awaiting-approval", "pending", "running"]);
    for (const terminal of ["succeeded", "failed", "reverted", "cancelled", "dry-run"] as const) {
      expect(runStatusTransitions[terminal]).toEqual([]);
    }
  });
});
