import { describe, expect, it } from "vitest";
import { StoreError } from "./errors.ts";
import { assertItemFits, assertWithinBudgets, dynamoItemSize, dynamoValueSize } from "./item-size.ts";

describe("DynamoDB item size", () => {
  it("follows DynamoDB's sizing rules", () => {
    // Assess
    expect(dynamoValueSize("héllo")).toBe(6);
    expect(dynamoValueSize(true)).toBe(1);
    expect(dynamoValueSize(null)).toBe(1);
    expect(dynamoValueSize(12345)).toBe(4);
    expect(dynamoValueSize(-0.5)).toBe(2);
    expect(dynamoValueSize([1, "ab"])).toBe(3 + (1 + 2) + (1 + 2));
    expect(dynamoValueSize({ a: "xy", b: undefined })).toBe(3 + 1 + 1 + 2);
    expect(dynamoItemSize({ pk: "a", sk: "bc", gone: undefined })).toBe(2 + 1 + 2 + 2);
  });

  it("refuses an item over 400 KB, naming its largest attributes", () => {
    // Prepare
    const item = { pk: "run", plan: "x".repeat(300 * 1024), outcome: "y".repeat(120 * 1024) };

    // Act
    const error = (() => {
      try {
        assertItemFits("createRun", item);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "ItemTooLarge" });
    expect(String((error as Error).message)).toMatch(/largest: plan 300\.0 KB, outcome 120\.0 KB/);
    expect(() => assertItemFits("createRun", { pk: "run", plan: "x".repeat(399 * 1024) })).not.toThrow();
  });

  it("holds attributes to their budgets", () => {
    // Assess
    expect(() => assertWithinBudgets("op", { plan: "x".repeat(11) }, { plan: 10 })).toThrow(
      /plan is 11 B, over its 10 B budget/,
    );
    expect(() => assertWithinBudgets("op", { plan: "x".repeat(10) }, { plan: 10 })).not.toThrow();
    expect(() => assertWithinBudgets("op", {}, { plan: 10 })).not.toThrow();
  });
});
