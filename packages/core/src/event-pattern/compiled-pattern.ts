import { type ClauseSpec, compileClauses } from "./compile.ts";
import { FlattenedEvent, flattenEvent, type Leaf, LeafKind, type Membership } from "./flatten.ts";
import { compileField, type FieldTest, type LeafTest } from "./matchers.ts";

/**
 * A pattern compiled once for repeated matching.
 *
 * @example
 * const rule = compileEventPattern({ source: ["aws.ecr"], "detail-type": ["ECR Image Action"] });
 * rule.matches(event); // → true or false, never throws
 */
export interface CompiledEventPattern {
  /**
   * Whether the event matches: a JavaScript value, JSON text (number literals kept) or an event from
   * {@link flattenEvent} (flatten once, match against many patterns). Never throws; an event that is not a
   * JSON object matches nothing.
   */
  matches(event: unknown): boolean;
  /** The dot-joined event paths the pattern reads. */
  readonly paths: readonly string[];
}

/**
 * A clause's fields in evaluation order, four slots each — path id, exact string (or undefined), test (or
 * null), 1 when absence is allowed — in one flat array: one event meets thousands of patterns, and each
 * object between a pattern and its tests is one more likely cache miss.
 */
type ClauseOps = ReadonlyArray<number | string | LeafTest | null | undefined>;

interface CompiledClause {
  /** Fields in evaluation order. */
  readonly fields: readonly FieldTest[];
  readonly ops: ClauseOps;
}

/** Membership of both, or false when the two leaves lie in different elements of one array. */
function mergeMembership(a: Membership, b: Membership): Membership | false {
  if (a === null || a === b) return b;
  if (b === null) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const arrayA = a[i] as number;
    const arrayB = b[j] as number;
    if (arrayA === arrayB) {
      if (a[i + 1] !== b[j + 1]) return false;
      out.push(arrayA, a[i + 1] as number);
      i += 2;
      j += 2;
    } else if (arrayA < arrayB) {
      out.push(arrayA, a[i + 1] as number);
      i += 2;
    } else {
      out.push(arrayB, b[j + 1] as number);
      j += 2;
    }
  }
  for (; i < a.length; i++) out.push(a[i] as number);
  for (; j < b.length; j++) out.push(b[j] as number);
  return out;
}

function consistent(a: Membership, b: Membership): boolean {
  if (a === null || b === null || a === b) return true;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const arrayA = a[i] as number;
    const arrayB = b[j] as number;
    if (arrayA === arrayB) {
      if (a[i + 1] !== b[j + 1]) return false;
      i += 2;
      j += 2;
    } else if (arrayA < arrayB) {
      i += 2;
    } else {
      j += 2;
    }
  }
  return true;
}

/** Steps after which a clause search starts remembering failed states (no event needs it in practice). */
const MEMO_AFTER_STEPS = 64;

/**
 * Array-consistent search for one clause, as Event Ruler's rulesForJSONEvent: pick for each field a leaf
 * that passes its test such that no two picked leaves come from different elements of one array. A field
 * that allows absence passes when no leaf at its path is consistent with the leaves picked for the fields
 * before it — before in name order, which is the order the service evaluates, and the order clauses with
 * such fields keep.
 */
class ClauseSearch {
  readonly fields: readonly FieldTest[];
  readonly event: FlattenedEvent;
  steps = 0;
  failed: Set<string> | undefined;

  constructor(fields: readonly FieldTest[], event: FlattenedEvent) {
    this.fields = fields;
    this.event = event;
  }

  run(index: number, membership: Membership): boolean {
    if (index === this.fields.length) return true;
    let key: string | undefined;
    if (++this.steps > MEMO_AFTER_STEPS) {
      key = `${index}|${membership === null ? "" : membership.join(",")}`;
      this.failed ??= new Set();
      if (this.failed.has(key)) return false;
    }
    const field = this.fields[index] as FieldTest;
    const leaves = this.event.leavesAt(field.pathId);
    if (field.allowAbsent && !this.anyConsistent(leaves, membership) && this.run(index + 1, membership)) {
      return true;
    }
    const test = field.test;
    if (leaves !== undefined && test !== null) {
      let tried: Membership | false = false;
      for (const leaf of leaves) {
        const merged = mergeMembership(membership, leaf.membership);
        // Leaves of one element share their membership: a state that failed once fails again.
        if (merged === false || merged === tried || !test(leaf)) continue;
        tried = merged;
        if (this.run(index + 1, merged)) return true;
      }
    }
    if (key !== undefined) this.failed?.add(key);
    return false;
  }

  anyConsistent(leaves: readonly Leaf[] | undefined, membership: Membership): boolean {
    if (leaves === undefined) return false;
    for (const leaf of leaves) if (consistent(membership, leaf.membership)) return true;
    return false;
  }
}

