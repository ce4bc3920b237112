import type { FieldSpec, ValueSpec } from "./compile.ts";
import { internPath, type Leaf, LeafKind } from "./flatten.ts";
import { matchesGlob } from "./wildcard.ts";

/**
 * Value tests. A field's alternatives are folded into one function over an event leaf: exact values
 * become set lookups, case-insensitive forms compare against the leaf's cached lower-case text, numbers
 * compare as integer millionths, addresses as fixed-width hex. The type rules are EventBridge's, which
 * compares JSON texts: string operators (prefix, suffix, equals-ignore-case, wildcard, cidr) only ever
 * match strings; `numeric` only JSON numbers; `anything-but` matches every value that its operand does
 * not — numbers, booleans and null included — but never a missing field.
 */

export type LeafTest = (leaf: Leaf) => boolean;

/** A compiled field of a clause. */
export interface FieldTest {
  readonly path: string;
  /** `path` as numbered by internPath. */
  readonly pathId: number;
  /** `exists: false` is among the alternatives: a field with no (consistent) leaf passes. */
  readonly allowAbsent: boolean;
  /** The test for a present leaf; null when the only alternative is `exists: false`. */
  readonly test: LeafTest | null;
  /**
   * Set when the only alternative is one exact string: the commonest test, which the matcher then
   * makes inline rather than through `test`.
   */
  readonly exact: string | undefined;
  /** Rough cost of the test, cheapest and most selective first; guides evaluation order. */
  readonly cost: number;
}

const ALWAYS: LeafTest = () => true;

interface Parts {
  strings: Set<string>;
  ips: Set<string>;
  lowerStrings: Set<string>;
  numberTexts: Set<string>;
  micros: Set<number>;
  literals: Set<LeafKind>;
  stringTests: LeafTest[];
  numberTests: Array<(micros: number) => boolean>;
  anyKindTests: LeafTest[];
  anyLeaf: boolean;
  allowAbsent: boolean;
  cost: number;
}

function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (text.startsWith(prefix)) return true;
  return false;
}

function endsWithAny(text: string, suffixes: readonly string[]): boolean {
  for (const suffix of suffixes) if (text.endsWith(suffix)) return true;
  return false;
}

function collect(parts: Parts, spec: ValueSpec): void {
  switch (spec.kind) {
    case "exact-string":
      parts.strings.add(spec.value);
      if (spec.ip !== undefined) parts.ips.add(spec.ip);
      return;
    case "exact-number":
      parts.numberTexts.add(spec.text);
      if (!Number.isNaN(spec.micros)) parts.micros.add(spec.micros);
      return;
    case "literal":
      parts.literals.add(
        spec.value === "true" ? LeafKind.true : spec.value === "false" ? LeafKind.false : LeafKind.null,
      );
      return;
    case "equals-ignore-case":
      parts.lowerStrings.add(spec.value.toLowerCase());
      parts.cost = Math.max(parts.cost, 1);
      return;
    case "prefix": {
      parts.cost = Math.max(parts.cost, 1);
      if (spec.ignoreCase) {
        const lower = spec.value.toLowerCase();
        parts.stringTests.push((leaf) => leaf.lower.startsWith(lower));
      } else {
        const value = spec.value;
        parts.stringTests.push((leaf) => leaf.text.startsWith(value));
      }
      return;
    }
    case "suffix": {
      parts.cost = Math.max(parts.cost, 1);
      if (spec.ignoreCase) {
        const lower = spec.value.toLowerCase();
        parts.stringTests.push((leaf) => leaf.lower.endsWith(lower));
      } else {
        const value = spec.value;
        parts.stringTests.push((leaf) => leaf.text.endsWith(value));
      }
      return;
    }
    case "wildcard": {
      parts.cost = Math.max(parts.cost, 2);
      const glob = spec.glob;
      parts.stringTests.push((leaf) => matchesGlob(glob, leaf.text));
      return;
    }
    case "cidr": {
      parts.cost = Math.max(parts.cost, 2);
      const { low, high } = spec.range;
      parts.stringTests.push((leaf) => {
        const ip = leaf.ip;
        return ip !== null && ip.length === low.length && ip >= low && ip <= high;
      });
      return;
    }
    case "numeric": {
      parts.cost = Math.max(parts.cost, 1);
      const { low, lowOpen, high, highOpen } = spec;
      parts.numberTests.push((m) => (lowOpen ? m > low : m >= low) && (highOpen ? m < high : m <= high));
      return;
    }
    case "exists":
      if (spec.exists) parts.anyLeaf = true;
      else parts.allowAbsent = true;
      parts.cost = Math.max(parts.cost, 4);
      return;
    case "anything-but": {
      parts.cost = Math.max(parts.cost, 3);
      const strings = new Set(spec.strings);
      const micros = new Set(spec.micros);
      parts.anyKindTests.push((leaf) => {
        if (leaf.kind === LeafKind.string) return !strings.has(leaf.text);
        if (leaf.kind === LeafKind.number) return micros.size === 0 || !micros.has(leaf.micros);
        return true;
      });
      return;
    }
    case "anything-but-prefix": {
      parts.cost = Math.max(parts.cost, 3);
      const values = spec.values;
      parts.anyKindTests.push((leaf) => leaf.kind !== LeafKind.string || !startsWithAny(leaf.text, values));
      return;
    }
    case "anything-but-suffix": {
      parts.cost = Math.max(parts.cost, 3);
      const values = spec.values;
      parts.anyKindTests.push((leaf) => leaf.kind !== LeafKind.string || !endsWithAny(leaf.text, values));
      return;
    }
    case "anything-but-ignore-case": {
      parts.cost = Math.max(parts.cost, 3);
      const lowers = new Set(spec.values.map((value) => value.toLowerCase()));
      parts.anyKindTests.push((leaf) => leaf.kind !== LeafKind.string || !lowers.has(leaf.lower));
      return;
    }
    case "anything-but-wildcard": {
      parts.cost = Math.max(parts.cost, 3);
      const globs = spec.globs;
      parts.anyKindTests.push(
        (leaf) => leaf.kind !== LeafKind.string || !globs.some((glob) => matchesGlob(glob, leaf.text)),
      );
      return;
    }
  }
}

