import { ipToHex, looksLikeIp } from "./ip.ts";
import { microsOf } from "./numbers.ts";
import { JsonNumber, JsonObject, parseJson } from "./parse-json.ts";

/**
 * Events as the matcher reads them: every leaf value (string, number, boolean, null) under its dot-joined
 * path, objects and arrays flattened away. An event key "state.status" and a nested state → status are
 * the same path, as in EventBridge. Each leaf remembers which element of which enclosing array of objects
 * (or of arrays) it came from, so that fields taken from different elements of one array never combine
 * (the array consistency of Event Ruler's rulesForJSONEvent). Values in an array of plain values carry no
 * element of their own: they are alternatives for the same field.
 */

export const LeafKind = {
  string: 0,
  number: 1,
  true: 2,
  false: 3,
  null: 4,
} as const;
export type LeafKind = (typeof LeafKind)[keyof typeof LeafKind];

/**
 * Array membership as a flat list of (array id, element index) pairs in increasing array id; `null` when
 * the leaf is inside no array of objects.
 */
export type Membership = readonly number[] | null;

/**
 * One value of an event field. Derived forms are computed on first use and shared by all patterns.
 *
 * @example
 * const [leaf] = flattenEvent({ n: 1.5 }).fields.get("n") ?? [];
 * leaf?.kind === LeafKind.number; // → true
 * leaf?.micros; // → 1500000
 */
export class Leaf {
  readonly kind: LeafKind;
  /** The string itself, the number's literal text, or "true" / "false" / "null". */
  readonly text: string;
  readonly membership: Membership;
  #lower: string | undefined;
  #micros: number | undefined;
  #ip: string | null | undefined;

  constructor(kind: LeafKind, text: string, membership: Membership) {
    this.kind = kind;
    this.text = text;
    this.membership = membership;
  }

  /** The string lower-cased (for equals-ignore-case matching). */
  get lower(): string {
    this.#lower ??= this.text.toLowerCase();
    return this.#lower;
  }

  /** The number in millionths, NaN when it is outside the comparable domain (or not a number). */
  get micros(): number {
    this.#micros ??= this.kind === LeafKind.number ? microsOf(this.text) : Number.NaN;
    return this.#micros;
  }

  /** The address as fixed-width hex when the string is an IP address literal, else null. */
  get ip(): string | null {
    if (this.#ip === undefined) {
      this.#ip =
        this.kind === LeafKind.string && looksLikeIp(this.text) ? (ipToHex(this.text) ?? null) : null;
    }
    return this.#ip;
  }
}

/**
 * Paths that compiled patterns read, numbered: a pattern finds an event's leaves by index instead of by
 * hashing and comparing path strings, which matters when one event meets thousands of patterns.
 */
const pathIds = new Map<string, number>();

/** The number of `path` in the registry of paths patterns read (registered on first use). */
export function internPath(path: string): number {
  let id = pathIds.get(path);
  if (id === undefined) {
    id = pathIds.size;
    pathIds.set(path, id);
  }
  return id;
}

/**
 * An event flattened once, to be matched against any number of compiled patterns.
 *
 * @example
 * const flat = flattenEvent(event);
 * const matching = rules.filter((rule) => rule.pattern.matches(flat));
 */
export class FlattenedEvent {
  /** Leaves by dot-joined path, in document order. */
  readonly fields: ReadonlyMap<string, readonly Leaf[]>;
  /** False when the event is not a JSON object: such an event matches no pattern. */
  readonly isObject: boolean;
  /**
   * Paths with a leaf inside an array of objects: array consistency only constrains a clause that reads
   * two or more of them.
   */
  readonly linkedPaths: ReadonlySet<string>;
  /** Whether any leaf sits inside an array of objects. */
  readonly hasMembership: boolean;

  constructor(
    fields: ReadonlyMap<string, readonly Leaf[]>,
    isObject: boolean,
    linkedPaths: ReadonlySet<string>,
  ) {
    this.fields = fields;
    this.isObject = isObject;
    this.linkedPaths = linkedPaths;
    this.hasMembership = linkedPaths.size > 0;
  }

  #byId: Array<readonly Leaf[] | undefined> = [];
  #linkedById: Uint8Array = new Uint8Array(0);
  #indexed = -1;

  /** Leaves at the path numbered `id` by {@link internPath}. */
  leavesAt(id: number): readonly Leaf[] | undefined {
    if (id >= this.#indexed) this.#index();
    return this.#byId[id];
  }

  /** Whether the path numbered `id` has leaves inside arrays of objects. */
  isLinked(id: number): boolean {
    if (id >= this.#indexed) this.#index();
    return this.#linkedById[id] === 1;
  }

  #index(): void {
    // Paths registered after the event was flattened are picked up by indexing again.
    const known = pathIds.size;
    const byId: Array<readonly Leaf[] | undefined> = new Array(known);
    const linked = new Uint8Array(known);
    for (const [path, leaves] of this.fields) {
      const id = pathIds.get(path);
      if (id === undefined) continue;
      byId[id] = leaves;
      if (this.linkedPaths.has(path)) linked[id] = 1;
    }
    this.#byId = byId;
    this.#linkedById = linked;
    this.#indexed = known;
  }
}

const NOT_AN_OBJECT = new FlattenedEvent(new Map(), false, new Set());

/**
 * Deeper structure than this is not read (the service's JSON reader refuses documents nested deeper
 * than 1000 levels; a JavaScript value could otherwise exhaust the stack).
 */
const MAX_DEPTH = 1000;

/**
 * Selects the paths worth reading: a dot-joined path is read when it is in the set (a path some pattern
 * uses, or a prefix of one). Without a filter every path is read.
 */
export type PathFilter = ReadonlySet<string>;

class Flattener {
  readonly fields = new Map<string, Leaf[]>();
  readonly filter: PathFilter | undefined;
  readonly ancestors = new Set<object>();
  readonly linkedPaths = new Set<string>();
  nextArrayId = 0;

