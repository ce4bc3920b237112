import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatYamlProblem, parseLocatedYaml, validateLocated } from "./located-yaml.ts";

const Schema = z.strictObject({
  name: z.string().min(1),
  limits: z.strictObject({ max: z.number().int() }).optional(),
  target: z.union([z.strictObject({ cluster: z.string() }), z.strictObject({ fn: z.string() })]).optional(),
});

describe("parseLocatedYaml", () => {
  it("answers the data when it is valid", () => {
    // Act
    const result = parseLocatedYaml(Schema, "name: api\nlimits: { max: 3 }\n", "f.yaml");

    // Assess
    expect(result).toEqual({ ok: true, data: { name: "api", limits: { max: 3 } } });
  });

  it("locates an unknown key at the key itself, and a bad value at the value, in line order", () => {
    // Act
    const result = parseLocatedYaml(Schema, "name: api\nlimits:\n  max: 1.5\n  mx: 3\n", "f.yaml", {
      unknownKey: (path, key) => `no ${key} under ${path.join(".")}`,
    });

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatYamlProblem)).toEqual([
      "f.yaml:3:8 limits.max: Invalid input: expected int, received number",
      "f.yaml:4:3 limits.mx: no mx under limits",
    ]);
  });

  it("reports a failed union by its branches, and YAML errors where they are", () => {
    // Act
    const union = parseLocatedYaml(Schema, "name: api\ntarget: { cluster: 1 }\n", "f.yaml");
    const broken = parseLocatedYaml(Schema, "name: [unclosed\n", "f.yaml");

    // Assess
    expect(union.ok || union.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["target.cluster", "target.fn"]),
    );
    expect(broken.ok || broken.problems[0]?.message).toMatch(/^YAML: /);
  });
});

describe("validateLocated", () => {
  it("reports problems of data built in code without a position", () => {
    // Act
    const result = validateLocated(Schema, { name: "" }, "<data>");

    // Assess
    expect(result.ok || result.problems.map(formatYamlProblem)).toEqual([
      "<data> name: Too small: expected string to have >=1 characters",
    ]);
  });
});
