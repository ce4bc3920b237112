import { StoreError } from "./errors.ts";
import { MAX_ITEM_BYTES } from "./table.ts";

const encoder = new TextEncoder();

/**
 * The size DynamoDB charges an attribute value, following its published rules: strings and binaries by
 * their bytes, numbers by their significant digits, lists and maps by their elements plus 3 bytes of
 * overhead and 1 per element. `undefined` values are dropped before writing and count nothing.
 *
 * @example
 * dynamoValueSize("héllo"); // 6
 * dynamoValueSize({ a: [1, true] }); // 3 + 1 + 1 + (3 + (1 + 2) + (1 + 1))
 */
export function dynamoValueSize(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") return encoder.encode(value).length;
  if (typeof value === "number" || typeof value === "bigint") return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += dynamoValueSize(element);
    return size;
  }
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) size += 1 + dynamoValueSize(element);
    return size;
  }
  if (typeof value === "object") {
    let size = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      size += encoder.encode(name).length + 1 + dynamoValueSize(element);
    }
    return size;
  }
  return 0;
}

/**
 * The size of a whole item: every attribute's name plus its value.
 *
 * @example
 * dynamoItemSize({ pk: "a", sk: "b" }); // 4
 */
export function dynamoItemSize(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += encoder.encode(name).length + dynamoValueSize(value);
  }
  return size;
}

/**
 * Throws `ItemTooLarge` when `item` would not fit in a DynamoDB item, naming its largest attributes so the
 * caller knows what to trim.
 *
 * @example
 * assertItemFits("createRun", { id: "r-1", plan: hugePlan }); // throws StoreError("ItemTooLarge", ...)
 */
export function assertItemFits(
  operation: string,
  item: Readonly<Record<string, unknown>>,
  limit: number = MAX_ITEM_BYTES,
): void {
  const size = dynamoItemSize(item);
  if (size <= limit) return;
  const largest = Object.entries(item)
    .map(([name, value]) => ({ name, size: dynamoValueSize(value) }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map((attribute) => `${attribute.name} ${formatBytes(attribute.size)}`)
    .join(", ");
  throw new StoreError(
    "ItemTooLarge",
    `${operation}: the item is ${formatBytes(size)}, over DynamoDB's ${formatBytes(limit)} item limit (largest: ${largest}); nothing was written`,
  );
}

/**
 * Throws `ItemTooLarge` when an attribute is over its budget. Entities that grow after creation (a run
 * gains an outcome) give each large attribute a budget, so that every later update still fits without
 * reading the item first.
 *
 * @example
 * assertWithinBudgets("transitionRun", { outcome }, { outcome: 160 * 1024 });
 */
export function assertWithinBudgets(
  operation: string,
  values: Readonly<Record<string, unknown>>,
  budgets: Readonly<Record<string, number>>,
): void {
  for (const [name, budget] of Object.entries(budgets)) {
    const size = dynamoValueSize(values[name]);
    if (size > budget) {
      throw new StoreError(
        "ItemTooLarge",
        `${operation}: ${name} is ${formatBytes(size)}, over its ${formatBytes(budget)} budget (items are limited to ${formatBytes(MAX_ITEM_BYTES)}); nothing was written`,
      );
    }
  }
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^-/, "")
    .replace(/e.*$/i, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return 1 + Math.ceil(Math.max(digits.length, 1) / 2);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}
