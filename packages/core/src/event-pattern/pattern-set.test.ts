import { describe, expect, it } from "vitest";
import { EventPatternSet, flattenEvent, InvalidEventPatternError } from "./index.ts";

const alarm = {
  source: "aws.cloudwatch",
  "detail-type": "CloudWatch Alarm State Change",
  detail: { state: { value: "ALARM" }, alarmName: "api-5xx" },
};

describe("EventPatternSet", () => {
  it("returns the keys of the matching patterns, in the order they were added", () => {
    // Arrange
    const rules = new EventPatternSet<string>();
    rules.add("rollback", { source: ["aws.cloudwatch"], detail: { state: { value: ["ALARM"] } } });
    rules.add("ecr", { source: ["aws.ecr"] });
    rules.add("any-alarm-name", { detail: { alarmName: [{ prefix: "api-" }] } });
    rules.add("either", {
      $or: [{ source: ["aws.ecr"] }, { "detail-type": ["CloudWatch Alarm State Change"] }],
    });
    // Act
    const matched = rules.matching(alarm);
    // Assess
    expect(matched).toEqual(["rollback", "any-alarm-name", "either"]);
  });

  it("agrees with each pattern on its own, for indexed and unindexed patterns alike", () => {
    // Arrange
    const patterns: Record<string, unknown> = {
      a: { source: ["aws.cloudwatch", "aws.ec2"] },
      b: { source: ["aws.cloudwatch"], "detail-type": [{ prefix: "Cloud" }] },
      c: { source: [{ prefix: "aws." }] },
      d: { detail: { alarmName: [{ "anything-but": "x" }] } },
      e: { source: ["10.0.0.1"] },
      f: {
        "detail-type": ["CloudWatch Alarm State Change"],
        $or: [{ source: ["x"] }, { source: ["aws.cloudwatch"] }],
      },
      g: { source: ["aws.ecr"] },
    };
    const rules = new EventPatternSet();
    for (const [key, pattern] of Object.entries(patterns)) rules.add(key, pattern);
    // Act
    const matched = rules.matching(flattenEvent(alarm));
    // Assess
    expect(matched).toEqual(["a", "b", "c", "d", "f"]);
  });

  it("replaces and deletes patterns by key", () => {
    const rules = new EventPatternSet<number>();
    rules.add(1, { source: ["aws.cloudwatch"] });
    rules.add(1, { source: ["aws.ecr"] });
    expect(rules.matching(alarm)).toEqual([]);
    rules.add(2, { source: ["aws.cloudwatch"] });
    expect(rules.delete(2)).toBe(true);
    expect(rules.delete(2)).toBe(false);
    expect(rules.size).toBe(1);
    expect(rules.matching(alarm)).toEqual([]);
  });

  it("refuses an invalid pattern and leaves the set unchanged", () => {
    const rules = new EventPatternSet();
    rules.add("ok", { source: ["aws.cloudwatch"] });
    expect(() => rules.add("ok", { source: [] })).toThrow(InvalidEventPatternError);
    expect(rules.matching(alarm)).toEqual(["ok"]);
  });

  it("matches nothing for events that are not objects", () => {
    const rules = new EventPatternSet();
    rules.add("absent", { source: [{ exists: false }] });
    expect(rules.matching("not json")).toEqual([]);
    expect(rules.matching({})).toEqual(["absent"]);
  });
});