  constructor(filter: PathFilter | undefined) {
    this.filter = filter;
  }

  add(path: string, kind: LeafKind, text: string, membership: Membership): void {
    if (membership !== null) this.linkedPaths.add(path);
    const leaf = new Leaf(kind, text, membership);
    const leaves = this.fields.get(path);
    if (leaves === undefined) this.fields.set(path, [leaf]);
    else leaves.push(leaf);
  }

  /** Reads the members of an object value at `prefix` ("" at the top). */
  object(node: object, prefix: string, membership: Membership, depth: number): void {
    if (depth > MAX_DEPTH || this.ancestors.has(node)) return;
    this.ancestors.add(node);
    if (node instanceof JsonObject) {
      for (const [key, value] of node.entries) this.member(prefix, key, value, membership, depth);
    } else {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) this.member(prefix, key, record[key], membership, depth);
    }
    this.ancestors.delete(node);
  }

  member(prefix: string, key: string, value: unknown, membership: Membership, depth: number): void {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (this.filter !== undefined && !this.filter.has(path)) return;
    this.value(path, value, membership, depth, false);
  }

  /** Reads one value at `path`; `inArray` says whether it is an element (then undefined reads as null). */
  value(path: string, value: unknown, membership: Membership, depth: number, inArray: boolean): void {
    switch (typeof value) {
      case "string":
        this.add(path, LeafKind.string, value, membership);
        return;
      case "number":
        // JSON has no NaN or Infinity; JSON.stringify writes them as null.
        if (Number.isFinite(value)) this.add(path, LeafKind.number, String(value), membership);
        else this.add(path, LeafKind.null, "null", membership);
        return;
      case "bigint":
        this.add(path, LeafKind.number, value.toString(), membership);
        return;
      case "boolean":
        this.add(path, value ? LeafKind.true : LeafKind.false, value ? "true" : "false", membership);
        return;
      case "object":
        break;
      default:
        // undefined, functions and symbols: omitted as members, null as array elements (as JSON.stringify).
        if (inArray) this.add(path, LeafKind.null, "null", membership);
        return;
    }
    if (value === null) {
      this.add(path, LeafKind.null, "null", membership);
    } else if (value instanceof JsonNumber) {
      this.add(path, LeafKind.number, value.text, membership);
    } else if (Array.isArray(value)) {
      this.array(path, value, membership, depth + 1);
    } else if (
      !(value instanceof JsonObject) &&
      typeof (value as { toJSON?: unknown }).toJSON === "function"
    ) {
      let json: unknown;
      try {
        json = (value as { toJSON: () => unknown }).toJSON();
      } catch {
        return;
      }
      if (json !== value && (typeof json !== "object" || json === null || !this.ancestors.has(json))) {
        this.value(path, json, membership, depth + 1, inArray);
      }
    } else {
      this.object(value, path, membership, depth + 1);
    }
  }

  array(path: string, items: readonly unknown[], membership: Membership, depth: number): void {
    if (depth > MAX_DEPTH || this.ancestors.has(items)) return;
    this.ancestors.add(items);
    const id = this.nextArrayId++;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (typeof item === "object" && item !== null && !(item instanceof JsonNumber)) {
        // Objects and nested arrays are elements with an identity of their own.
        const element = membership === null ? [id, index] : [...membership, id, index];
        this.value(path, item, element, depth, true);
      } else {
        this.value(path, item, membership, depth, true);
      }
    }
    this.ancestors.delete(items);
  }
}

function isObjectNode(event: unknown): event is object {
  return (
    typeof event === "object" && event !== null && !Array.isArray(event) && !(event instanceof JsonNumber)
  );
}

/**
 * Flattens an event — a JavaScript value, or JSON text (numbers keep their literal text) — for matching.
 * Never throws: text that is not JSON, and anything that is not an object, give an event that matches no
 * pattern. With a `filter`, only the selected paths are read: such an event may only be matched against
 * patterns whose paths the filter covers (every pattern when there is no filter).
 *
 * @example
 * const flat = flattenEvent('{"detail": {"state": "running", "ids": [1, 2]}}');
 * flat.fields.get("detail.ids")?.map((leaf) => leaf.text); // → ["1", "2"]
 */
export function flattenEvent(event: unknown, filter?: PathFilter): FlattenedEvent {
  try {
    const root = typeof event === "string" ? parseJson(event) : event;
    if (!isObjectNode(root)) return NOT_AN_OBJECT;
    const flattener = new Flattener(filter);
    flattener.object(root, "", null, 0);
    return new FlattenedEvent(flattener.fields, true, flattener.linkedPaths);
  } catch {
    // Text that is not JSON, a getter that throws, a revoked proxy: an unreadable event matches nothing.
    return NOT_AN_OBJECT;
  }
}
