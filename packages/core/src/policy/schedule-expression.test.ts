import { describe, expect, it } from "vitest";
import { isKnownTimeZone, scheduleExpressionProblem } from "./schedule-expression.ts";

describe("scheduleExpressionProblem (EventBridge Scheduler syntax)", () => {
  it.each([
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 3W * ? *)",
    "cron(30 5 ? * 6L 2027)",
    "at(2026-12-31T23:59:00)",
  ])("accepts %s", (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  it.each([
    ["rate(1 hours)", "singular"],
    ["rate(5 hour)", "plural"],
    ["rate(0 minutes)", "positive"],
    ["rate(1.5 hours)", "whole number"],
    ["rate(1 week)", "unit"],
    ["cron(0 10 * * *)", "six fields"],
    ["cron(0 10 * * * *)", "exactly one of day-of-month and day-of-week"],
    ["cron(0 10 ? * ? *)", "exactly one of day-of-month and day-of-week"],
    ["cron(60 10 * * ? *)", "minutes"],
    ["cron(0 24 * * ? *)", "hours"],
    ["cron(0 10 * 13 ? *)", "month"],
    ["cron(0 10 ? * FUNDAY *)", "day-of-week"],
    ["at(2026-02-30T10:00:00)", "not a real date"],
    ["at(2026-02-01 10:00)", "at()"],
    ["every day", "a schedule expression is"],
  ])("rejects %s", (expression, reason) => {
    expect(scheduleExpressionProblem(expression)).toContain(reason);
  });
});

describe("isKnownTimeZone", () => {
  it("knows IANA names and rejects others", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("UTC")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
