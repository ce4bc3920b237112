import { describe, expect, it } from "vitest";
import { compileEventPattern, matchesEventPattern } from "./index.ts";

// Examples from the Amazon EventBridge User Guide: "Creating event patterns" (eb-event-patterns),
// "Arrays in event patterns" (eb-event-patterns-arrays), "Content filtering"
// (eb-event-patterns-content-based-filtering) and "Comparison operators" (eb-create-pattern-operators).
// Each row: [what, pattern, event, expected].
type Row = readonly [string, unknown, unknown, boolean];

// The EC2 state-change event the guide uses throughout.
const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...ec2Event, detail };
}

function runTable(rows: readonly Row[]): void {
  it.each(rows.map((row) => [row[0], row] as const))("%s", (_what, [, pattern, event, expected]) => {
    // Act
    const oneShot = matchesEventPattern(pattern, event);
    const compiled = compileEventPattern(pattern).matches(event);
    // Assess
    expect(oneShot).toBe(expected);
    expect(compiled).toBe(expected);
  });
}

describe("exact values (eb-event-patterns)", () => {
  runTable([
    [
      "matches source, detail-type and a nested field",
      {
        source: ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        detail: { state: ["terminated"] },
      },
      ec2Event,
      true,
    ],
    ["a different nested value does not match", { detail: { state: ["running"] } }, ec2Event, false],
    ["matching is case-sensitive", { source: ["AWS.EC2"] }, ec2Event, false],
    ["a field the event lacks does not match", { detail: { reason: ["x"] } }, ec2Event, false],
    ["an array in the pattern is an OR", { detail: { state: ["pending", "terminated"] } }, ec2Event, true],
    ["a number matches the same number", { detail: { n: [5] } }, withDetail({ n: 5 }), true],
    ["a number does not match its string", { detail: { n: [5] } }, withDetail({ n: "5" }), false],
    ["a string does not match the number", { detail: { n: ["5"] } }, withDetail({ n: 5 }), false],
    ["booleans match booleans", { detail: { b: [true] } }, withDetail({ b: true }), true],
    ["true does not match the string 'true'", { detail: { b: [true] } }, withDetail({ b: "true" }), false],
    ["a pattern on an object-valued field does not match", { detail: ["x"] }, ec2Event, false],
  ]);
});

describe("null and empty values (eb-event-patterns-content-based-filtering)", () => {
  const event = withDetail({ eventVersion: "", responseElements: null });
  runTable([
    ["[null] matches a null value", { detail: { responseElements: [null] } }, event, true],
    ["[null] does not match a missing field", { detail: { other: [null] } }, event, false],
    ["[null] does not match the string 'null'", { detail: { n: [null] } }, withDetail({ n: "null" }), false],
    ['[""] matches the empty string', { detail: { eventVersion: [""] } }, event, true],
    ['[""] does not match null', { detail: { responseElements: [""] } }, event, false],
  ]);
});

describe("arrays (eb-event-patterns-arrays)", () => {
  const resources = [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
  ];
  runTable([
    [
      "matches when the pattern array and the event array intersect",
      { resources },
      {
        ...ec2Event,
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      },
      true,
    ],
    [
      "does not match when they do not",
      { resources },
      { ...ec2Event, resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] },
      false,
    ],
    [
      "an empty event array has no value to match",
      { resources: [{ exists: true }] },
      { ...ec2Event, resources: [] },
      false,
    ],
    [
      "fields of one array element combine",
      { detail: { users: { name: ["alice"], role: ["admin"] } } },
      withDetail({
        users: [
          { name: "bob", role: "user" },
          { name: "alice", role: "admin" },
        ],
      }),
      true,
    ],
    [
      "fields of different array elements do not combine",
      { detail: { users: { name: ["alice"], role: ["admin"] } } },
      withDetail({
        users: [
          { name: "alice", role: "user" },
          { name: "bob", role: "admin" },
        ],
      }),
      false,
    ],
  ]);
});

