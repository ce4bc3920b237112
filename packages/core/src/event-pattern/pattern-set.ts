import {
  type CompiledEventPattern,
  CompiledPattern,
  compileEventPattern,
  prefixesOf,
} from "./compiled-pattern.ts";
import { FlattenedEvent, flattenEvent, LeafKind } from "./flatten.ts";

interface Entry<K> {
  readonly key: K;
  readonly pattern: CompiledPattern;
  readonly order: number;
}

/**
 * Where a pattern is filed: under the exact values some field must take, under a field that must be
 * present, or nowhere (it is then tried on every event).
 */
type IndexKey =
  | { readonly kind: "value"; readonly path: string; readonly values: ReadonlySet<string> }
  | { readonly kind: "presence"; readonly path: string }
  | undefined;

/**
 * Deeper, longer paths first: they are present in fewer events, and the values a rule pins them to are
 * more selective than its `source` (which every rule of a service shares).
 */
function rarest(paths: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDepth = -1;
  for (const path of paths) {
    const depth = path.split(".").length;
    if (depth > bestDepth || (depth === bestDepth && best !== undefined && path.length > best.length)) {
      best = path;
      bestDepth = depth;
    }
  }
  return best;
}

function intersect(a: Set<string> | undefined, b: Set<string>): Set<string> {
  return a === undefined ? b : new Set([...a].filter((path) => b.has(path)));
}

function indexKeyOf(pattern: CompiledPattern): IndexKey {
  let pinned: Set<string> | undefined;
  let required: Set<string> | undefined;
  for (const clause of pattern.specs) {
    const clausePinned = new Set<string>();
    const clauseRequired = new Set<string>();
    for (const field of clause) {
      const absent = field.values.some((value) => value.kind === "exists" && !value.exists);
      if (absent) continue;
      clauseRequired.add(field.path);
      // An address also matches other spellings of itself: such values cannot be looked up as text.
      if (field.values.every((value) => value.kind === "exact-string" && value.ip === undefined)) {
        clausePinned.add(field.path);
      }
    }
    pinned = intersect(pinned, clausePinned);
    required = intersect(required, clauseRequired);
  }
  if (pinned !== undefined && pinned.size > 0) {
    const path = rarest(pinned) as string;
    const values = new Set<string>();
    for (const clause of pattern.specs) {
      for (const field of clause) {
        if (field.path !== path) continue;
        for (const value of field.values) if (value.kind === "exact-string") values.add(value.value);
      }
    }
    return { kind: "value", path, values };
  }
  const path = required === undefined ? undefined : rarest(required);
  return path === undefined ? undefined : { kind: "presence", path };
}

function addTo<T>(map: Map<string, Set<T>>, key: string, item: T): void {
  let items = map.get(key);
  if (items === undefined) {
    items = new Set();
    map.set(key, items);
  }
  items.add(item);
}

/**
 * Many patterns matched against one event at a time, as the router and the local bus need: the event is
 * flattened once, and each pattern is filed under a field it needs — the exact values it pins that field
 * to, or the field's mere presence — so that it is only tried on events that could match it.
 *
 * @example
 * const rules = new EventPatternSet<string>();
 * rules.add("rollback", { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] });
 * rules.add("cleanup", { source: ["aws.scheduler"] });
 * rules.matching(event); // → ["rollback"] for an alarm state change
 */
export class EventPatternSet<K = string> {
  readonly #entries = new Map<K, Entry<K>>();
  readonly #byValue = new Map<string, Map<string, Set<Entry<K>>>>();
  readonly #byPresence = new Map<string, Set<Entry<K>>>();
  readonly #unindexed = new Set<Entry<K>>();
  #order = 0;
  #pathFilter: Set<string> | undefined;

  /** Number of patterns in the set. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Adds (or replaces) the pattern under `key`; `pattern` may be compiled already. Throws
   * {@link InvalidEventPatternError} for an invalid pattern, leaving the set unchanged.
   */
  add(key: K, pattern: unknown): CompiledEventPattern {
    const compiled =
      pattern instanceof CompiledPattern ? pattern : (compileEventPattern(pattern) as CompiledPattern);
    this.delete(key);
    const entry: Entry<K> = { key, pattern: compiled, order: this.#order++ };
    this.#entries.set(key, entry);
    const indexKey = indexKeyOf(compiled);
    if (indexKey === undefined) {
      this.#unindexed.add(entry);
    } else if (indexKey.kind === "presence") {
      addTo(this.#byPresence, indexKey.path, entry);
    } else {
      let byValue = this.#byValue.get(indexKey.path);
      if (byValue === undefined) {
        byValue = new Map();
        this.#byValue.set(indexKey.path, byValue);
      }
      for (const value of indexKey.values) addTo(byValue, value, entry);
    }
    this.#pathFilter = undefined;
    return compiled;
  }

  /** Removes the pattern under `key`; false when there was none. */
  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#unindexed.delete(entry);
    for (const [path, entries] of this.#byPresence) {
      entries.delete(entry);
      if (entries.size === 0) this.#byPresence.delete(path);
    }
    for (const byValue of this.#byValue.values()) {
      for (const [value, entries] of byValue) {
        entries.delete(entry);
        if (entries.size === 0) byValue.delete(value);
      }
    }
    this.#pathFilter = undefined;
    return true;
  }

  /**
   * Keys of the patterns the event matches, in the order they were added. The event may be a JavaScript
   * value, JSON text or a {@link FlattenedEvent}; never throws.
   */
  matching(event: unknown): K[] {
    const flat = event instanceof FlattenedEvent ? event : flattenEvent(event, this.#filter());
    if (!flat.isObject) return [];
    const candidates: Array<ReadonlySet<Entry<K>>> = [this.#unindexed];
    for (const [path, entries] of this.#byPresence) if (flat.fields.has(path)) candidates.push(entries);
    for (const [path, byValue] of this.#byValue) {
      const leaves = flat.fields.get(path);
      if (leaves === undefined) continue;
      for (const leaf of leaves) {
        if (leaf.kind !== LeafKind.string) continue;
        const entries = byValue.get(leaf.text);
        if (entries !== undefined) candidates.push(entries);
      }
    }
    // A pattern is filed once, but an event can carry one indexed value several times (an array).
    const tried = candidates.length > 2 ? new Set<Entry<K>>() : undefined;
    const matched: Entry<K>[] = [];
    for (const entries of candidates) {
      for (const entry of entries) {
        if (tried !== undefined) {
          if (tried.has(entry)) continue;
          tried.add(entry);
        }
        if (entry.pattern.matchesFlattened(flat)) matched.push(entry);
      }
    }
    return matched.sort((a, b) => a.order - b.order).map((entry) => entry.key);
  }

  #filter(): Set<string> {
    if (this.#pathFilter === undefined) {
      const filter = new Set<string>();
      for (const entry of this.#entries.values()) prefixesOf(entry.pattern.paths, filter);
      this.#pathFilter = filter;
    }
    return this.#pathFilter;
  }
}
