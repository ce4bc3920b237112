/**
 * Wildcard values (eb-create-pattern-operators, "Wildcard matching"): `*` stands for any run of characters,
 * `\*` for a literal asterisk and `\\` for a literal backslash; any other escape and two consecutive
 * wildcards are errors. Matching splits the value at its wildcards and places the literal pieces
 * left to right — first piece as a prefix, last as a suffix, each middle piece at its leftmost occurrence —
 * which is linear per piece and cannot backtrack catastrophically, whatever the value.
 */

/** A wildcard value split at its (unescaped) wildcards: `pieces.length - 1` wildcards in all. */
export interface Glob {
  readonly pieces: readonly string[];
  /** Sum of the pieces' lengths: a shorter value cannot match. */
  readonly minLength: number;
}

/** A wildcard value the service refuses; the message is the service's. */
export class WildcardSyntaxError extends Error {}

/** Marks a wildcard in {@link wildcardBytes}; every other entry is a byte (0–255). */
export const ANY_BYTES = 256;

/** UTF-8 length of the character starting at `i` (a lone surrogate counts as the one-byte '?' Java writes). */
function utf8Width(value: string, i: number): number {
  const code = value.codePointAt(i) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 1;
  if (code < 0x10000) return 3;
  return 4;
}

/**
 * Compiles a wildcard value; throws {@link WildcardSyntaxError} for a value the service refuses. Positions
 * in errors count UTF-8 bytes of the value wrapped in its JSON quotes, as the service reports them.
 *
 * @example
 * const glob = compileGlob("arn:aws:events:*:event-bus/*");
 * matchesGlob(glob, "arn:aws:events:us-east-1:123456789012:event-bus/default"); // → true
 */
export function compileGlob(value: string): Glob {
  const pieces: string[] = [];
  let current = "";
  let bytePos = 1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2a /* * */) {
      if (value.charCodeAt(i + 1) === 0x2a) {
        throw new WildcardSyntaxError(`Consecutive wildcard characters at pos ${bytePos}`);
      }
      pieces.push(current);
      current = "";
      bytePos += 1;
    } else if (c === 0x5c /* \ */) {
      const next = value.charCodeAt(i + 1);
      if (next !== 0x2a && next !== 0x5c)
        throw new WildcardSyntaxError(`Invalid escape character at pos ${bytePos}`);
      current += value[i + 1];
      i++;
      bytePos += 2;
    } else {
      const width = utf8Width(value, i);
      if (width === 4) {
        current += value.slice(i, i + 2);
        i++;
      } else {
        current += value[i];
      }
      bytePos += width;
    }
  }
  pieces.push(current);
  return { pieces, minLength: pieces.reduce((sum, piece) => sum + piece.length, 0) };
}

/**
 * The value as the service's byte machine sees it — UTF-8 bytes between JSON quotes, escapes applied —
 * with {@link ANY_BYTES} for each wildcard. Used to estimate rule complexity; `value` must be valid.
 *
 * @example
 * wildcardBytes("a*"); // → [34, 97, 256, 34]
 */
export function wildcardBytes(value: string): number[] {
  const out: number[] = [0x22];
  const encoder = new TextEncoder();
  const glob = compileGlob(value);
  glob.pieces.forEach((piece, index) => {
    if (index > 0) out.push(ANY_BYTES);
    for (const byte of encoder.encode(piece)) out.push(byte);
  });
  out.push(0x22);
  return out;
}

/** Whether `value` matches the compiled wildcard value. */
export function matchesGlob(glob: Glob, value: string): boolean {
  const pieces = glob.pieces;
  const count = pieces.length;
  const first = pieces[0] ?? "";
  if (count === 1) return value === first;
  if (value.length < glob.minLength) return false;
  const last = pieces[count - 1] ?? "";
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < count - 1; i++) {
    const piece = pieces[i] ?? "";
    const at = value.indexOf(piece, from);
    if (at < 0 || at + piece.length > end) return false;
    from = at + piece.length;
  }
  return from <= end;
}
