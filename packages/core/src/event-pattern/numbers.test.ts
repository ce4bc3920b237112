import { describe, expect, it } from "vitest";
import { OUT_OF_RANGE, TOO_PRECISE, toComparable } from "./numbers.ts";

// Numeric matching: "values between -5.0e9 and +5.0e9 inclusive, with 15 digits of precision, or six
// digits to the right of the decimal point" (eb-create-pattern-operators).
describe("toComparable", () => {
  it.each([
    ["0", 0],
    ["-0", 0],
    ["300", 300_000_000],
    ["300.0", 300_000_000],
    ["3.0e2", 300_000_000],
    ["3.018e2", 301_800_000],
    ["0.1", 100_000],
    ["-0.000001", -1],
    ["1e-6", 1],
    ["5000000000", 5e15],
    ["-5e9", -5e15],
    ["0.0000010", 1],
    ["1.5E+3", 1_500_000_000],
  ])("%s is %d millionths", (text, micros) => {
    expect(toComparable(text)).toEqual({ ok: true, micros });
  });

  it.each([
    ["0.0000001", TOO_PRECISE],
    ["1e-7", TOO_PRECISE],
    ["5000000000.000001", OUT_OF_RANGE],
    ["5000000001", OUT_OF_RANGE],
    ["-6e9", OUT_OF_RANGE],
    ["1e400", OUT_OF_RANGE],
    ["123456789012", OUT_OF_RANGE],
  ])("%s is outside the comparable domain", (text, reason) => {
    expect(toComparable(text)).toEqual({ ok: false, reason });
  });

  it("compares decimal texts exactly, where doubles would not", () => {
    const a = toComparable("0.3");
    const b = toComparable("0.1");
    const c = toComparable("0.2");
    expect(a.ok && b.ok && c.ok && a.micros === b.micros + c.micros).toBe(true);
  });
});