function anyOf(tests: readonly LeafTest[]): LeafTest | undefined {
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (leaf) => {
    for (const test of tests) if (test(leaf)) return true;
    return false;
  };
}

// Each test is made in a function of its own, so that its closure keeps only what it uses.

function exactString(only: string): LeafTest {
  return (leaf) => leaf.kind === LeafKind.string && leaf.text === only;
}

function exactStrings(strings: ReadonlySet<string>): LeafTest {
  return (leaf) => leaf.kind === LeafKind.string && strings.has(leaf.text);
}

function stringsOnly(test: LeafTest): LeafTest {
  return (leaf) => leaf.kind === LeafKind.string && test(leaf);
}

function nonEmpty<T extends { readonly size: number }>(set: T): T | undefined {
  return set.size > 0 ? set : undefined;
}

function general(parts: Parts, stringTest: LeafTest | undefined, otherTest: LeafTest | undefined): LeafTest {
  const strings = nonEmpty(parts.strings);
  const ips = nonEmpty(parts.ips);
  const lowerStrings = nonEmpty(parts.lowerStrings);
  const numberTexts = nonEmpty(parts.numberTexts);
  const micros = nonEmpty(parts.micros);
  const literals = nonEmpty(parts.literals);
  const numberTests = parts.numberTests.length > 0 ? parts.numberTests : undefined;
  const compares = micros !== undefined || numberTests !== undefined;
  return (leaf) => {
    switch (leaf.kind) {
      case LeafKind.string:
        if (strings?.has(leaf.text)) return true;
        if (ips !== undefined) {
          // An address in the pattern also matches other spellings of the same address.
          const ip = leaf.ip;
          if (ip !== null && ips.has(ip)) return true;
        }
        if (lowerStrings?.has(leaf.lower)) return true;
        if (stringTest?.(leaf)) return true;
        break;
      case LeafKind.number:
        if (numberTexts?.has(leaf.text)) return true;
        if (compares) {
          const m = leaf.micros;
          if (!Number.isNaN(m)) {
            if (micros?.has(m)) return true;
            if (numberTests !== undefined) for (const test of numberTests) if (test(m)) return true;
          }
        }
        break;
      default:
        if (literals?.has(leaf.kind)) return true;
    }
    return otherTest?.(leaf) === true;
  };
}

function buildTest(parts: Parts): LeafTest | null {
  if (parts.anyLeaf) return ALWAYS;
  const { strings, ips, lowerStrings, numberTexts, micros, literals, numberTests } = parts;
  const stringTest = anyOf(parts.stringTests);
  const otherTest = anyOf(parts.anyKindTests);
  const hasNumbers = numberTexts.size > 0 || micros.size > 0 || numberTests.length > 0;
  const hasStrings = strings.size > 0 || lowerStrings.size > 0 || stringTest !== undefined;
  if (!hasStrings && !hasNumbers && literals.size === 0 && otherTest === undefined) return null;

  // The shapes most patterns have, without the general dispatch.
  const onlyStrings = !hasNumbers && literals.size === 0 && otherTest === undefined && ips.size === 0;
  if (onlyStrings && lowerStrings.size === 0 && stringTest === undefined) {
    const [only] = strings;
    return strings.size === 1 && only !== undefined ? exactString(only) : exactStrings(strings);
  }
  if (onlyStrings && strings.size === 0 && lowerStrings.size === 0 && stringTest !== undefined) {
    return stringsOnly(stringTest);
  }
  if (!hasStrings && !hasNumbers && literals.size === 0 && otherTest !== undefined) return otherTest;
  return general(parts, stringTest, otherTest);
}

/**
 * Compiles a field of a clause into one test.
 *
 * @example
 * const field = compileField({ path: "source", values: [{ kind: "prefix", value: "aws.", ignoreCase: false }], terms: [] });
 * field.test?.(new Leaf(LeafKind.string, "aws.ec2", null)); // → true
 */
export function compileField(field: FieldSpec): FieldTest {
  const parts: Parts = {
    strings: new Set(),
    ips: new Set(),
    lowerStrings: new Set(),
    numberTexts: new Set(),
    micros: new Set(),
    literals: new Set(),
    stringTests: [],
    numberTests: [],
    anyKindTests: [],
    anyLeaf: false,
    allowAbsent: false,
    cost: 0,
  };
  for (const spec of field.values) collect(parts, spec);
  const test = buildTest(parts);
  const [only] = field.values;
  const exact =
    field.values.length === 1 && only?.kind === "exact-string" && only.ip === undefined
      ? only.value
      : undefined;
  return {
    path: field.path,
    pathId: internPath(field.path),
    allowAbsent: parts.allowAbsent,
    test,
    exact,
    cost: parts.allowAbsent ? 5 : parts.cost,
  };
}
