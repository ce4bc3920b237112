import {
  compileEventPattern,
  flattenEvent,
  matchesEventPattern,
  validateEventPattern,
} from "@architech/core";
import { describe, expect, it } from "vitest";
import { conformanceAvailable, readConformanceJson } from "./shared.ts";

interface MatchCase {
  name: string;
  pattern: unknown;
  event: unknown;
  match: boolean;
  /** Exact text sent to AWS where re-serialising `pattern` would lose information (float literals, duplicate keys). */
  patternJson?: string;
  eventJson?: string;
}

interface InvalidCase {
  name: string;
  pattern: unknown;
  patternJson?: string;
  /** AWS's message, "Event pattern is not valid. Reason: …"; absent where only Event Ruler was consulted. */
  awsErrorMessage?: string | null;
}

const cases: MatchCase[] = conformanceAvailable
  ? readConformanceJson<MatchCase[]>("patterns", "cases.json")
  : [];
const invalid: InvalidCase[] = conformanceAvailable
  ? readConformanceJson<InvalidCase[]>("patterns", "invalid_patterns.json")
  : [];

describe.runIf(conformanceAvailable)("conformance: EventBridge event patterns (cases.json)", () => {
  it("has all the published cases", () => {
    expect(cases).toHaveLength(275);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    // Arrange: the exact text AWS received where it matters, the parsed JSON otherwise.
    const pattern = c.patternJson ?? c.pattern;
    const event = c.eventJson ?? c.event;
    // Act
    const compiled = compileEventPattern(pattern);
    // Assess: one-shot, compiled, and flattened-once forms all agree with the recorded result.
    expect(matchesEventPattern(pattern, event)).toBe(c.match);
    expect(compiled.matches(event)).toBe(c.match);
    expect(compiled.matches(flattenEvent(event))).toBe(c.match);
  });
});

describe.runIf(conformanceAvailable)(
  "conformance: invalid EventBridge event patterns (invalid_patterns.json)",
  () => {
    it("has all the published invalid patterns", () => {
      expect(invalid).toHaveLength(39);
    });

    it.each(invalid.map((c) => [c.name, c] as const))("%s is refused", (_name, c) => {
      // Act
      const verdict = validateEventPattern(c.patternJson ?? c.pattern);
      // Assess: refused, and where AWS's wording is known, for the same reason.
      expect(verdict.valid).toBe(false);
      if (!verdict.valid && c.awsErrorMessage) {
        expect(`Event pattern is not valid. Reason: ${verdict.reason}`).toBe(c.awsErrorMessage);
      }
    });
  },
);
