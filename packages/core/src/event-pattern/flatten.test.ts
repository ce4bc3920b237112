import { describe, expect, it } from "vitest";
import { flattenEvent, LeafKind } from "./flatten.ts";

function view(event: unknown) {
  const flat = flattenEvent(event);
  return Object.fromEntries(
    [...flat.fields].map(([path, leaves]) => [
      path,
      leaves.map((leaf) => [leaf.kind, leaf.text, leaf.membership]),
    ]),
  );
}

describe("flattenEvent", () => {
  it("gives every leaf under its dot-joined path, objects flattened away", () => {
    expect(view({ a: { b: "x", "c.d": 1 }, e: [true, null] })).toEqual({
      "a.b": [[LeafKind.string, "x", null]],
      "a.c.d": [[LeafKind.number, "1", null]],
      e: [
        [LeafKind.true, "true", null],
        [LeafKind.null, "null", null],
      ],
    });
  });

  it("records the element of each array of objects a leaf comes from", () => {
    // Act
    const fields = view({ d: [{ a: 1, t: ["x"] }, { a: 2 }], n: [[{ v: 1 }], [{ v: 2 }]] });
    // Assess: array ids count in document order; plain values in an array share their parent's membership.
    expect(fields).toEqual({
      "d.a": [
        [LeafKind.number, "1", [0, 0]],
        [LeafKind.number, "2", [0, 1]],
      ],
      "d.t": [[LeafKind.string, "x", [0, 0]]],
      "n.v": [
        [LeafKind.number, "1", [2, 0, 3, 0]],
        [LeafKind.number, "2", [2, 1, 4, 0]],
      ],
    });
    expect(flattenEvent({ d: [{ a: 1 }] }).hasMembership).toBe(true);
    expect(flattenEvent({ d: [1, 2] }).hasMembership).toBe(false);
  });

  it("reads JSON text keeping number literals and every duplicate member", () => {
    expect(view('{"n": 300.0, "k": "a", "k": "b"}')).toEqual({
      n: [[LeafKind.number, "300.0", null]],
      k: [
        [LeafKind.string, "a", null],
        [LeafKind.string, "b", null],
      ],
    });
  });

  it("reads JavaScript values as JSON.stringify would write them", () => {
    const when = new Date("2024-01-02T03:04:05.000Z");
    expect(
      view({
        skip: undefined,
        f: () => 1,
        nan: Number.NaN,
        big: 12n,
        when,
        list: [undefined, 1],
        empty: new Map(),
      }),
    ).toEqual({
      nan: [[LeafKind.null, "null", null]],
      big: [[LeafKind.number, "12", null]],
      when: [[LeafKind.string, "2024-01-02T03:04:05.000Z", null]],
      list: [
        [LeafKind.null, "null", null],
        [LeafKind.number, "1", null],
      ],
    });
  });

  it("never throws, and marks what is not an object", () => {
    const cyclic: Record<string, unknown> = { a: "x" };
    cyclic.self = cyclic;
    const hostile = {
      get boom(): never {
        throw new Error("no");
      },
    };
    for (const event of [null, 1, "x", "{", "[]", [], undefined, Symbol("s")]) {
      expect(flattenEvent(event).isObject).toBe(false);
    }
    expect(view(cyclic)).toEqual({ a: [[LeafKind.string, "x", null]] });
    expect(flattenEvent(hostile).isObject).toBe(false);
  });

  it("reads only the paths a filter selects", () => {
    const flat = flattenEvent({ a: { b: 1, c: 2 }, "a.b": 3, d: 4 }, new Set(["a", "a.b"]));
    expect([...flat.fields.keys()]).toEqual(["a.b"]);
    expect(flat.fields.get("a.b")?.map((leaf) => leaf.text)).toEqual(["1", "3"]);
  });

  it("derives lower case, millionths and addresses on demand", () => {
    const flat = flattenEvent({ s: "MiXeD", n: 1.5, ip: "10.0.0.1", big: 1e12 });
    expect(flat.fields.get("s")?.[0]?.lower).toBe("mixed");
    expect(flat.fields.get("n")?.[0]?.micros).toBe(1_500_000);
    expect(flat.fields.get("big")?.[0]?.micros).toBeNaN();
    expect(flat.fields.get("ip")?.[0]?.ip).toBe("0A000001");
    expect(flat.fields.get("s")?.[0]?.ip).toBeNull();
  });
});