function matchesClause(clause: CompiledClause, event: FlattenedEvent): boolean {
  // First every field on its own. That a field has a passing leaf is necessary in any case; it is also
  // sufficient unless two fields read leaves inside arrays of objects, which must then be consistent.
  const ops = clause.ops;
  const checkLinks = event.hasMembership;
  let linked = 0;
  let undecided = false;
  for (let i = 0; i < ops.length; i += 4) {
    const pathId = ops[i] as number;
    const leaves = event.leavesAt(pathId);
    const allowAbsent = ops[i + 3] === 1;
    if (leaves === undefined) {
      if (allowAbsent) continue;
      return false;
    }
    const isLinked = checkLinks && event.isLinked(pathId);
    if (isLinked) linked++;
    let passed = false;
    const exact = ops[i + 1] as string | undefined;
    if (exact !== undefined) {
      for (const leaf of leaves) {
        if (leaf.text === exact && leaf.kind === LeafKind.string) {
          passed = true;
          break;
        }
      }
    } else {
      const test = ops[i + 2] as LeafTest | null;
      if (test !== null) {
        for (const leaf of leaves) {
          if (test(leaf)) {
            passed = true;
            break;
          }
        }
      }
    }
    if (!passed) {
      // An absence can still hold within the array element other fields pick.
      if (!(allowAbsent && isLinked)) return false;
      undecided = true;
    }
  }
  if (linked < 2) return !undecided;
  return new ClauseSearch(clause.fields, event).run(0, null);
}

function compileClause(spec: ClauseSpec): CompiledClause {
  const fields = spec.map(compileField);
  // Without absence tests the order is free: cheapest, most selective tests first.
  if (!fields.some((field) => field.allowAbsent)) fields.sort((a, b) => a.cost - b.cost);
  const ops = fields.flatMap((field) => [field.pathId, field.exact, field.test, field.allowAbsent ? 1 : 0]);
  return { fields, ops };
}

/** The compiled form; also carries what an index of many patterns needs. */
export class CompiledPattern implements CompiledEventPattern {
  readonly clauses: readonly CompiledClause[];
  readonly specs: readonly ClauseSpec[];
  readonly paths: readonly string[];
  #pathFilter: ReadonlySet<string> | undefined;

  /**
   * A field every match needs, pinned to one exact string, kept on the pattern itself: most patterns fail
   * on it, and reading it touches one object instead of the clause structure (thousands of patterns
   * meeting one event make this loop memory-bound).
   */
  readonly guardPathId: number;
  readonly guardValue: string | undefined;

  constructor(specs: readonly ClauseSpec[]) {
    this.specs = specs;
    this.clauses = specs.map(compileClause);
    const guard = this.clauses.length === 1 ? guardOf(this.clauses[0] as CompiledClause) : undefined;
    this.guardPathId = guard?.pathId ?? -1;
    this.guardValue = guard?.exact;
    const paths = new Set<string>();
    for (const clause of specs) for (const field of clause) paths.add(field.path);
    this.paths = [...paths].sort();
  }

  matches(event: unknown): boolean {
    try {
      const flat = event instanceof FlattenedEvent ? event : flattenEvent(event, this.pathFilter);
      return this.matchesFlattened(flat);
    } catch {
      return false;
    }
  }

  /** Every dot-joined prefix of every path: what flattening must read for this pattern. */
  get pathFilter(): ReadonlySet<string> {
    this.#pathFilter ??= prefixesOf(this.paths);
    return this.#pathFilter;
  }

  matchesFlattened(event: FlattenedEvent): boolean {
    if (!event.isObject) return false;
    const guard = this.guardValue;
    if (guard !== undefined) {
      const leaves = event.leavesAt(this.guardPathId);
      if (leaves === undefined) return false;
      let found = false;
      for (const leaf of leaves) {
        if (leaf.text === guard && leaf.kind === LeafKind.string) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    for (const clause of this.clauses) if (matchesClause(clause, event)) return true;
    return false;
  }
}

/** The deepest field pinned to one exact string (deeper fields are the more selective). */
function guardOf(clause: CompiledClause): FieldTest | undefined {
  let guard: FieldTest | undefined;
  let depth = -1;
  for (const field of clause.fields) {
    if (field.exact === undefined) continue;
    const fieldDepth = field.path.split(".").length;
    if (fieldDepth > depth) {
      guard = field;
      depth = fieldDepth;
    }
  }
  return guard;
}

/** All dot-joined prefixes of `paths` ("a.b.c" gives "a", "a.b", "a.b.c"). */
export function prefixesOf(paths: Iterable<string>, into: Set<string> = new Set()): Set<string> {
  for (const path of paths) {
    let at = path.indexOf(".");
    while (at >= 0) {
      into.add(path.slice(0, at));
      at = path.indexOf(".", at + 1);
    }
    into.add(path);
  }
  return into;
}

/**
 * Compiles an event pattern — a JavaScript value or JSON text — once, for fast repeated matching.
 * Throws {@link InvalidEventPatternError} for a pattern EventBridge would refuse.
 *
 * @example
 * const rule = compileEventPattern('{"source": ["aws.ec2"], "detail": {"state": [{"anything-but": "running"}]}}');
 * rule.matches({ source: "aws.ec2", detail: { state: "stopped" } }); // → true
 */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  return new CompiledPattern(compileClauses(pattern));
}
