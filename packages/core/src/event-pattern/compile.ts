import { InvalidEventPatternError } from "./errors.ts";
import { CidrError, type CidrRange, ipToHex, parseCidr } from "./ip.ts";
import { toComparable } from "./numbers.ts";
import { JsonNumber, JsonObject, JsonSyntaxError, parseJson } from "./parse-json.ts";
import { compileGlob, type Glob, WildcardSyntaxError } from "./wildcard.ts";
import {
  type ComplexityTerm,
  RULE_TOO_COMPLEX,
  ruleWildcardComplexity,
  WILDCARD_COMPLEXITY_LIMIT,
} from "./wildcard-complexity.ts";

/**
 * Validation and compilation of event patterns into their disjunctive normal form: a list of clauses
 * (one per combination of `$or` branches), each a set of fields keyed by dot-joined path, each field a
 * list of alternative value tests. The walk, its checks and their order follow the rule compiler of
 * Event Ruler, the library EventBridge matches with, so that a pattern is refused for the same reason,
 * worded as the service words it (eb-event-patterns, eb-create-pattern-operators, eb-event-patterns-arrays).
 */

/** One alternative value test of a field. */
export type ValueSpec =
  | { readonly kind: "exact-string"; readonly value: string; readonly ip: string | undefined }
  | { readonly kind: "exact-number"; readonly text: string; readonly micros: number }
  | { readonly kind: "literal"; readonly value: "true" | "false" | "null" }
  | { readonly kind: "prefix"; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: "suffix"; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: "equals-ignore-case"; readonly value: string }
  | { readonly kind: "wildcard"; readonly glob: Glob }
  | {
      readonly kind: "numeric";
      readonly low: number;
      readonly lowOpen: boolean;
      readonly high: number;
      readonly highOpen: boolean;
    }
  | { readonly kind: "cidr"; readonly range: CidrRange }
  | { readonly kind: "exists"; readonly exists: boolean }
  | { readonly kind: "anything-but"; readonly strings: readonly string[]; readonly micros: readonly number[] }
  | { readonly kind: "anything-but-prefix"; readonly values: readonly string[] }
  | { readonly kind: "anything-but-suffix"; readonly values: readonly string[] }
  | { readonly kind: "anything-but-ignore-case"; readonly values: readonly string[] }
  | { readonly kind: "anything-but-wildcard"; readonly globs: readonly Glob[] };

/** A field of a clause: the event leaf at `path` must pass one of `values`. */
export interface FieldSpec {
  /** Dot-joined path: `{"detail": {"state": …}}` and `{"detail.state": …}` are the same field. */
  readonly path: string;
  readonly values: readonly ValueSpec[];
  readonly terms: readonly ComplexityTerm[];
}

/** A conjunction of fields; a pattern matches when one of its clauses does. */
export type ClauseSpec = readonly FieldSpec[];

/**
 * Beyond this many `$or` combinations a pattern is refused rather than expanded (each combination costs
 * matching time). The service's own bound is not published; this is a guard of this engine.
 */
export const MAX_PATTERN_COMBINATIONS = 4096;

const OR = "$or";

/** Field names that may not appear inside `$or` branches (they would be read as operators). */
const RESERVED_IN_OR = new Set([
  "exactly",
  "equals-ignore-case",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "wildcard",
  "numeric",
  "cidr",
  "html",
  "=",
  "<",
  "<=",
  ">",
  ">=",
  "regex",
  "not-wildcard",
  "not-equals-ignore-case",
  "date-after",
  "date-on-or-after",
  "date-before",
  "date-on-or-before",
  "in-date-range",
  "ip-address-in-range",
  "ip-address-not-in-range",
]);

/**
 * A refusal found while walking the pattern. `structural` refusals are those the service's `$or`-aware
 * compiler reports as parse errors, after which it retries the pattern reading `$or` as an ordinary field
 * name (the backward compatibility the Event Ruler README describes); value errors (a malformed CIDR, a
 * number out of range in a single `anything-but`) end compilation at once.
 */
class PatternRefusal extends Error {
  readonly reason: string;
  readonly structural: boolean;

  constructor(reason: string, structural = true) {
    super(reason);
    this.reason = reason;
    this.structural = structural;
  }
}

/** A refusal that no re-reading can cure. */
class FinalRefusal extends PatternRefusal {}

