import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, matchesGlob, WildcardSyntaxError, wildcardBytes } from "./wildcard.ts";
import {
  fieldWildcardComplexity,
  ruleWildcardComplexity,
  WILDCARD_COMPLEXITY_LIMIT,
} from "./wildcard-complexity.ts";

function referenceMatch(pattern: string, value: string): boolean {
  // Patterns in the property test have no escapes: '*' is the only special character.
  const source = pattern
    .split("*")
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${source}$`).test(value);
}

describe("wildcard matching (eb-create-pattern-operators)", () => {
  it.each([
    ["Simple*Service", "SimpleQueueService", true],
    ["Simple*Service", "SimpleService", true],
    ["Simple*Service", "SimpleQueueServices", false],
    ["*bc", "abcbc", true],
    ["d*f", "deeeefx", false],
    ["*/lib/*", "/usr/lib/x", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["*", "", true],
    ["", "", true],
    ["\\*", "*", true],
    ["\\*", "x", false],
    ["\\\\*", "\\abc", true],
    ["😀*😀", "😀x😀", true],
  ])("%j on %j → %s", (pattern, value, expected) => {
    expect(matchesGlob(compileGlob(pattern), value)).toBe(expected);
  });

  it("agrees with a regular-expression reference on random values", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "*"), maxLength: 8 });
    fc.assert(
      fc.property(
        text.filter((p) => !p.includes("**")),
        fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 10 }),
        (pattern, value) => {
          expect(matchesGlob(compileGlob(pattern), value)).toBe(referenceMatch(pattern, value));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("stays linear on inputs that make backtracking matchers explode", () => {
    // Arrange
    const glob = compileGlob(`${"*a".repeat(30)}*b`);
    const value = "a".repeat(200_000);
    // Act
    const started = performance.now();
    const matched = matchesGlob(glob, value);
    // Assess
    expect(matched).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each([
    ["a**", "Consecutive wildcard characters at pos 2"],
    ["arn:aws:events:us-east-1:**:event-bus/*", "Consecutive wildcard characters at pos 26"],
    ["\\a", "Invalid escape character at pos 1"],
    ["ab\\", "Invalid escape character at pos 3"],
  ])("refuses %j", (pattern, message) => {
    expect(() => compileGlob(pattern)).toThrow(new WildcardSyntaxError(message));
  });

  it("gives the byte view the complexity estimate works on", () => {
    expect(wildcardBytes("é*\\*")).toEqual([0x22, 0xc3, 0xa9, 256, 0x2a, 0x22]);
  });
});

describe("wildcard complexity (eb-create-pattern-operators, complexity of wildcard rules)", () => {
  const field = (...values: string[]) =>
    fieldWildcardComplexity(
      values.map((value, i) => ({ identity: `v${i}`, wildcards: [value], absent: false })),
      100,
    );

  it("rates the rule the service refuses above the limit", () => {
    expect(field("*:*:*:*:*:event-bus/*")).toBeGreaterThan(WILDCARD_COMPLEXITY_LIMIT);
  });

  it.each([
    [["arn:aws:events:us-east-1:*:event-bus/*"]],
    [["/Users/*/dir/dir/dir/dir/dir/doc.txt"]],
    [["*.bif", "*.tiff", "*.tif", "*.svs"]],
    [["*/datasync/*.bif", "*/datasync/*.tif"]],
  ])("rates %j within the limit", (values) => {
    expect(field(...values)).toBeLessThanOrEqual(WILDCARD_COMPLEXITY_LIMIT);
  });

  it("rates many repeated wildcard values on one field above the limit", () => {
    expect(
      field("*/datasync/*.bif", "*/datasync/*.tif", "*/datasync/*.svs", "*/datasync/*.tiff"),
    ).toBeGreaterThan(WILDCARD_COMPLEXITY_LIMIT);
  });

  it("adds up wildcard values that $or branches put on the same field", () => {
    const branch = (value: string) => [
      { path: "key", terms: [{ identity: value, wildcards: [value], absent: false }] },
    ];
    const values = ["*/a/*.x", "*/a/*.y", "*/a/*.z", "*/a/*.w"];
    expect(ruleWildcardComplexity(values.map(branch), 100)).toBeGreaterThan(WILDCARD_COMPLEXITY_LIMIT);
    expect(ruleWildcardComplexity([branch("*/a/*.x")], 100)).toBeLessThanOrEqual(WILDCARD_COMPLEXITY_LIMIT);
  });
});
