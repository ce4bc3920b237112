import { z } from "zod";

// AWS writes ISO 8601 in two dialects: EventBridge envelopes and most details use `Z`
// (`2019-10-02T17:04:40Z`), CloudWatch alarm states and alarm actions use a colon-less offset
// (`2019-10-02T17:04:40.989+0000`). A bare date or a local time without offset is not a point in time.
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Converts a timestamp as AWS writes it to a canonical ISO 8601 UTC string (`toISOString()` form), or
 * `undefined` when it is not an ISO 8601 date-time with a zone.
 *
 * @example
 * toIsoTimestamp("2019-10-02T17:04:40.989+0000"); // "2019-10-02T17:04:40.989Z"
 * toIsoTimestamp("2019-10-02T17:04:40Z"); // "2019-10-02T17:04:40.000Z"
 */
export function toIsoTimestamp(value: string): string | undefined {
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, local, zone] = match;
  const offset =
    zone === "Z" || zone === undefined || zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const millis = Date.parse(`${local}${offset}`);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

/** Epoch milliseconds or seconds (as numbers or decimal strings) to ISO 8601, `undefined` when out of range. */
export function epochToIsoTimestamp(value: number, unit: "seconds" | "milliseconds"): string | undefined {
  const millis = unit === "seconds" ? value * 1000 : value;
  if (!Number.isFinite(millis)) return undefined;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A string field holding an AWS timestamp; the raw text is kept, only its form is checked. */
export const AwsTimestampSchema = z.string().refine((value) => toIsoTimestamp(value) !== undefined, {
  message: "expected an ISO 8601 timestamp with a time zone",
});

/** Whole seconds from `start` to `end` (both AWS timestamps), or null when either is absent. */
export function secondsBetween(start: string | undefined, end: string | undefined): number | null {
  if (start === undefined || end === undefined) return null;
  const from = toIsoTimestamp(start);
  const to = toIsoTimestamp(end);
  if (from === undefined || to === undefined) return null;
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/** Like {@link toIsoTimestamp} for values a schema has already checked; an unchecked value is a bug. */
export function isoTimestamp(value: string): string {
  const iso = toIsoTimestamp(value);
  if (iso === undefined) throw new TypeError(`not a timestamp: ${value}`);
  return iso;
}
