const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: sorts like the numbers it encodes
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;

/** Bytes of randomness {@link createSortableId} needs (80 bits). */
export const SORTABLE_ID_RANDOM_BYTES = 10;

/**
 * A ULID-shaped id: 10 characters of millisecond time, then 16 characters of randomness, Crockford
 * base32. Ids sort as strings in the order of their instants, which is how the audit log stays
 * time-ordered without a second key. Time and randomness are passed in, so the result is deterministic.
 *
 * @example
 * createSortableId(new Date("2024-05-01T12:00:00Z"), new Uint8Array(10)); // "01HWT0D7G00000000000000000"
 */
export function createSortableId(at: Date, random: Uint8Array): string {
  if (random.length < SORTABLE_ID_RANDOM_BYTES) {
    throw new RangeError(`createSortableId needs ${SORTABLE_ID_RANDOM_BYTES} random bytes`);
  }
  let bits = 0n;
  for (const byte of random.subarray(0, SORTABLE_ID_RANDOM_BYTES)) bits = (bits << 8n) | BigInt(byte);
  return encodeTime(at) + encode(bits, RANDOM_CHARS);
}

/**
 * The next id after `previous` in sort order (its random part plus one): what a writer uses when the
 * clock has not moved past the previous id, so that ids written one after another still sort in the
 * order they were written.
 *
 * @example
 * nextSortableId("01HWT0D7G00000000000000000"); // "01HWT0D7G00000000000000001"
 */
export function nextSortableId(previous: string): string {
  const chars = previous.split("");
  for (let index = chars.length - 1; index >= TIME_CHARS; index--) {
    const value = ALPHABET.indexOf(chars[index] ?? "");
    if (value < ALPHABET.length - 1) {
      chars[index] = ALPHABET[value + 1] ?? "0";
      return chars.join("");
    }
    chars[index] = "0";
  }
  throw new RangeError(`no sortable id follows ${previous} within its millisecond`);
}

/**
 * The smallest sortable id at `at`: every id created at or after `at` sorts at or after it, every id
 * created before sorts before it. Used to turn time ranges into key ranges.
 *
 * @example
 * sortableIdFloor(new Date("2024-05-01T12:00:00Z")) <= createSortableId(new Date("2024-05-01T12:00:00Z"), bytes); // true
 */
export function sortableIdFloor(at: Date): string {
  return encodeTime(at) + "0".repeat(RANDOM_CHARS);
}

/**
 * The instant encoded in a sortable id, or `undefined` when `id` is not one.
 *
 * @example
 * sortableIdTime("01HWT0D7G00000000000000000")?.toISOString(); // "2024-05-01T12:00:00.000Z"
 */
export function sortableIdTime(id: string): Date | undefined {
  if (id.length !== TIME_CHARS + RANDOM_CHARS) return undefined;
  let ms = 0;
  for (const char of id.slice(0, TIME_CHARS)) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    ms = ms * 32 + value;
  }
  for (const char of id.slice(TIME_CHARS)) if (!ALPHABET.includes(char)) return undefined;
  return ms <= MAX_TIME ? new Date(ms) : undefined;
}

function encodeTime(at: Date): string {
  const ms = at.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) {
    throw new RangeError(`cannot encode ${String(at)} in a sortable id`);
  }
  return encode(BigInt(ms), TIME_CHARS);
}

function encode(value: bigint, length: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET.charAt(Number(rest & 31n)) + out;
    rest >>= 5n;
  }
  return out;
}
