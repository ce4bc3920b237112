import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JsonNumber,
  JsonObject,
  JsonSyntaxError,
  type JsonValue,
  MAX_JSON_NESTING_DEPTH,
  parseJson,
} from "./parse-json.ts";

/** Turns parsed values back into plain ones (last duplicate wins, as JSON.parse). */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (value instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of value.entries) {
      Object.defineProperty(out, key, {
        value: plain(member),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

describe("parseJson", () => {
  it("keeps the literal text of numbers", () => {
    // Act
    const value = parseJson("[300.0, 3.0e2, -0, 1E+2]");
    // Assess
    expect((value as JsonNumber[]).map((n) => n.text)).toEqual(["300.0", "3.0e2", "-0", "1E+2"]);
    expect((value as JsonNumber[]).map((n) => n.value)).toEqual([300, 300, -0, 100]);
  });

  it("keeps every member of an object in order, duplicates included", () => {
    const value = parseJson('{"b": 1, "a": 2, "b": 3}') as JsonObject;
    expect(value.entries.map(([key]) => key)).toEqual(["b", "a", "b"]);
  });

  it("reads escapes and unicode", () => {
    expect(parseJson('"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude80"')).toBe('a"b\\c/d\né🚀');
  });

  it.each([
    ["", "Unexpected end of JSON input at position 0"],
    ["{", "Unexpected end of JSON input at position 1"],
    ['{"a" 1}', "Expected ':' at position 5"],
    ["[1,]", 'Unexpected character "]" at position 3'],
    ["01", "Invalid number at position 1"],
    ["1.", "Invalid number at position 1"],
    ['"a\\x"', "Invalid escape at position 2"],
    ['"a\u0001"', "Unescaped control character in string at position 2"],
    ["tru", "Unexpected token at position 0"],
    ["{} {}", "Unexpected content after the JSON value at position 3"],
    ["{'a': 1}", "Expected a string key at position 1"],
  ])("refuses %j", (text, message) => {
    // Act
    const error = (() => {
      try {
        parseJson(text);
      } catch (caught) {
        return caught;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).message).toBe(message);
  });

  it("refuses documents nested deeper than the service reads", () => {
    const deep = `${"[".repeat(MAX_JSON_NESTING_DEPTH + 1)}${"]".repeat(MAX_JSON_NESTING_DEPTH + 1)}`;
    const fine = `${"[".repeat(MAX_JSON_NESTING_DEPTH)}${"]".repeat(MAX_JSON_NESTING_DEPTH)}`;
    expect(() => parseJson(deep)).toThrow(JsonSyntaxError);
    expect(() => parseJson(fine)).not.toThrow();
  });

  it("reads whatever JSON.stringify writes, to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(plain(parseJson(text))).toEqual(JSON.parse(text));
      }),
    );
  });

  it("refuses exactly what JSON.parse refuses", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789.eE-+ tfnrulas\\') }), (text) => {
        let native = true;
        try {
          JSON.parse(text);
        } catch {
          native = false;
        }
        let ours = true;
        try {
          parseJson(text);
        } catch {
          ours = false;
        }
        expect(ours).toBe(native);
      }),
      { numRuns: 2000 },
    );
  });
});