function refuse(reason: string): never {
  throw new PatternRefusal(reason);
}

function refuseValue(reason: string): never {
  throw new PatternRefusal(reason, false);
}

// ---------------------------------------------------------------------------------------------------------
// Reading pattern nodes: parsed JSON text (order and duplicates kept) or a JavaScript value.

type Kind = "object" | "array" | "string" | "number" | "true" | "false" | "null" | "other";

function kindOf(node: unknown): Kind {
  switch (typeof node) {
    case "string":
      return "string";
    case "number":
      return Number.isFinite(node) ? "number" : "other";
    case "bigint":
      return "number";
    case "boolean":
      return node ? "true" : "false";
    case "object":
      if (node === null) return "null";
      if (Array.isArray(node)) return "array";
      if (node instanceof JsonNumber) return "number";
      return "object";
    default:
      return "other";
  }
}

function entriesOf(node: unknown): Array<[string, unknown]> {
  if (node instanceof JsonObject) return node.entries;
  return Object.entries(node as Record<string, unknown>);
}

function numberText(node: unknown): string {
  return node instanceof JsonNumber ? node.text : String(node);
}

/** How the service's JSON tokenizer prints a token in a message ("]" when the array has ended). */
function tokenText(node: unknown, present: boolean): string {
  if (!present) return "]";
  switch (kindOf(node)) {
    case "string":
      return node as string;
    case "number":
      return numberText(node);
    case "array":
      return "[";
    case "object":
      return "{";
    case "true":
      return "true";
    case "false":
      return "false";
    case "null":
      return "null";
    default:
      return String(node);
  }
}

