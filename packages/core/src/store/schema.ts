import { z } from "zod";
import { StoreError } from "./errors.ts";

const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An instant. Accepts a `Date` or an ISO-8601 string with `Z` or an offset; always yields the canonical
 * UTC form with milliseconds (`2024-05-01T12:00:00.000Z`), so stored instants compare correctly as
 * strings inside DynamoDB conditions and sort keys.
 *
 * @example
 * TimestampSchema.parse("2024-05-01T14:00:00+02:00"); // "2024-05-01T12:00:00.000Z"
 */
export const TimestampSchema = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() >= 0 && date.getTime() <= MAX_INSTANT, "must be between 1970 and 9999")
  .transform((date) => date.toISOString());

/** A canonical ISO-8601 UTC instant, as {@link TimestampSchema} produces it. */
export type Timestamp = z.output<typeof TimestampSchema>;

/**
 * A value that becomes part of a key (ids, targets, policy names): 1–512 characters, no `#` (the key
 * separator, so two different values can never build the same key), no control characters, no leading
 * or trailing spaces.
 *
 * @example
 * KeyPartSchema.parse("arn:aws:ecs:eu-west-1:123456789012:service/prod/api"); // ok
 * KeyPartSchema.parse(""); // throws
 */
export const KeyPartSchema = z
  .string()
  .min(1, "must not be empty")
  .max(512, "must be at most 512 characters")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  .regex(/^[^#\u0000-\u001f\u007f]*$/, "must not contain '#' or control characters")
  .refine((value) => value.trim() === value, "must not start or end with whitespace");

/** Free text such as a reason: 1–4096 characters. */
export const TextSchema = z.string().trim().min(1, "must not be empty").max(4096);

/** Who did something: `router`, `slack:U024BE7LH`, `policy:rollback-api`... 1–256 characters. */
export const ActorSchema = z.string().trim().min(1, "must not be empty").max(256);

/** A duration in whole milliseconds, from 1 ms to 400 days. */
export const DurationMsSchema = z
  .number()
  .int()
  .min(1)
  .max(400 * 24 * 3_600_000);

/** A JSON value, as it can be stored in a DynamoDB attribute. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

const MAX_NESTING = 30;

const JsonNumberSchema = z
  .number()
  .refine(
    (n) => Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n)),
    "numbers must be finite, and integers within ±2^53",
  );

const JsonAnySchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    JsonNumberSchema,
    z.boolean(),
    z.null(),
    z.array(JsonAnySchema),
    z.record(z.string(), JsonAnySchema),
  ]),
);

/**
 * Any JSON value DynamoDB can hold: finite numbers, safe integers, at most 30 levels of nesting.
 *
 * @example
 * JsonValueSchema.parse({ steps: [{ action: "rollback" }] });
 */
export const JsonValueSchema: z.ZodType<JsonValue> = JsonAnySchema.refine(
  (value) => depth(value) <= MAX_NESTING,
  `must not nest deeper than ${MAX_NESTING} levels`,
);

/** A JSON object (see {@link JsonValueSchema}). */
export const JsonObjectSchema: z.ZodType<JsonObject> = z
  .record(z.string(), JsonAnySchema)
  .refine((value) => depth(value) <= MAX_NESTING, `must not nest deeper than ${MAX_NESTING} levels`);

function depth(value: JsonValue): number {
  if (value === null || typeof value !== "object") return 0;
  let deepest = 0;
  for (const element of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, depth(element));
    if (deepest > MAX_NESTING) break;
  }
  return deepest + 1;
}

/** Newest first (the default of every listing) or oldest first. */
export const SortOrderSchema = z.enum(["newest-first", "oldest-first"]);
export type SortOrder = z.output<typeof SortOrderSchema>;

/**
 * Paging of a listing: `limit` items (1–1000, default 50) after the position `cursor` marks. A cursor is
 * opaque and belongs to the listing (and order) that returned it.
 */
export const PageRequestSchema = z.object({
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().min(1).max(4096).optional(),
});

/** See {@link PageRequestSchema}. */
export type PageRequest = z.input<typeof PageRequestSchema>;

/** A time range on a listing: `since` inclusive, `before` exclusive. */
export const TimeRangeSchema = z.object({
  since: TimestampSchema.optional(),
  before: TimestampSchema.optional(),
});

/**
 * One page of a listing. `cursor` is present when more items may follow (the next page can turn out
 * empty); pass it back to continue.
 */
export interface StorePage<T> {
  readonly items: T[];
  readonly cursor?: string;
}

/**
 * Parses `input` with `schema`, or throws `InvalidStoreInput` naming every problem. Adapters call it
 * before any write, so bad input never reaches the table.
 *
 * @example
 * const input = parseStoreInput(CreateRunInputSchema, raw, "createRun");
 */
export function parseStoreInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  operation: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(input)"}: ${issue.message}`,
  );
  throw new StoreError("InvalidStoreInput", `${operation}: invalid input: ${issues.join("; ")}`, {
    cause: result.error,
    issues,
  });
}
