import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileEventPattern,
  EventPatternSet,
  flattenEvent,
  InvalidEventPatternError,
  matchesEventPattern,
} from "./index.ts";

// A small vocabulary of keys makes patterns and events overlap often enough to match.
const key = fc.constantFrom("a", "b", "c", "d.e", "source", "$or");
const word = fc.constantFrom("", "x", "X", "xy", "aws.ec2", "10.0.0.1", "2001:db8::1", "a*b", "Ab", "null");
const number = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 1e10, -0, 300, 5e9));

const leafValue = fc.oneof(word, number, fc.boolean(), fc.constant(null));

const operator = fc.oneof(
  leafValue,
  word.map((v) => ({ prefix: v })),
  word.map((v) => ({ suffix: v })),
  word.map((v) => ({ prefix: { "equals-ignore-case": v } })),
  word.map((v) => ({ "equals-ignore-case": v })),
  fc.constantFrom("*", "x*", "*y", "a\\*b", "*.*").map((v) => ({ wildcard: v })),
  fc.oneof(word, fc.array(word, { minLength: 1, maxLength: 3 })).map((v) => ({ "anything-but": v })),
  fc
    .array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 3 })
    .map((v) => ({ "anything-but": v })),
  fc.constantFrom("x", "a").map((v) => ({ "anything-but": { prefix: v } })),
  fc.constantFrom("*y", "x*").map((v) => ({ "anything-but": { wildcard: v } })),
  fc.integer({ min: -3, max: 3 }).map((v) => ({ numeric: [">", v] })),
  fc.integer({ min: -3, max: 3 }).map((v) => ({ numeric: [">=", v - 1, "<", v + 1] })),
  fc.boolean().map((v) => ({ exists: v })),
  fc.constantFrom("10.0.0.0/8", "2001:db8::/32").map((v) => ({ cidr: v })),
);

const { pattern } = fc.letrec((tie) => ({
  pattern: fc.dictionary(
    key.filter((k) => k !== "$or"),
    fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.array(operator, { minLength: 1, maxLength: 3 }),
      tie("pattern"),
    ),
    { minKeys: 1, maxKeys: 3 },
  ),
}));

const patternWithOr = fc.oneof(
  pattern,
  fc.tuple(pattern, fc.array(pattern, { minLength: 2, maxLength: 3 })).map(([base, branches]) => ({
    ...base,
    $or: branches,
  })),
);

const { event } = fc.letrec((tie) => ({
  event: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafValue,
    leafValue,
    tie("event"),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
}));

/**
 * A pattern that pins some of the event's own values (one element of each array of objects); with
 * `operators`, some of those values are replaced by, or joined with, other operators.
 */
function patternFrom(
  value: Record<string, unknown>,
  pick: () => number,
  operators: readonly unknown[] = [],
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    if (pick() % 3 === 0) continue;
    const field = fieldFrom(member, pick, operators);
    if (field !== undefined) Object.defineProperty(out, name, { value: field, enumerable: true });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function fieldFrom(member: unknown, pick: () => number, operators: readonly unknown[]): unknown {
  if (Array.isArray(member)) {
    if (member.length === 0) return undefined;
    const element = member[pick() % member.length];
    return fieldFrom(element, pick, operators);
  }
  if (typeof member === "object" && member !== null) {
    return patternFrom(member as Record<string, unknown>, pick, operators);
  }
  if (operators.length === 0) return [member];
  const other = operators[pick() % operators.length];
  const choice = pick() % 3;
  return choice === 0 ? [member] : choice === 1 ? [other] : [other, member];
}

/** Patterns derived from an event: many of them match it, some do not. */
const derivedCase = fc
  .tuple(
    event,
    fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
    fc.array(operator, { minLength: 1, maxLength: 4 }),
  )
  .map(([e, choices, operators]) => {
    let i = 0;
    const pick = () => choices[i++ % choices.length] ?? 0;
    return [patternFrom(e, pick, operators) ?? { a: [{ exists: false }] }, e] as const;
  });

describe("properties of the matcher", () => {
  it("never throws, whatever the event", () => {
    const patterns = [
      { source: ["aws.ec2"] },
      { a: [{ "anything-but": "x" }], b: { c: [{ exists: false }] } },
      {
        a: { b: [{ numeric: [">", 0] }] },
        $or: [{ c: [{ cidr: "10.0.0.0/8" }] }, { d: [{ wildcard: "*x*" }] }],
      },
    ].map((p) => compileEventPattern(p));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.string(), event), (anyEvent) => {
        for (const compiled of patterns) {
          expect(typeof compiled.matches(anyEvent)).toBe("boolean");
          expect(typeof compiled.matches(JSON.stringify(anyEvent) ?? "")).toBe("boolean");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses bad patterns only with InvalidEventPatternError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), patternWithOr), (anyPattern) => {
        try {
          compileEventPattern(anyPattern);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventPatternError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("gives one answer whichever way the event is given: value, JSON text, flattened, or through a set", () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(patternWithOr, event), derivedCase), ([p, e]) => {
        let compiled: ReturnType<typeof compileEventPattern>;
        try {
          compiled = compileEventPattern(p);
        } catch {
          return; // an invalid combination (an empty numeric range, too complex): nothing to compare
        }
        const expected = compiled.matches(e);
        expect(matchesEventPattern(p, e)).toBe(expected);
        expect(compiled.matches(JSON.stringify(e))).toBe(expected);
        expect(compiled.matches(flattenEvent(e))).toBe(expected);
        const set = new EventPatternSet();
        set.add("p", p);
        set.add("never", { never: ["matches"] });
        expect(set.matching(e)).toEqual(expected ? ["p"] : []);
      }),
      { numRuns: 1500 },
    );
  });

  it("always matches an event against a pattern built from its own values", () => {
    fc.assert(
      fc.property(event, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (e, choices) => {
        let i = 0;
        const pick = () => choices[i++ % choices.length] ?? 0;
        const own = patternFrom(e, pick);
        fc.pre(own !== undefined);
        expect(matchesEventPattern(own, e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it("stops matching when a pinned value changes", () => {
    fc.assert(
      fc.property(event, word, (e, value) => {
        fc.pre(!Object.hasOwn(e, "z"));
        const withValue = { ...e, z: value };
        expect(matchesEventPattern({ z: [value] }, withValue)).toBe(true);
        expect(matchesEventPattern({ z: [`${value}-other`] }, withValue)).toBe(false);
      }),
    );
  });
});
