import { ANY_BYTES, wildcardBytes } from "./wildcard.ts";

/**
 * EventBridge refuses a rule whose wildcards could keep too many partial matches alive at once ("Rule is
 * too complex - try using fewer wildcard characters or fewer repeating character sequences after a
 * wildcard character"; eb-create-pattern-operators, "Wildcard matching complexity"). The measure is Event
 * Ruler's MachineComplexityEvaluator: build the byte automaton the service builds for the wildcard values
 * of one field, and find the input on which the most wildcard patterns are simultaneously in progress.
 *
 * The service's limit is not published. A limit of 10 reproduces what it is known to do: it refuses
 * `*:*:*:*:*:event-bus/*` (11), accepts `/Users/*\/dir/dir/dir/dir/dir/doc.txt` (7) and a field with the
 * four values `*.bif`, `*.tiff`, `*.tif`, `*.svs` (8), and refuses four values of the form
 * `*\/datasync/*.ext` on one field (16) while accepting two of them (8).
 */
export const WILDCARD_COMPLEXITY_LIMIT = 10;

export const RULE_TOO_COMPLEX =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/** One alternative of a field as the automaton sees it. */
export interface ComplexityTerm {
  /** Equal alternatives (across `$or` branches) share their automaton path and their next field. */
  readonly identity: string;
  /** Wildcard values of this alternative (`wildcard`, or `anything-but` `wildcard`); empty for others. */
  readonly wildcards: readonly string[];
  /** `exists: false`: the service does not evaluate the fields reached only through such alternatives. */
  readonly absent: boolean;
}

export interface ComplexityField {
  readonly path: string;
  readonly terms: readonly ComplexityTerm[];
}

interface NameState {
  readonly fields: Map<string, FieldMachine>;
}

interface FieldMachine {
  readonly terms: ComplexityTerm[];
  readonly next: Map<string, NameState>;
  readonly reachable: Set<NameState>;
}

/**
 * The highest complexity of any field automaton of the rule (clauses are its `$or` expansion), or a value
 * above `limit` as soon as one is found.
 *
 * @example
 * ruleWildcardComplexity([[{ path: "arn", terms: [{ identity: "w", wildcards: ["*:*:*:*:*:event-bus/*"], absent: false }] }]]);
 * // → 11
 */
export function ruleWildcardComplexity(
  clauses: ReadonlyArray<readonly ComplexityField[]>,
  limit: number = WILDCARD_COMPLEXITY_LIMIT,
): number {
  const root: NameState = { fields: new Map() };
  for (const clause of clauses) {
    // The service walks a rule's fields in name order; alternatives that are equal lead to one state.
    const fields = [...clause].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    let states = new Set<NameState>([root]);
    for (const field of fields) {
      const nextStates = new Set<NameState>();
      for (const state of states) {
        let machine = state.fields.get(field.path);
        if (machine === undefined) {
          machine = { terms: [], next: new Map(), reachable: new Set() };
          state.fields.set(field.path, machine);
        }
        let shared: NameState | undefined;
        for (const term of field.terms) {
          machine.terms.push(term);
          const existing = machine.next.get(term.identity);
          if (existing !== undefined) {
            shared = existing;
          } else {
            shared ??= { fields: new Map() };
            machine.next.set(term.identity, shared);
          }
          nextStates.add(shared);
          if (!term.absent) machine.reachable.add(shared);
        }
      }
      states = nextStates;
    }
  }
  let highest = 0;
  const seen = new Set<NameState>();
  const pending: NameState[] = [root];
  for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
    if (seen.has(state)) continue;
    seen.add(state);
    for (const machine of state.fields.values()) {
      if (machine.terms.some((term) => term.wildcards.length > 0)) {
        const complexity = fieldWildcardComplexity(machine.terms, limit);
        if (complexity > limit) return complexity;
        highest = Math.max(highest, complexity);
      }
      for (const next of machine.reachable) pending.push(next);
    }
  }
  return highest;
}

