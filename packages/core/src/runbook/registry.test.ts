import { describe, expect, it } from "vitest";
import { PolicySchema } from "../policy/policy.ts";
import { getRunbook, RUNBOOK_NAMES, runbooks, UnknownRunbookError } from "./registry.ts";

describe("runbook registry", () => {
  it.each(RUNBOOK_NAMES)("%s describes itself completely", (name) => {
    const runbook = runbooks[name];
    expect(runbook.name).toBe(name);
    expect(runbook.description.length).toBeGreaterThan(20);
    expect(runbook.targetTypes.length).toBeGreaterThan(0);
    expect(runbook.permissions.length).toBeGreaterThan(0);
    for (const permission of runbook.permissions) {
      expect(permission.actions.length).toBeGreaterThan(0);
      for (const action of permission.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(permission.resources.length).toBeGreaterThan(0);
      expect(permission.why.length).toBeGreaterThan(0);
    }
  });

  it.each(RUNBOOK_NAMES)("%s has an example policy that validates and uses it", (name) => {
    const parsed = PolicySchema.safeParse(runbooks[name].example);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.runbook).toBe(name);
  });

  it.each(RUNBOOK_NAMES)("%s fills every parameter from defaults", (name) => {
    expect(() => runbooks[name].params.parse({})).not.toThrow();
  });

  it("names the valid runbooks when asked for an unknown one", () => {
    expect(() => getRunbook("rolback")).toThrow(UnknownRunbookError);
    expect(() => getRunbook("rolback")).toThrow(
      "valid runbooks: rollback, rightsize, cleanup, verify-backup",
    );
    expect(() => getRunbook("toString")).toThrow(UnknownRunbookError);
    expect(getRunbook("cleanup").name).toBe("cleanup");
  });
});