/** A canonical text of a pattern node: equal alternatives get equal identities. */
function identityOf(node: unknown): string {
  switch (kindOf(node)) {
    case "string":
      return JSON.stringify(node);
    case "number": {
      const comparable = toComparable(numberText(node));
      return comparable.ok ? `#${comparable.micros}` : numberText(node);
    }
    case "array":
      return `[${(node as unknown[]).map(identityOf).join(",")}]`;
    case "object":
      return `{${entriesOf(node)
        .map(([key, value]) => `${JSON.stringify(key)}:${identityOf(value)}`)
        .join(",")}}`;
    default:
      return String(kindOf(node) === "null" ? "null" : node);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The walk.

type Clause = Map<string, FieldSpec>;

function copyClauses(clauses: readonly Clause[]): Clause[] {
  return clauses.map((clause) => new Map(clause));
}

function joinPath(path: readonly string[], step: string): string {
  return path.length === 0 ? step : `${path.join(".")}.${step}`;
}

class Walk {
  readonly orAware: boolean;

  constructor(orAware: boolean) {
    this.orAware = orAware;
  }

  root(node: unknown): Clause[] {
    if (kindOf(node) !== "object") refuse("Filter is not an object");
    const clauses: Clause[] = [];
    this.object(clauses, [], node, false);
    return clauses;
  }

  object(clauses: Clause[], path: string[], node: unknown, insideOr: boolean): void {
    const entries = entriesOf(node);
    if (entries.length === 0) refuse("Empty objects are not allowed");
    for (const [key, value] of entries) {
      if (this.orAware && key === OR) {
        this.or(clauses, path, value);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(key)) {
        refuse(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      }
      switch (kindOf(value)) {
        case "object":
          path.push(key);
          this.object(clauses, path, value, insideOr);
          path.pop();
          break;
        case "array":
          this.field(clauses, joinPath(path, key), value as unknown[]);
          break;
        default:
          refuse(`"${key}" must be an object or an array`);
      }
    }
  }

  or(clauses: Clause[], path: string[], node: unknown): void {
    const before = copyClauses(clauses);
    clauses.length = 0;
    if (kindOf(node) !== "array") refuse(`It must be an Array followed with ${OR}.`);
    let branches = 0;
    for (const branch of node as unknown[]) {
      branches++;
      if (kindOf(branch) !== "object") refuse(`Only JSON object is allowed in array of ${OR} relationship.`);
      const forked = copyClauses(before);
      if (forked.length === 0) forked.push(new Map());
      this.object(forked, path, branch, true);
      clauses.push(...forked);
      if (clauses.length > MAX_PATTERN_COMBINATIONS) {
        throw new FinalRefusal(
          `The ${OR} branches of the pattern combine into more than ${MAX_PATTERN_COMBINATIONS} alternatives`,
        );
      }
    }
    if (branches < 2) refuse(`There must have at least 2 Objects in ${OR} relationship.`);
  }

  field(clauses: Clause[], path: string, items: unknown[]): void {
    const values: ValueSpec[] = [];
    const terms: ComplexityTerm[] = [];
    for (const item of items) {
      const spec = valueSpecOf(item);
      values.push(spec);
      terms.push({
        identity: identityOf(item),
        wildcards: wildcardsOf(item, spec),
        absent: spec.kind === "exists" && !spec.exists,
      });
    }
    if (values.length === 0) refuse("Empty arrays are not allowed");
    if (clauses.length === 0) clauses.push(new Map());
    const field: FieldSpec = { path, values, terms };
    // A later occurrence of the same path (a duplicate key, or "a.b" next to {"a":{"b":…}}) replaces it.
    for (const clause of clauses) clause.set(path, field);
  }
}

function wildcardsOf(item: unknown, spec: ValueSpec): string[] {
  if (spec.kind !== "wildcard" && spec.kind !== "anything-but-wildcard") return [];
  const [, operand] = entriesOf(item)[0] ?? [];
  if (spec.kind === "wildcard") return [operand as string];
  const [, inner] = entriesOf(operand)[0] ?? [];
  return kindOf(inner) === "array" ? (inner as string[]) : [inner as string];
}

function valueSpecOf(item: unknown): ValueSpec {
  switch (kindOf(item)) {
    case "object":
      return matchExpression(item);
    case "string": {
      const value = item as string;
      return { kind: "exact-string", value, ip: ipToHex(value) };
    }
    case "number": {
      // A number matches its own text, and numerically equal numbers where both are comparable.
      const text = numberText(item);
      const comparable = toComparable(text);
      return { kind: "exact-number", text, micros: comparable.ok ? comparable.micros : Number.NaN };
    }
    case "true":
      return { kind: "literal", value: "true" };
    case "false":
      return { kind: "literal", value: "false" };
    case "null":
      return { kind: "literal", value: "null" };
    default:
      refuse("Match value must be String, number, true, false, or null");
  }
}

const ONLY_ONE_KEY = "Only one key allowed in match expression";
const TOO_MANY_ELEMENTS = "Too many elements in numeric expression";

function matchExpression(node: unknown): ValueSpec {
  const entries = entriesOf(node);
  const [first] = entries;
  if (first === undefined) refuse("Match expression name not found");
  const [operator, operand] = first;
  const more = entries.length > 1;
  switch (operator) {
    case "prefix":
    case "suffix": {
      let spec: ValueSpec;
      if (kindOf(operand) === "object") {
        spec = { kind: operator, value: ignoreCaseOperand(operator, operand), ignoreCase: true };
      } else {
        if (kindOf(operand) !== "string") refuse(`${operator} match pattern must be a string`);
        spec = { kind: operator, value: operand as string, ignoreCase: false };
      }
      if (more) refuse(ONLY_ONE_KEY);
      return spec;
    }
    case "equals-ignore-case": {
      if (kindOf(operand) !== "string") refuse("equals-ignore-case match pattern must be a string");
      if (more) refuse(ONLY_ONE_KEY);
      return { kind: "equals-ignore-case", value: operand as string };
    }
    case "wildcard": {
      if (kindOf(operand) !== "string") refuse("wildcard match pattern must be a string");
      const glob = globOf(operand as string);
      if (more) refuse(ONLY_ONE_KEY);
      return { kind: "wildcard", glob };
    }
    case "numeric": {
      if (kindOf(operand) !== "array") refuse("Value of numeric must be an array.");
      const spec = numericExpression(operand as unknown[]);
      if (more) refuse(TOO_MANY_ELEMENTS);
      return spec;
    }
    case "exists": {
      const kind = kindOf(operand);
      if (kind !== "true" && kind !== "false") refuse("exists match pattern must be either true or false.");
      if (more) refuse(ONLY_ONE_KEY);
      return { kind: "exists", exists: kind === "true" };
    }
    case "cidr": {
      // The service's message names "prefix" here; it is kept so that reasons compare equal.
      if (kindOf(operand) !== "string") refuse("prefix match pattern must be a string");
      let range: CidrRange;
      try {
        range = parseCidr(operand as string);
      } catch (error) {
        if (error instanceof CidrError) refuseValue(error.message);
        throw error;
      }
      if (more) refuse(ONLY_ONE_KEY);
      return { kind: "cidr", range };
    }
    case "anything-but":
      return anythingBut(operand, more);
    default:
      refuse(`Unrecognized match type ${operator}`);
  }
}

function ignoreCaseOperand(operator: "prefix" | "suffix", operand: unknown): string {
  const entries = entriesOf(operand);
  const [first] = entries;
  const label = operator === "prefix" ? "Prefix" : "Suffix";
  if (first === undefined) refuse(`${label} expression name not found`);
  const [name, value] = first;
  if (name !== "equals-ignore-case") refuse(`Unsupported ${operator} pattern: ${name}`);
  if (kindOf(value) !== "string") refuse("equals-ignore-case match pattern must be a string");
  if (entries.length > 1) refuse(ONLY_ONE_KEY);
  return value as string;
}

function globOf(value: string): Glob {
  try {
    return compileGlob(value);
  } catch (error) {
    if (error instanceof WildcardSyntaxError) refuse(error.message);
    throw error;
  }
}

function comparableOrRefuse(node: unknown, refusal: (reason: string) => never): number {
  const comparable = toComparable(numberText(node));
  if (!comparable.ok) refusal(comparable.reason);
  return comparable.micros;
}

function isNumber(items: readonly unknown[], index: number): boolean {
  return index < items.length && kindOf(items[index]) === "number";
}

const LOWEST = -5e15;
const HIGHEST = 5e15;

function numericExpression(items: readonly unknown[]): ValueSpec {
  const head = items[0];
  if (items.length === 0 || kindOf(head) !== "string") {
    refuse(`Invalid member in numeric match: ${tokenText(head, items.length > 0)}`);
  }
  const operator = head as string;
  const range = (low: number, lowOpen: boolean, high: number, highOpen: boolean): ValueSpec => {
    if (low >= high) refuse("Bottom must be less than top");
    return { kind: "numeric", low, lowOpen, high, highOpen };
  };
  switch (operator) {
    case "=": {
      if (!isNumber(items, 1)) refuse("Value of equals must be numeric");
      if (items.length > 2) refuse(TOO_MANY_ELEMENTS);
      const value = comparableOrRefuse(items[1], refuse);
      return { kind: "numeric", low: value, lowOpen: false, high: value, highOpen: false };
    }
    case ">":
    case ">=": {
      if (!isNumber(items, 1)) refuse(`Value of ${operator} must be numeric`);
      const lowOpen = operator === ">";
      if (items.length === 2) return range(comparableOrRefuse(items[1], refuse), lowOpen, HIGHEST, false);
      const upper = items[2];
      if (kindOf(upper) !== "string") refuse(`Bad value in numeric range: ${tokenText(upper, true)}`);
      if (upper !== "<" && upper !== "<=") refuse(`Bad numeric range operator: ${upper as string}`);
      if (!isNumber(items, 3)) refuse(`Value of ${upper} must be numeric`);
      if (items.length > 4) refuse("Too many terms in numeric range expression");
      const low = comparableOrRefuse(items[1], refuse);
      const high = comparableOrRefuse(items[3], refuse);
      return range(low, lowOpen, high, upper === "<");
    }
    case "<":
    case "<=": {
      if (!isNumber(items, 1)) refuse(`Value of ${operator} must be numeric`);
      if (items.length > 2) refuse(TOO_MANY_ELEMENTS);
      const high = comparableOrRefuse(items[1], refuse);
      return range(LOWEST, false, high, operator === "<");
    }
    default:
      refuse(`Unrecognized numeric range operator: ${operator}`);
  }
}

type AnythingButForm = "values" | "equals-ignore-case" | "prefix" | "suffix" | "wildcard";

function anythingBut(operand: unknown, outerMore: boolean): ValueSpec {
  let form: AnythingButForm = "values";
  let values = operand;
  let innerMore = false;
  if (kindOf(operand) === "object") {
    const entries = entriesOf(operand);
    const [first] = entries;
    if (first === undefined) refuse("Anything-But expression name not found");
    const [name, inner] = first;
    if (name !== "equals-ignore-case" && name !== "prefix" && name !== "suffix" && name !== "wildcard") {
      refuse(`Unsupported anything-but pattern: ${name}`);
    }
    form = name;
    values = inner;
    innerMore = entries.length > 1;
  }
  const kind = kindOf(values);
  if (kind !== "array" && kind !== "string" && kind !== "number") {
    refuse("Value of anything-but must be an array or single string/number value.");
  }
  const list = kind === "array" ? (values as unknown[]) : [values];
  const spec = form === "values" ? anythingButValues(list, kind === "array") : anythingButSet(form, list);
  if (form === "values" ? outerMore : innerMore) refuse(TOO_MANY_ELEMENTS);
  if (form !== "values" && outerMore) refuse(TOO_MANY_ELEMENTS);
  return spec;
}

function anythingButValues(list: readonly unknown[], isList: boolean): ValueSpec {
  const strings: string[] = [];
  const micros: number[] = [];
  for (const value of list) {
    const kind = kindOf(value);
    if (kind === "string") strings.push(value as string);
    else if (kind === "number") micros.push(comparableOrRefuse(value, isList ? refuse : refuseValue));
    else refuse("Inside anything but list, start|null|boolean is not supported.");
  }
  if (strings.length > 0 === micros.length > 0) {
    refuse("Inside anything but list, either all values are number or string, mixed type is not supported");
  }
  return { kind: "anything-but", strings, micros };
}

function anythingButSet(form: Exclude<AnythingButForm, "values">, list: readonly unknown[]): ValueSpec {
  const values: string[] = [];
  for (const value of list) {
    if (kindOf(value) !== "string") {
      if (form === "equals-ignore-case") {
        refuse("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
      }
      if (form === "wildcard") refuse("wildcard match pattern must be a string");
      refuse("prefix/suffix match pattern must be a string");
    }
    const text = value as string;
    if ((form === "prefix" || form === "suffix") && text === "") refuse("Null prefix/suffix not allowed");
    values.push(text);
  }
  switch (form) {
    case "equals-ignore-case":
      return { kind: "anything-but-ignore-case", values };
    case "prefix":
      return { kind: "anything-but-prefix", values };
    case "suffix":
      return { kind: "anything-but-suffix", values };
    case "wildcard":
      return { kind: "anything-but-wildcard", globs: values.map(globOf) };
  }
}

// ---------------------------------------------------------------------------------------------------------

function sortClause(clause: Clause): ClauseSpec {
  return [...clause.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(node: unknown): ClauseSpec[] {
  try {
    return new Walk(true).root(node).map(sortClause);
  } catch (error) {
    if (!(error instanceof PatternRefusal) || !error.structural || error instanceof FinalRefusal) throw error;
    // Read "$or" as a plain field name, as the service does when the $or-aware reading fails.
    return new Walk(false).root(node).map(sortClause);
  }
}

/**
 * Reads a pattern given as JSON text or as a JavaScript value and compiles it into clauses, refusing it
 * with {@link InvalidEventPatternError} where the service would.
 *
 * @example
 * const clauses = compileClauses('{"source": ["aws.ec2"], "$or": [{"a": [1]}, {"b": [2]}]}');
 * // → two clauses, each with "source" and one of "a", "b"
 */
export function compileClauses(pattern: unknown): ClauseSpec[] {
  let node = pattern;
  if (typeof pattern === "string") {
    try {
      node = parseJson(pattern);
    } catch (error) {
      if (error instanceof JsonSyntaxError)
        throw new InvalidEventPatternError(error.message, { cause: error });
      throw error;
    }
  }
  let clauses: ClauseSpec[];
  try {
    clauses = walk(node);
  } catch (error) {
    if (error instanceof PatternRefusal) throw new InvalidEventPatternError(error.reason);
    if (error instanceof RangeError) {
      // A pattern nested deeper than the stack allows, given as a JavaScript value.
      throw new InvalidEventPatternError("Pattern is nested too deeply", { cause: error });
    }
    throw error;
  }
  if (ruleWildcardComplexity(clauses, WILDCARD_COMPLEXITY_LIMIT) > WILDCARD_COMPLEXITY_LIMIT) {
    throw new InvalidEventPatternError(RULE_TOO_COMPLEX);
  }
  // The complexity terms have served; compiled patterns are kept, often by the thousand.
  return clauses.map((clause) => clause.map(({ path, values }) => ({ path, values, terms: [] })));
}
