import { describe, expect, it } from "vitest";
import { builtOncePer } from "./built-once.ts";

describe("builtOncePer", () => {
  it("builds once per runtime, and anew when the runtime is replaced", () => {
    // Prepare
    const builds: string[] = [];
    const first = { name: "cold start 1" };
    const second = { name: "cold start 2" };
    const handlerFor = builtOncePer((runtime: { name: string }) => {
      builds.push(runtime.name);
      return { for: runtime.name };
    });

    // Act
    const a = handlerFor(first);
    const b = handlerFor(first);
    const c = handlerFor(second);

    // Assess
    expect(b).toBe(a);
    expect(c).toEqual({ for: "cold start 2" });
    expect(builds).toEqual(["cold start 1", "cold start 2"]);
  });
});
