import { describe, expect, it } from "vitest";
import { durationSchema, formatDuration, parseDuration } from "./duration.ts";

describe("durations", () => {
  it("parses each unit", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("1w")).toBe(604_800_000);
  });

  it("rejects anything that is not a whole number and one unit", () => {
    for (const text of ["", "15", "m", "1.5h", "-1m", "15 minutes", "PT15M", "1h30m"]) {
      expect(parseDuration(text)).toBeUndefined();
    }
  });

  it("formats in the largest exact unit", () => {
    expect(formatDuration(900_000)).toBe("15m");
    expect(formatDuration(90_000)).toBe("90s");
    expect(formatDuration(86_400_000)).toBe("1d");
  });

  it("bounds a policy field and names the bound", () => {
    const cooldown = durationSchema({ min: "1m", max: "7d" });
    expect(cooldown.parse("30m")).toBe(1_800_000);
    expect(cooldown.safeParse("30s").error?.issues[0]?.message).toBe("must be at least 1m");
    expect(cooldown.safeParse("8d").error?.issues[0]?.message).toBe("must be at most 7d");
    expect(cooldown.safeParse("soon").success).toBe(false);
  });
});
