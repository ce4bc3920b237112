import { describe, expect, it } from "vitest";
import { nextFireTime, parseScheduleRule, UnsupportedScheduleError } from "./next-fire.ts";

const ANCHOR = Date.parse("2026-12-01T10:00:00.000Z");

function next(expression: string, after: string, timeZone = "UTC"): string | undefined {
  return nextFireTime(parseScheduleRule(expression, timeZone, ANCHOR), new Date(after))?.toISOString();
}

describe("next fire time of a schedule expression", () => {
  it("counts rate() from the anchor, strictly after the given time", () => {
    expect(next("rate(5 minutes)", "2026-12-01T10:00:00.000Z")).toBe("2026-12-01T10:05:00.000Z");
    expect(next("rate(5 minutes)", "2026-12-01T10:05:00.000Z")).toBe("2026-12-01T10:10:00.000Z");
    expect(next("rate(5 minutes)", "2026-12-01T10:07:30.000Z")).toBe("2026-12-01T10:10:00.000Z");
    expect(next("rate(1 day)", "2026-12-01T10:00:00.000Z")).toBe("2026-12-02T10:00:00.000Z");
  });

  it("reads cron() in the schedule's time zone", () => {
    // Tuesday 1 December: the next Monday 07:00 in Berlin (CET, UTC+1).
    expect(next("cron(0 7 ? * MON *)", "2026-12-01T10:00:00Z", "Europe/Berlin")).toBe(
      "2026-12-07T06:00:00.000Z",
    );
    // 05:30 in London in June is 04:30 UTC (BST): already past on the 1st at 05:00 UTC.
    expect(next("cron(30 5 * * ? *)", "2026-06-01T05:00:00Z", "Europe/London")).toBe(
      "2026-06-02T04:30:00.000Z",
    );
  });

  it("handles lists, ranges, steps, names and the year", () => {
    // Friday 17:50: the next quarter hour of a working day is Monday 09:00.
    expect(next("cron(0/15 9-17 ? * MON-FRI *)", "2026-12-04T17:50:00Z")).toBe("2026-12-07T09:00:00.000Z");
    expect(next("cron(0/15 9-17 ? * MON-FRI *)", "2026-12-07T09:00:00Z")).toBe("2026-12-07T09:15:00.000Z");
    expect(next("cron(0 12 1,15 * ? 2027)", "2026-12-01T10:00:00Z")).toBe("2027-01-01T12:00:00.000Z");
    expect(next("cron(0 12 1,15 JAN-MAR ? *)", "2027-01-15T12:00:00Z")).toBe("2027-02-01T12:00:00.000Z");
    expect(next("cron(0 12 * * ? 2020)", "2026-12-01T10:00:00Z")).toBeUndefined();
  });

  it("skips a time the spring-forward gap removes and fires once in the fall-back overlap", () => {
    // Berlin skips 02:00–03:00 on 29 March 2026.
    expect(next("cron(30 2 * * ? *)", "2026-03-28T12:00:00Z", "Europe/Berlin")).toBe(
      "2026-03-30T00:30:00.000Z",
    );
    // 02:30 happens twice on 25 October 2026: the first (CEST, 00:30 UTC) fires, the second does not.
    expect(next("cron(30 2 * * ? *)", "2026-10-24T12:00:00Z", "Europe/Berlin")).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(next("cron(30 2 * * ? *)", "2026-10-25T00:30:00Z", "Europe/Berlin")).toBe(
      "2026-10-26T01:30:00.000Z",
    );
  });

  it("fires at() once, in its time zone", () => {
    expect(next("at(2026-12-24T18:00:00)", "2026-12-01T10:00:00Z", "Europe/Berlin")).toBe(
      "2026-12-24T17:00:00.000Z",
    );
    expect(next("at(2026-12-24T18:00:00)", "2026-12-24T17:00:00Z", "Europe/Berlin")).toBeUndefined();
  });

  it("says so rather than guess for L, W and #", () => {
    for (const expression of [
      "cron(0 12 L * ? *)",
      "cron(0 12 15W * ? *)",
      "cron(0 12 ? * MON#2 *)",
      "cron(0 12 ? * 6L *)",
    ]) {
      expect(() => parseScheduleRule(expression, "UTC", ANCHOR)).toThrow(UnsupportedScheduleError);
    }
  });
});