describe("prefix and suffix (eb-create-pattern-operators)", () => {
  runTable([
    ["prefix matches the start of a string", { time: [{ prefix: "2017-12-22" }] }, ec2Event, true],
    ["prefix is case-sensitive", { source: [{ prefix: "AWS." }] }, ec2Event, false],
    ["an empty prefix matches any string", { source: [{ prefix: "" }] }, ec2Event, true],
    ["prefix never matches a number", { detail: { n: [{ prefix: "1" }] } }, withDetail({ n: 12 }), false],
    [
      "prefix with equals-ignore-case ignores case",
      { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      withDetail({ service: "eventbridge" }),
      true,
    ],
    [
      "suffix matches the end of a string",
      { FileName: [{ suffix: ".png" }] },
      { FileName: "image.png" },
      true,
    ],
    ["suffix is case-sensitive", { FileName: [{ suffix: ".png" }] }, { FileName: "image.PNG" }, false],
    [
      "suffix with equals-ignore-case ignores case",
      { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] },
      { FileName: "image.PNG" },
      true,
    ],
  ]);
});

describe("equals-ignore-case (eb-create-pattern-operators)", () => {
  runTable([
    [
      "matches any casing",
      { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] },
      ec2Event,
      true,
    ],
    ["does not match another value", { source: [{ "equals-ignore-case": "aws.ec" }] }, ec2Event, false],
    [
      "does not match a number",
      { detail: { n: [{ "equals-ignore-case": "5" }] } },
      withDetail({ n: 5 }),
      false,
    ],
  ]);
});