interface ByteState {
  literal: Map<number, number[]> | undefined;
  any: number[];
  weight: Set<string>;
  prefix: Map<number, number> | undefined;
  star: number;
}

function newByteState(): ByteState {
  return { literal: undefined, any: [], weight: new Set(), prefix: undefined, star: 0 };
}

function addLiteral(state: ByteState, byte: number, target: number): void {
  state.literal ??= new Map();
  const targets = state.literal.get(byte);
  if (targets === undefined) state.literal.set(byte, [target]);
  else targets.push(target);
}

/** Explored subsets beyond which the estimate stops (and the field is accepted). */
const MAX_EXPLORED_SUBSETS = 20_000;

/**
 * Complexity of one field's automaton: the most wildcard patterns (weighted by how many alternatives run
 * through each state) that some input keeps in progress at once.
 */
export function fieldWildcardComplexity(
  terms: readonly ComplexityTerm[],
  limit: number = WILDCARD_COMPLEXITY_LIMIT,
): number {
  const states: ByteState[] = [newByteState()];
  const terminals = new Map<string, number>();
  const alphabet = new Set<number>();
  for (const term of terms) {
    for (const value of term.wildcards) {
      const tokens = wildcardBytes(value);
      let current = 0;
      let previous = -1;
      // Up to the first wildcard the automaton is a trie shared by all values of the field.
      let determinate = true;
      tokens.forEach((token, i) => {
        const terminal = i === tokens.length - 1;
        const from = states[current] as ByteState;
        let next = 0;
        if (terminal) {
          next = terminals.get(term.identity) ?? 0;
        } else if (token === ANY_BYTES) {
          if (determinate) next = from.star;
        } else if (determinate) {
          next = from.prefix?.get(token) ?? 0;
        }
        const created = next === 0;
        if (created) {
          next = states.length;
          states.push(newByteState());
          if (terminal) terminals.set(term.identity, next);
          else if (token === ANY_BYTES && determinate) from.star = next;
          else if (determinate) {
            from.prefix ??= new Map();
            from.prefix.set(token, next);
          }
        }
        const to = states[next] as ByteState;
        if (token === ANY_BYTES) {
          determinate = false;
          if (to.any.length === 0) {
            from.any.push(next);
            to.any = [next];
          }
        } else if (terminal || created) {
          alphabet.add(token);
          addLiteral(from, token, next);
          // A wildcard may match nothing: the byte after it is also reachable from before it.
          if (i > 0 && tokens[i - 1] === ANY_BYTES && previous >= 0) {
            addLiteral(states[previous] as ByteState, token, next);
          }
        }
        to.weight.add(term.identity);
        previous = current;
        current = next;
      });
    }
  }
  if (states.length === 1) return 0;
  const symbols = [ANY_BYTES, ...alphabet];
  const seen = new Set<string>();
  const pending: number[][] = [[0]];
  let highest = 0;
  for (let active = pending.pop(); active !== undefined; active = pending.pop()) {
    for (const symbol of symbols) {
      const nextSet = new Set<number>();
      for (const id of active) {
        const state = states[id] as ByteState;
        for (const target of state.any) nextSet.add(target);
        if (symbol !== ANY_BYTES) {
          const targets = state.literal?.get(symbol);
          if (targets !== undefined) for (const target of targets) nextSet.add(target);
        }
      }
      if (nextSet.size === 0) continue;
      let complexity = 0;
      for (const id of nextSet) {
        const state = states[id] as ByteState;
        complexity += state.weight.size;
        // A state whose next byte may also start a wildcard run is in progress on that run too.
        for (const wildcard of state.any) {
          if (!nextSet.has(wildcard)) complexity += (states[wildcard] as ByteState).weight.size;
        }
      }
      if (complexity > limit) return complexity;
      highest = Math.max(highest, complexity);
      const next = [...nextSet].sort((a, b) => a - b);
      const key = next.join(",");
      if (!seen.has(key)) {
        seen.add(key);
        if (seen.size > MAX_EXPLORED_SUBSETS) return highest;
        pending.push(next);
      }
    }
  }
  return highest;
}
