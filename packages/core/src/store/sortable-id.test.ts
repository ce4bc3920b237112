import { describe, expect, it } from "vitest";
import { createSortableId, nextSortableId, sortableIdFloor, sortableIdTime } from "./sortable-id.ts";

describe("sortable ids", () => {
  it("encodes the instant in the first ten characters, ULID-style", () => {
    // Act
    const id = createSortableId(new Date("2024-05-01T12:00:00Z"), new Uint8Array(10));

    // Assess
    expect(id).toBe("01HWT0D7G00000000000000000");
    expect(sortableIdTime(id)?.toISOString()).toBe("2024-05-01T12:00:00.000Z");
    expect(createSortableId(new Date(0), new Uint8Array(10).fill(255))).toBe("0000000000ZZZZZZZZZZZZZZZZ");
  });

  it("sorts as strings in time order whatever the randomness", () => {
    // Prepare
    const instants = [0, 1, 999, 1000, 1_714_564_800_000, 1_714_564_800_001, 2 ** 47];
    const ids = instants.map((ms, i) =>
      createSortableId(new Date(ms), new Uint8Array(10).fill(255 - i * 30)),
    );

    // Act
    const sorted = [...ids].sort();

    // Assess
    expect(sorted).toEqual(ids);
  });

  it("gives a floor below every id of its instant and above every earlier one", () => {
    // Prepare
    const at = new Date("2024-05-01T12:00:00Z");
    const floor = sortableIdFloor(at);

    // Act
    const same = createSortableId(at, new Uint8Array(10));
    const earlier = createSortableId(new Date(at.getTime() - 1), new Uint8Array(10).fill(255));

    // Assess
    expect(floor <= same).toBe(true);
    expect(earlier < floor).toBe(true);
  });

  it("refuses what it cannot encode and reads only its own ids", () => {
    // Assess
    expect(() => createSortableId(new Date(-1), new Uint8Array(10))).toThrow(RangeError);
    expect(() => createSortableId(new Date(0), new Uint8Array(4))).toThrow(RangeError);
    expect(sortableIdTime("not-an-id")).toBeUndefined();
    expect(sortableIdTime("01HWT0D7G0000000000000000U")).toBeUndefined();
  });

  it("gives the next id in sort order within a millisecond", () => {
    const id = createSortableId(new Date("2024-05-01T12:00:00Z"), new Uint8Array(10).fill(7));
    const next = nextSortableId(id);
    expect(next > id).toBe(true);
    expect(sortableIdTime(next)?.toISOString()).toBe("2024-05-01T12:00:00.000Z");
    expect(nextSortableId("01HWT0D7G0000000000000000Z")).toBe("01HWT0D7G00000000000000010");
    expect(() => nextSortableId("01HWT0D7G0ZZZZZZZZZZZZZZZZ")).toThrow(RangeError);
  });
});
