import { describe, expect, it } from "vitest";
import { epochToIsoTimestamp, secondsBetween, toIsoTimestamp } from "./time.ts";

describe("toIsoTimestamp", () => {
  it.each([
    ["2019-10-02T17:04:40Z", "2019-10-02T17:04:40.000Z"],
    ["2019-10-02T17:04:40.989+0000", "2019-10-02T17:04:40.989Z"],
    ["2020-07-15T21:40:31.207Z", "2020-07-15T21:40:31.207Z"],
    ["2026-03-02T12:00:00+02:00", "2026-03-02T10:00:00.000Z"],
    ["2026-03-02T12:00:00.1234567-0130", "2026-03-02T13:30:00.123Z"],
  ])("reads %s as %s", (text, iso) => {
    expect(toIsoTimestamp(text)).toBe(iso);
  });

  it.each([
    "2026-03-02",
    "2026-03-02T10:00:00",
    "Thu, 27 Aug 2026 13:19:03 GMT",
    "<aws.scheduler.scheduled-time>",
    "2026-13-40T10:00:00Z",
    "",
  ])("rejects %o, which is not a point in time", (text) => {
    expect(toIsoTimestamp(text)).toBeUndefined();
  });

  it("converts epoch values and measures durations", () => {
    expect(epochToIsoTimestamp(1531420618, "seconds")).toBe("2018-07-12T18:36:58.000Z");
    expect(epochToIsoTimestamp(Number.NaN, "milliseconds")).toBeUndefined();
    expect(secondsBetween("2020-07-15T21:40:31.207Z", "2020-07-15T21:41:05.921Z")).toBe(35);
    expect(secondsBetween("2020-07-15T21:40:31.207Z", undefined)).toBeNull();
  });
});