describe("wildcard (eb-create-pattern-operators)", () => {
  const bus = { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" };
  runTable([
    [
      "matches the documented ARN example",
      { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
      bus,
      true,
    ],
    ["a wildcard matches the empty run", { v: [{ wildcard: "xy*" }] }, { v: "xy" }, true],
    ["literal parts must all be present in order", { v: [{ wildcard: "*a*b*" }] }, { v: "ba" }, false],
    ["an escaped asterisk is literal", { v: [{ wildcard: "a\\*b" }] }, { v: "a*b" }, true],
    ["an escaped asterisk does not match other text", { v: [{ wildcard: "a\\*b" }] }, { v: "axb" }, false],
    ["an escaped backslash is literal", { v: [{ wildcard: "a\\\\*" }] }, { v: "a\\bc" }, true],
    ["an empty wildcard matches only the empty string", { v: [{ wildcard: "" }] }, { v: "x" }, false],
    ["wildcard never matches a number", { v: [{ wildcard: "1*" }] }, { v: 12 }, false],
  ]);
});

describe("anything-but (eb-create-pattern-operators)", () => {
  runTable([
    [
      "a single string excludes that string",
      { detail: { state: [{ "anything-but": "initializing" }] } },
      ec2Event,
      true,
    ],
    ["…and only that string", { detail: { state: [{ "anything-but": "terminated" }] } }, ec2Event, false],
    [
      "a single number excludes that number",
      { detail: { x: [{ "anything-but": 123 }] } },
      withDetail({ x: 123 }),
      false,
    ],
    [
      "numbers compare numerically",
      { detail: { x: [{ "anything-but": [100, 200] }] } },
      '{"detail": {"x": 1.0e2}}',
      false,
    ],
    [
      "a list of strings excludes each",
      { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
      withDetail({ state: "overloaded" }),
      false,
    ],
    [
      "a string list does not exclude numbers",
      { detail: { x: [{ "anything-but": ["5"] }] } },
      withDetail({ x: 5 }),
      true,
    ],
    [
      "a number list does not exclude strings",
      { detail: { x: [{ "anything-but": [100, 200, 300] }] } },
      withDetail({ x: "100" }),
      true,
    ],
    [
      "a null value is not excluded",
      { detail: { state: [{ "anything-but": "x" }] } },
      withDetail({ state: null }),
      true,
    ],
    ["a missing field does not match", { detail: { other: [{ "anything-but": "x" }] } }, ec2Event, false],
    [
      "prefix excludes strings with that prefix",
      { detail: { state: [{ "anything-but": { prefix: "term" } }] } },
      ec2Event,
      false,
    ],
    [
      "prefix lets other strings through",
      { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      ec2Event,
      true,
    ],
    [
      "prefix lets numbers through",
      { detail: { state: [{ "anything-but": { prefix: "1" } }] } },
      withDetail({ state: 12 }),
      true,
    ],
    [
      "a prefix list excludes each",
      { detail: { state: [{ "anything-but": { prefix: ["init", "term"] } }] } },
      ec2Event,
      false,
    ],
    [
      "suffix excludes strings with that suffix",
      { FileName: [{ "anything-but": { suffix: ".txt" } }] },
      { FileName: "a.txt" },
      false,
    ],
    [
      "suffix lets other strings through",
      { FileName: [{ "anything-but": { suffix: ".txt" } }] },
      { FileName: "a.txt.bak" },
      true,
    ],
    [
      "equals-ignore-case excludes any casing",
      { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } },
      withDetail({ state: "STOPPED" }),
      false,
    ],
    [
      "equals-ignore-case lets other values through",
      { detail: { state: [{ "anything-but": { "equals-ignore-case": "Stopped" } }] } },
      ec2Event,
      true,
    ],
    [
      "wildcard excludes matching strings",
      { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      { FilePath: "/usr/lib/x" },
      false,
    ],
    [
      "wildcard lets other strings through",
      { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      { FilePath: "/usr/bin/x" },
      true,
    ],
    [
      "a wildcard list excludes each",
      { FilePath: [{ "anything-but": { wildcard: ["*/lib/*", "*/bin/*"] } }] },
      { FilePath: "/usr/bin/x" },
      false,
    ],
    [
      "anything-but matches if any element of an event array passes",
      { detail: { tags: [{ "anything-but": "banned" }] } },
      withDetail({ tags: ["banned", "ok"] }),
      true,
    ],
  ]);
});

describe("numeric (eb-create-pattern-operators)", () => {
  const detail = withDetail({ "c-count": 5, "d-count": 3, "x-limit": 301.8 });
  runTable([
    [
      "the documented ranges",
      {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 301.8] }],
        },
      },
      detail,
      true,
    ],
    [
      "an exponent form is the same number",
      '{"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}}',
      detail,
      true,
    ],
    ["an open bound excludes its value", { detail: { "c-count": [{ numeric: ["<", 5] }] } }, detail, false],
    ["a closed bound includes its value", { detail: { "c-count": [{ numeric: [">=", 5] }] } }, detail, true],
    [
      "a string of digits is not a number",
      { detail: { n: [{ numeric: [">", 0] }] } },
      withDetail({ n: "5" }),
      false,
    ],
    ["null is not a number", { detail: { n: [{ numeric: [">", 0] }] } }, withDetail({ n: null }), false],
    ["the upper limit 5e9 is included", { n: [{ numeric: [">", 0] }] }, { n: 5e9 }, true],
    ["numbers beyond 5e9 never compare", { n: [{ numeric: [">", 0] }] }, { n: 6e9 }, false],
    ["six decimals are compared exactly", { n: [{ numeric: [">", 0.000001] }] }, { n: 0.000002 }, true],
    [
      "an event number with more decimals does not compare",
      { n: [{ numeric: [">", 0] }] },
      { n: 0.0000001 },
      false,
    ],
    [
      "event 300.0 equals pattern 300 (observed service behaviour)",
      { number: [300] },
      '{"number": 300.0}',
      true,
    ],
    ["event 3.0e2 equals pattern 300", { number: [300] }, '{"number": 3.0e2}', true],
    [
      "numbers outside the comparable range match by their text",
      { account: [123456789012] },
      { account: 123456789012 },
      true,
    ],
  ]);
});

describe("IP address matching (eb-create-pattern-operators)", () => {
  runTable([
    [
      "IPv4 block contains the address",
      { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      withDetail({ sourceIPAddress: "10.0.0.255" }),
      true,
    ],
    [
      "IPv4 block excludes the next one",
      { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      withDetail({ sourceIPAddress: "10.0.1.0" }),
      false,
    ],
    [
      "IPv6 block contains the address",
      { detail: { sourceIPAddress: [{ cidr: "2001:db8:1234:1a00::/64" }] } },
      withDetail({ sourceIPAddress: "2001:db8:1234:1a00:9691:9503:25ad:1761" }),
      true,
    ],
    [
      "IPv6 block excludes another network",
      { detail: { sourceIPAddress: [{ cidr: "2001:db8:1234:1a00::/64" }] } },
      withDetail({ sourceIPAddress: "2001:db8:1234:1a01::1" }),
      false,
    ],
    ["an IPv4 address is not in an IPv6 block", { ip: [{ cidr: "::/1" }] }, { ip: "10.0.0.1" }, false],
    ["a non-address never matches", { ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "10.0.0.x" }, false],
    ["host bits in the block are ignored", { ip: [{ cidr: "10.0.0.7/24" }] }, { ip: "10.0.0.200" }, true],
    [
      "an exact address matches another spelling of it",
      { ip: ["2001:db8::1"] },
      { ip: "2001:0db8:0:0:0:0:0:1" },
      true,
    ],
  ]);
});

describe("exists (eb-create-pattern-operators)", () => {
  runTable([
    ["exists: true matches a present field", { detail: { state: [{ exists: true }] } }, ec2Event, true],
    [
      "exists: true matches a null value",
      { detail: { state: [{ exists: true }] } },
      withDetail({ state: null }),
      true,
    ],
    [
      "exists: true does not match a missing field",
      { detail: { reason: [{ exists: true }] } },
      ec2Event,
      false,
    ],
    ["exists: true does not match an object-valued field", { detail: [{ exists: true }] }, ec2Event, false],
    ["exists: false matches a missing field", { detail: { reason: [{ exists: false }] } }, ec2Event, true],
    [
      "exists: false does not match a present field",
      { detail: { state: [{ exists: false }] } },
      ec2Event,
      false,
    ],
    [
      "exists: false matches an object-valued field (leaves only)",
      { detail: [{ exists: false }] },
      ec2Event,
      true,
    ],
    [
      "exists: false looks only at the array element the fields before it (in name order) matched",
      { d: { firstName: ["anna"], ids: [{ exists: false }] } },
      { d: [{ firstName: "john", ids: [1] }, { firstName: "anna" }] },
      true,
    ],
    [
      // Event Ruler checks an absence against the fields already matched, in name order: "d.ids" comes
      // before "d.name", so any "ids" in the event counts. The service matches with Event Ruler.
      "exists: false on a field that sorts first sees every array element",
      { d: { name: ["anna"], ids: [{ exists: false }] } },
      { d: [{ name: "john", ids: [1] }, { name: "anna" }] },
      false,
    ],
  ]);
});

describe("$or (eb-create-pattern-operators)", () => {
  const pattern = {
    source: ["aws.cloudwatch"],
    $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
  };
  runTable([
    ["the first branch", pattern, { source: "aws.cloudwatch", metricName: "CPUUtilization" }, true],
    ["the second branch", pattern, { source: "aws.cloudwatch", namespace: "AWS/ES" }, true],
    ["neither branch", pattern, { source: "aws.cloudwatch", namespace: "AWS/RDS" }, false],
    ["a branch without the common field", pattern, { source: "aws.ec2", namespace: "AWS/ES" }, false],
    [
      "$or inside a nested object",
      {
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 301.8] }] },
          ],
        },
      },
      withDetail({ "c-count": 0, "d-count": 0, "x-limit": 0 }),
      true,
    ],
    [
      "nested $or",
      {
        source: ["a"],
        $or: [{ x: ["1"] }, { y: ["2"], $or: [{ z: [3] }, { w: [4] }] }],
      },
      { source: "a", y: "2", w: 4 },
      true,
    ],
  ]);
});

