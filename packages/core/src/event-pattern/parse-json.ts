/**
 * A strict JSON (RFC 8259) reader that keeps what `JSON.parse` throws away and EventBridge relies on:
 * the literal text of every number (`300.0`, `3.0e2`) and every member of an object in document order,
 * duplicates included. Event patterns apply duplicate keys one after another (the last one wins for a
 * leaf, nested objects merge), and the service reads events as a token stream, so a duplicated event key
 * contributes all of its values.
 */

/** A JSON number together with the text it was written as. */
export class JsonNumber {
  readonly text: string;
  readonly value: number;

  constructor(text: string) {
    this.text = text;
    this.value = Number(text);
  }
}

/** A JSON object as the ordered list of its members, duplicates kept. */
export class JsonObject {
  readonly entries: Array<[string, JsonValue]>;

  constructor(entries: Array<[string, JsonValue]>) {
    this.entries = entries;
  }
}

export type JsonValue = string | boolean | null | JsonNumber | JsonObject | JsonValue[];

/** Raised for text that is not a single JSON value. */
export class JsonSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = "JsonSyntaxError";
    this.position = position;
  }
}

/** Jackson (which EventBridge parses with) refuses documents nested deeper than this. */
export const MAX_JSON_NESTING_DEPTH = 1000;

const NUMBER_TAIL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text into {@link JsonValue}s, keeping number literals and duplicate members.
 *
 * @example
 * const value = parseJson('{"n": 300.0, "n": 1}');
 * // value.entries → [["n", JsonNumber { text: "300.0" }], ["n", JsonNumber { text: "1" }]]
 */
export function parseJson(text: string): JsonValue {
  const reader = new Reader(text);
  reader.skipWhitespace();
  const value = reader.readValue(0);
  reader.skipWhitespace();
  if (reader.pos < text.length) reader.fail("Unexpected content after the JSON value");
  return value;
}

class Reader {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`, this.pos);
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  readValue(depth: number): JsonValue {
    if (this.pos >= this.text.length) this.fail("Unexpected end of JSON input");
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        return this.readObject(depth + 1);
      case 0x5b /* [ */:
        return this.readArray(depth + 1);
      case 0x22 /* " */:
        return this.readString();
      case 0x74 /* t */:
        return this.readLiteral("true", true);
      case 0x66 /* f */:
        return this.readLiteral("false", false);
      case 0x6e /* n */:
        return this.readLiteral("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
        this.fail(`Unexpected character ${JSON.stringify(this.text[this.pos])}`);
    }
  }

  readLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("Unexpected token");
    this.pos += word.length;
    return value;
  }

  readNumber(): JsonNumber {
    NUMBER_TAIL.lastIndex = this.pos;
    const match = NUMBER_TAIL.exec(this.text);
    if (match === null) this.fail("Invalid number");
    const literal = match[0];
    this.pos += literal.length;
    // `01` or `1.` would otherwise be read as two values or a truncated one.
    const next = this.text.charCodeAt(this.pos);
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) {
      this.fail("Invalid number");
    }
    return new JsonNumber(literal);
  }

  readString(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    // Fast path: no escapes and no control characters before the closing quote.
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === 0x5c || c < 0x20) break;
      pos++;
    }
    let out = text.slice(start, pos);
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        this.pos = pos + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = pos;
        this.fail("Unescaped control character in string");
      }
      if (c !== 0x5c) {
        out += text[pos];
        pos++;
        continue;
      }
      const e = text[pos + 1];
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = pos;
            this.fail("Invalid unicode escape");
          }
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          this.pos = pos;
          this.fail("Invalid escape");
      }
      pos += 2;
    }
    this.pos = pos;
    this.fail("Unterminated string");
  }

  readArray(depth: number): JsonValue[] {
    if (depth > MAX_JSON_NESTING_DEPTH) this.fail("Document nested too deeply");
    this.pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.readValue(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return items;
      }
      if (Number.isNaN(c)) this.fail("Unexpected end of JSON input");
      this.fail("Expected ',' or ']'");
    }
  }

  readObject(depth: number): JsonObject {
    if (depth > MAX_JSON_NESTING_DEPTH) this.fail("Document nested too deeply");
    this.pos++;
    const entries: Array<[string, JsonValue]> = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return new JsonObject(entries);
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) {
        if (this.pos >= this.text.length) this.fail("Unexpected end of JSON input");
        this.fail("Expected a string key");
      }
      const key = this.readString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':'");
      this.pos++;
      this.skipWhitespace();
      entries.push([key, this.readValue(depth)]);
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return new JsonObject(entries);
      }
      if (Number.isNaN(c)) this.fail("Unexpected end of JSON input");
      this.fail("Expected ',' or '}'");
    }
  }
}
