import { validateWorkflowDefinition } from "@architech/core";
import { describe, expect, it } from "vitest";
import { conformanceAvailable, listConformanceFiles, readConformanceJson } from "./shared.ts";

interface Expectation {
  valid: boolean;
  reason?: string;
  optionDependent?: "checkPaths" | "checkArn";
}
interface Expected {
  valid: Record<string, Expectation>;
  invalid: Record<string, Expectation>;
}

const expected: Expected = conformanceAvailable
  ? readConformanceJson<Expected>("asl", "expected.json")
  : { valid: {}, invalid: {} };

describe.runIf(conformanceAvailable)("conformance: Amazon States Language samples", () => {
  it("covers every sample file with an expectation", () => {
    const files = [...listConformanceFiles("asl", "valid"), ...listConformanceFiles("asl", "invalid")];
    expect(files.length).toBe(Object.keys(expected.valid).length + Object.keys(expected.invalid).length);
  });

  it.each(Object.keys(expected.valid))("valid/%s validates", (file) => {
    const result = validateWorkflowDefinition(readConformanceJson("asl", "valid", file));
    expect(result).toEqual({ valid: true });
  });

  it.each(Object.entries(expected.invalid))("invalid/%s is rejected (%o)", (file, expectation) => {
    const definition = readConformanceJson("asl", "invalid", file);
    const result = validateWorkflowDefinition(definition);
    expect(result.valid).toBe(false);
    if (expectation.optionDependent) {
      // The rejection comes from exactly that check: with it off, the definition passes.
      const relaxed = validateWorkflowDefinition(definition, { [expectation.optionDependent]: false });
      expect(relaxed).toEqual({ valid: true });
    }
  });
});