describe("dotted keys (observed service behaviour)", () => {
  runTable([
    [
      "a dotted pattern key matches nested event keys",
      { detail: { "state.status": ["running"] } },
      withDetail({ state: { status: "running" } }),
      true,
    ],
    [
      "nested pattern keys match a dotted event key",
      { detail: { state: { status: ["running"] } } },
      withDetail({ "state.status": "running" }),
      true,
    ],
    [
      "JSON inside a string is not parsed",
      { detail: { k: ["v"] } },
      { ...ec2Event, detail: '{"k": "v"}' },
      false,
    ],
  ]);
});

describe("events that are not objects", () => {
  it.each([null, 42, "not json", "[1, 2]", '"text"', undefined, [{ source: "aws.ec2" }]])(
    "%j matches nothing, even a pattern of absences",
    (event) => {
      // Arrange
      const pattern = compileEventPattern({ source: [{ exists: false }] });
      // Act / Assess
      expect(pattern.matches(event)).toBe(false);
    },
  );
});

describe("matchesEventPattern", () => {
  it("takes a compiled pattern as it is", () => {
    // Arrange
    const compiled = compileEventPattern({ source: ["aws.ec2"] });
    // Act / Assess
    expect(matchesEventPattern(compiled, ec2Event)).toBe(true);
    expect(matchesEventPattern(compiled, { source: "aws.ecs" })).toBe(false);
  });

  it("throws for an invalid pattern, whatever the event", () => {
    expect(() => matchesEventPattern({ source: [] }, "not even json")).toThrow(
      "Empty arrays are not allowed",
    );
  });
});
