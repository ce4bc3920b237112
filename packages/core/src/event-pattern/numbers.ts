/**
 * Numbers as EventBridge compares them. Numeric matching (and numeric equality, which is why event `300.0`
 * matches pattern `[300]`) works on values between -5.0e9 and +5.0e9 inclusive with at most six digits to
 * the right of the decimal point (eb-create-pattern-operators, "Numeric matching"). Inside that domain a
 * number is represented exactly as an integer count of millionths ("micros"): 5e9 × 1e6 = 5e15 stays below
 * 2^53, so plain doubles compare these integers without rounding. Conversion works on the decimal text,
 * never on a binary double, so `0.1` is exactly 100 000 micros.
 */

/** 5,000,000,000 in millionths: the largest magnitude numeric matching accepts. */
export const MAX_MICROS = 5e15;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The reasons the service gives for a number outside the comparable domain. */
export const TOO_PRECISE = "Only values upto 6 decimals are supported";
export const OUT_OF_RANGE = "Value must be between -5.0E9 and 5.0E9, inclusive";

export type Comparable = { ok: true; micros: number } | { ok: false; reason: string };

/**
 * Converts the text of a JSON number (or of `String(n)` for a JavaScript number) to micros.
 *
 * @example
 * toComparable("3.0e2"); // → { ok: true, micros: 300000000 }
 * toComparable("0.1234567"); // → { ok: false, reason: "Only values upto 6 decimals are supported" }
 */
export function toComparable(text: string): Comparable {
  const match = DECIMAL.exec(text);
  if (match === null) return { ok: false, reason: `Not a number: ${text}` };
  const [, sign, whole = "", fraction = "", exponentText] = match;
  let digits = whole + fraction;
  const exponent = exponentText === undefined ? 0 : Number.parseInt(exponentText, 10);
  // value = digits × 10^power
  let power = exponent - fraction.length;
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 0x30) first++;
  digits = digits.slice(first);
  if (digits.length === 0) return { ok: true, micros: 0 };
  let last = digits.length;
  while (digits.charCodeAt(last - 1) === 0x30) last--;
  power += digits.length - last;
  digits = digits.slice(0, last);
  if (power < -6) return { ok: false, reason: TOO_PRECISE };
  const shift = power + 6;
  if (digits.length + shift > 16) return { ok: false, reason: OUT_OF_RANGE };
  const magnitude = Number(digits) * 10 ** shift;
  if (magnitude > MAX_MICROS) return { ok: false, reason: OUT_OF_RANGE };
  return { ok: true, micros: sign === "-" ? -magnitude : magnitude };
}

/** Micros for `text`, or NaN when the number lies outside the comparable domain. */
export function microsOf(text: string): number {
  const comparable = toComparable(text);
  return comparable.ok ? comparable.micros : Number.NaN;
}
