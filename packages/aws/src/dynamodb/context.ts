import { StoreError, type StorePage } from "@architech/core";
import type { Entities } from "./entities/index.ts";
import { isConditionalCheckFailed, toStoreError } from "./errors.ts";

/** What every store operation needs: the entities, the clock and the audit id source. */
export interface StoreContext {
  readonly entities: Entities;
  now(): Date;
  newAuditId(at: Date): string;
}

/** Runs `body`, turning whatever it throws into a `StoreError` named after `operation`. */
export async function guard<T>(operation: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toStoreError(error, operation);
  }
}

/** Runs a conditional write: `{ ok: false }` when its condition did not hold, other errors rethrown. */
export async function attempt<T>(write: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await write() };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { ok: false };
    throw error;
  }
}

/** `at` plus `ms`, as a canonical timestamp. */
export function addMs(at: Date, ms: number): string {
  return new Date(at.getTime() + ms).toISOString();
}

/** DynamoDB's TTL format (epoch seconds), rounded up so TTL never removes an item before its expiry. */
export function ttlSeconds(timestamp: string): number {
  return Math.ceil(Date.parse(timestamp) / 1000);
}

/** `item` without `undefined` values and without the TTL attribute: the domain view of a stored item. */
export function compact<T extends object>(item: T): Omit<T, "ttl"> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined && name !== "ttl") out[name] = value;
  }
  return out as Omit<T, "ttl">;
}

/** ElectroDB's sort direction for a listing order. */
export function direction(order: "newest-first" | "oldest-first"): "asc" | "desc" {
  return order === "newest-first" ? "desc" : "asc";
}

/** The item DynamoDB will store for a put or create, from the request's parameters. */
export function putItem(params: unknown): Record<string, unknown> {
  return (params as { Item: Record<string, unknown> }).Item;
}

/** The table's primary index or one of its GSIs. */
export type TableIndexName = "table" | "gsi1" | "gsi2" | "gsi3";

const INDEX_KEYS: Readonly<Record<TableIndexName, readonly string[]>> = {
  table: ["pk", "sk"],
  gsi1: ["pk", "sk", "gsi1pk", "gsi1sk"],
  gsi2: ["pk", "sk", "gsi2pk", "gsi2sk"],
  gsi3: ["pk", "sk", "gsi3pk", "gsi3sk"],
};

/**
 * Checks that `cursor` is one a listing on `index` returned (a base64url JSON key of that index), so a
 * stale or foreign cursor fails as bad input instead of reaching DynamoDB.
 */
export function checkCursor(
  cursor: string | undefined,
  index: keyof typeof INDEX_KEYS,
  operation: string,
): void {
  if (cursor === undefined) return;
  const expected = INDEX_KEYS[index] ?? [];
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const valid =
    key !== null &&
    typeof key === "object" &&
    !Array.isArray(key) &&
    Object.keys(key).length === expected.length &&
    expected.every((name) => typeof (key as Record<string, unknown>)[name] === "string");
  if (!valid) {
    throw new StoreError("InvalidStoreInput", `${operation}: the cursor was not issued by this listing`, {
      issues: ["cursor: not issued by this listing"],
    });
  }
}

/** A query that can be run for one page. */
export interface PageQuery<T> {
  go(options: {
    order: "asc" | "desc";
    count: number;
    cursor: string | null;
  }): Promise<{ data: T[]; cursor: string | null }>;
}

/** A query whose sort key can be bounded. */
export interface RangeQuery<C, T> extends PageQuery<T> {
  between(start: C, end: C): PageQuery<T>;
  gte(start: C): PageQuery<T>;
  lt(end: C): PageQuery<T>;
}

/** Bounds `query` to `[lower, upper)` on its sort key (either bound optional). */
export function inRange<C, T>(
  query: RangeQuery<C, T>,
  lower: C | undefined,
  upper: C | undefined,
): PageQuery<T> {
  if (lower !== undefined && upper !== undefined) return query.between(lower, upper);
  if (lower !== undefined) return query.gte(lower);
  if (upper !== undefined) return query.lt(upper);
  return query;
}

/** Runs one page of `query` and maps its items. */
export async function readPage<I, T>(
  query: PageQuery<I>,
  request: { order: "asc" | "desc"; limit: number; cursor?: string | undefined },
  map: (item: I) => T,
): Promise<StorePage<T>> {
  const result = await query.go({
    order: request.order,
    count: request.limit,
    cursor: request.cursor ?? null,
  });
  const items = result.data.map(map);
  return result.cursor ? { items, cursor: result.cursor } : { items };
}
