import { describe, expect, it } from "vitest";
import { compileClauses, MAX_PATTERN_COMBINATIONS } from "./compile.ts";
import { compileEventPattern, InvalidEventPatternError, validateEventPattern } from "./index.ts";

function reasonFor(pattern: unknown): string {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
  throw new Error("the pattern was accepted");
}

describe("invalid patterns are refused with the service's reason", () => {
  // [pattern, reason]; reasons as EventBridge (and Event Ruler, which it runs) words them.
  const rows: ReadonlyArray<readonly [unknown, string]> = [
    ["[]", "Filter is not an object"],
    ["null", "Filter is not an object"],
    [{}, "Empty objects are not allowed"],
    [{ detail: {} }, "Empty objects are not allowed"],
    [{ resources: [] }, "Empty arrays are not allowed"],
    [{ source: "aws.ec2" }, '"source" must be an object or an array'],
    [{ n: 42 }, '"n" must be an object or an array'],
    [{ a: [["nested"]] }, "Match value must be String, number, true, false, or null"],
    [{ a: [{}] }, "Match expression name not found"],
    [{ a: [{ EXISTS: true }] }, "Unrecognized match type EXISTS"],
    [{ a: [{ exactly: "x" }] }, "Unrecognized match type exactly"],
    [{ a: [{ prefix: "a", suffix: "b" }] }, "Only one key allowed in match expression"],
    [{ a: [{ prefix: 1 }] }, "prefix match pattern must be a string"],
    [{ a: [{ prefix: ["x"] }] }, "prefix match pattern must be a string"],
    [{ a: [{ prefix: {} }] }, "Prefix expression name not found"],
    [{ a: [{ prefix: { wildcard: "x" } }] }, "Unsupported prefix pattern: wildcard"],
    [{ a: [{ prefix: { "equals-ignore-case": 1 } }] }, "equals-ignore-case match pattern must be a string"],
    [{ a: [{ suffix: 1 }] }, "suffix match pattern must be a string"],
    [{ a: [{ suffix: { x: "y" } }] }, "Unsupported suffix pattern: x"],
    [{ a: [{ "equals-ignore-case": ["x"] }] }, "equals-ignore-case match pattern must be a string"],
    [{ a: [{ wildcard: 1 }] }, "wildcard match pattern must be a string"],
    [{ a: [{ wildcard: "a**" }] }, "Consecutive wildcard characters at pos 2"],
    [{ a: [{ wildcard: "é**" }] }, "Consecutive wildcard characters at pos 3"],
    [{ a: [{ wildcard: "a\\b" }] }, "Invalid escape character at pos 2"],
    [{ a: [{ wildcard: "a\\" }] }, "Invalid escape character at pos 2"],
    [
      { a: [{ wildcard: "*:*:*:*:*:event-bus/*" }] },
      "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character",
    ],
    [{ a: [{ exists: "yes" }] }, "exists match pattern must be either true or false."],
    [{ a: [{ exists: true, prefix: "x" }] }, "Only one key allowed in match expression"],
    [{ a: [{ numeric: 10 }] }, "Value of numeric must be an array."],
    [{ a: [{ numeric: [] }] }, "Invalid member in numeric match: ]"],
    [{ a: [{ numeric: [5] }] }, "Invalid member in numeric match: 5"],
    [{ a: [{ numeric: ["!", 5] }] }, "Unrecognized numeric range operator: !"],
    [{ a: [{ numeric: ["=", "5"] }] }, "Value of equals must be numeric"],
    [{ a: [{ numeric: ["=", 5, 6] }] }, "Too many elements in numeric expression"],
    [{ a: [{ numeric: [">"] }] }, "Value of > must be numeric"],
    [{ a: [{ numeric: [">", 0, ">", 0] }] }, "Bad numeric range operator: >"],
    [{ a: [{ numeric: [">", 0, 5] }] }, "Bad value in numeric range: 5"],
    [{ a: [{ numeric: [">", 0, "<"] }] }, "Value of < must be numeric"],
    [{ a: [{ numeric: [">", 0, "<", 5, 6] }] }, "Too many terms in numeric range expression"],
    [{ a: [{ numeric: ["<", 5, 6] }] }, "Too many elements in numeric expression"],
    [{ a: [{ numeric: [">", 5, "<", 5] }] }, "Bottom must be less than top"],
    [{ a: [{ numeric: ["<", -5e9] }] }, "Bottom must be less than top"],
    [{ a: [{ numeric: [">", 6e9] }] }, "Value must be between -5.0E9 and 5.0E9, inclusive"],
    [{ a: [{ numeric: [">", 0.0000001] }] }, "Only values upto 6 decimals are supported"],
    [{ a: [{ numeric: ["<", 5], prefix: "x" }] }, "Too many elements in numeric expression"],
    [{ a: [{ cidr: ["10.0.0.0/8"] }] }, "prefix match pattern must be a string"],
    [{ a: [{ cidr: "10.0.0.0" }] }, "Malformed CIDR, one '/' required"],
    [{ a: [{ cidr: "10.0.0.0/" }] }, "Malformed CIDR, one '/' required"],
    [{ a: [{ cidr: "10.0.0.0/x" }] }, "Malformed CIDR, mask bits must be an integer"],
    [{ a: [{ cidr: "10.0.0.0/-1" }] }, "Malformed CIDR, mask bits must not be negative"],
    [{ a: [{ cidr: "host.example/8" }] }, "Nonstandard IP address: host.example"],
    [{ a: [{ cidr: "10.0.0.256/8" }] }, "Invalid IP address: 10.0.0.256"],
    [{ a: [{ cidr: "10.0.0.1/32" }] }, "IPv4 mask bits must be < 32"],
    [{ a: [{ cidr: "::1/128" }] }, "IPv6 mask bits must be < 128"],
    [
      { a: [{ "anything-but": null }] },
      "Value of anything-but must be an array or single string/number value.",
    ],
    [{ a: [{ "anything-but": {} }] }, "Anything-But expression name not found"],
    [{ a: [{ "anything-but": { numeric: [">", 1] } }] }, "Unsupported anything-but pattern: numeric"],
    [
      { a: [{ "anything-but": ["a", null] }] },
      "Inside anything but list, start|null|boolean is not supported.",
    ],
    [
      { a: [{ "anything-but": ["a", 1] }] },
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    ],
    [
      { a: [{ "anything-but": [] }] },
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    ],
    [{ a: [{ "anything-but": 6e9 }] }, "Value must be between -5.0E9 and 5.0E9, inclusive"],
    [{ a: [{ "anything-but": "x", prefix: "y" }] }, "Too many elements in numeric expression"],
    [{ a: [{ "anything-but": { prefix: "x", suffix: "y" } }] }, "Too many elements in numeric expression"],
    [{ a: [{ "anything-but": { prefix: "" } }] }, "Null prefix/suffix not allowed"],
    [{ a: [{ "anything-but": { suffix: ["x", ""] } }] }, "Null prefix/suffix not allowed"],
    [{ a: [{ "anything-but": { prefix: 1 } }] }, "prefix/suffix match pattern must be a string"],
    [
      { a: [{ "anything-but": { prefix: { "equals-ignore-case": "x" } } }] },
      "Value of anything-but must be an array or single string/number value.",
    ],
    [
      { a: [{ "anything-but": { "equals-ignore-case": [1] } }] },
      "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
    ],
    [{ a: [{ "anything-but": { wildcard: [1] } }] }, "wildcard match pattern must be a string"],
    [{ a: [{ "anything-but": { wildcard: "a**" } }] }, "Consecutive wildcard characters at pos 2"],
    [{ $or: [{ a: ["x"] }] }, "Unrecognized match type a"],
    [{ $or: "x" }, '"$or" must be an object or an array'],
    // Refused as $or ("Only JSON object is allowed in array of $or relationship."), then as a field.
    [{ $or: [{ a: ["x"] }, "b"] }, "Unrecognized match type a"],
    [{ $or: [{ a: [{ cidr: "bad" }] }] }, "Malformed CIDR, one '/' required"],
    ['{"a": ["x"]', "Unexpected end of JSON input at position 11"],
    ['{"a": ["x"]} trailing', "Unexpected content after the JSON value at position 13"],
  ];

  it.each(rows.map(([pattern, reason]) => [JSON.stringify(pattern), pattern, reason] as const))(
    "%s",
    (_name, pattern, reason) => {
      // Act
      const refused = reasonFor(pattern);
      // Assess
      expect(refused).toBe(reason);
    },
  );

  it("reports the error with a stable code and the service's message", () => {
    // Act
    const error = (() => {
      try {
        compileEventPattern({ source: "aws.ec2" });
      } catch (caught) {
        return caught;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect(error).toMatchObject({
      code: "InvalidEventPattern",
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
  });

  it("validateEventPattern returns the reason instead of throwing", () => {
    expect(validateEventPattern({ resources: [] })).toEqual({
      valid: false,
      reason: "Empty arrays are not allowed",
    });
    expect(validateEventPattern({ source: ["aws.ec2"] })).toEqual({ valid: true });
  });
});

describe("patterns the service accepts", () => {
  it.each([
    [{ a: [{ wildcard: "/Users/*/dir/dir/dir/dir/dir/doc.txt" }] }],
    [{ a: [{ wildcard: "*.bif" }, { wildcard: "*.tiff" }, { wildcard: "*.tif" }, { wildcard: "*.svs" }] }],
    [{ a: [{ "anything-but": { wildcard: "" } }] }],
    [{ a: [{ "anything-but": { prefix: [] } }] }],
    [{ a: [{ numeric: ["<=", 5e9] }] }],
    [{ a: [{ numeric: ["=", -5e9] }] }],
    [{ a: [{ cidr: "0.0.0.0/0" }] }],
    [{ a: [1.23456789] }],
    [{ a: [{ exists: true }, { exists: false }] }],
    [{ "$or-not": ["x"] }],
  ])("%j", (pattern) => {
    expect(validateEventPattern(pattern)).toEqual({ valid: true });
  });
});

describe("compilation into clauses", () => {
  it("expands $or into one clause per combination, fields outside copied into each", () => {
    // Act
    const clauses = compileClauses({
      source: ["s"],
      $or: [{ a: ["1"] }, { b: ["2"], $or: [{ c: ["3"] }, { d: ["4"] }] }],
      detail: { $or: [{ e: ["5"] }, { f: ["6"] }] },
    });
    // Assess
    const paths = clauses.map((clause) => clause.map((field) => field.path).join(" "));
    expect(paths).toEqual([
      "a detail.e source",
      "b c detail.e source",
      "b d detail.e source",
      "a detail.f source",
      "b c detail.f source",
      "b d detail.f source",
    ]);
  });

  it("lets a later duplicate key replace a leaf and merges duplicate objects, as the service does", () => {
    // Act
    const clauses = compileClauses('{"detail": {"a": ["x"]}, "detail": {"b": ["y"], "a": ["z"]}}');
    // Assess
    expect(clauses).toHaveLength(1);
    const fields = clauses[0] ?? [];
    expect(fields.map((field) => field.path)).toEqual(["detail.a", "detail.b"]);
    expect(fields[0]?.values).toEqual([{ kind: "exact-string", value: "z", ip: undefined }]);
  });

  it("joins dotted keys: a.b next to a → b is one field, the later one winning", () => {
    const clauses = compileClauses('{"a.b": ["x"], "a": {"b": ["y"]}}');
    expect(clauses[0]?.map((field) => field.values)).toEqual([
      [{ kind: "exact-string", value: "y", ip: undefined }],
    ]);
  });

  it("reads $or with an object value as an ordinary field name (the service's backward compatibility)", () => {
    const clauses = compileClauses({ $or: { a: ["x"] } });
    expect(clauses[0]?.map((field) => field.path)).toEqual(["$or.a"]);
  });

  it("refuses reserved operator names used as fields inside $or, then reads $or as a field", () => {
    // Assess: read as a field, [{"prefix": "a"}, {"prefix": "b"}] is a valid list of prefixes.
    const clauses = compileClauses({ $or: [{ prefix: "a" }, { prefix: "b" }] });
    expect(clauses[0]?.[0]?.path).toBe("$or");
  });

  it("refuses a pattern whose $or branches combine into too many alternatives", () => {
    // Arrange: 13 independent two-way choices give 8192 combinations.
    const pattern: Record<string, unknown> = {};
    for (let i = 0; i < 13; i++) pattern[`k${i}`] = { $or: [{ a: ["1"] }, { b: ["2"] }] };
    // Act / Assess
    expect(reasonFor(pattern)).toContain(`more than ${MAX_PATTERN_COMBINATIONS} alternatives`);
  });

  it("keeps number literals from JSON text: 3.0e2 is compared as 300", () => {
    const clauses = compileClauses('{"n": [3.0e2]}');
    expect(clauses[0]?.[0]?.values).toEqual([{ kind: "exact-number", text: "3.0e2", micros: 300_000_000 }]);
  });

  it("refuses values JSON cannot express", () => {
    expect(reasonFor({ a: [Number.NaN] })).toBe("Match value must be String, number, true, false, or null");
    expect(reasonFor({ a: [undefined] })).toBe("Match value must be String, number, true, false, or null");
    expect(reasonFor({ a: undefined })).toBe('"a" must be an object or an array');
  });
});
