import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../main.ts";

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  return main(["node", "architech", ...args], io).then((code) => ({
    code,
    out: out.join(""),
    err: err.join(""),
  }));
}

describe("architech policies", () => {
  it("validates the shipped example policies", async () => {
    const { code, out } = await run("policies", "validate", "policies");
    expect(out).toMatch(/\d+ policies valid/);
    expect(code).toBe(0);
  });

  it("reports each problem as file:line:column with the field path, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "architech-policies-"));
    writeFileSync(
      join(dir, "bad.yaml"),
      "name: Bad Name\ndescription: d\ntrigger: { command: { name: go } }\nrunbook: cleanup\ntarget: { type: account }\nmode: sometimes\n",
    );
    const { code, err } = await run("policies", "validate", dir);
    expect(code).toBe(1);
    expect(err).toContain("bad.yaml:1:7: name: a policy name is lower-case letters");
    expect(err).toMatch(/bad\.yaml:6:7: mode: /);
  });

  it("exits 2 for a directory that does not exist", async () => {
    const { code, err } = await run("policies", "validate", "no/such/dir");
    expect(code).toBe(2);
    expect(err).toContain("is not a directory");
  });

  it("prints the JSON Schema that is committed beside the policies", async () => {
    const { code, out } = await run("policies", "schema");
    expect(code).toBe(0);
    const committed = readFileSync("policies/policy.schema.json", "utf8");
    // When this fails, regenerate: npx architech policies schema > policies/policy.schema.json
    expect(JSON.parse(out)).toEqual(JSON.parse(committed));
  });
});
