import { describe, expect, it } from "vitest";
import { PolicySchema } from "../policy/policy.ts";
import { CLEANUP_AFTER_TAG, KEEP_TAG, SAFETY_SNAPSHOT_TAG } from "./cleanup-steps.ts";
import {
  DEPLOYMENT_ACCOUNT,
  DEPLOYMENT_REGION,
  isMutatingAction,
  scopePermission,
  unscopedWrites,
} from "./iam.ts";
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

  it.each(RUNBOOK_NAMES)("%s grants no mutating action on `*` without a condition", (name) => {
    const unscoped = runbooks[name].permissions.flatMap((permission) =>
      unscopedWrites(permission).map((write) => `${write.action} on ${write.resource} (${permission.why})`),
    );

    expect(unscoped).toEqual([]);
  });

  it.each(RUNBOOK_NAMES)("%s writes ARNs region- and account-agnostic, and only ARNs or `*`", (name) => {
    for (const permission of runbooks[name].permissions) {
      for (const resource of permission.resources) {
        if (resource === "*") continue;
        // arn:aws:<service>:<* or empty>:<* or empty>:<resource>: the stack fills in its own region and account.
        expect(resource, permission.why).toMatch(/^arn:aws:[a-z0-9-]+:\*?:\*?:.+$/);
      }
    }
  });

  it.each(RUNBOOK_NAMES)("%s names only the deployment's own region and account once scoped", (name) => {
    const scope = { partition: "aws", region: "eu-west-1", account: "123456789012" };
    for (const permission of runbooks[name].permissions) {
      const scoped = scopePermission(permission, scope);

      for (const resource of scoped.resources.filter((r) => r.startsWith("arn:"))) {
        const [, , , region, account] = resource.split(":");
        expect(["", "eu-west-1"], resource).toContain(region);
        expect(["", "123456789012"], resource).toContain(account);
      }
      const text = JSON.stringify(scoped.condition ?? {});
      expect(text).not.toContain(DEPLOYMENT_REGION);
      expect(text).not.toContain(DEPLOYMENT_ACCOUNT);
    }
  });

  it("classifies the registry's known writes as mutating, so the rule above has something to check", () => {
    const mutating = RUNBOOK_NAMES.flatMap((name) =>
      runbooks[name].permissions.flatMap((permission) => permission.actions.filter(isMutatingAction)),
    );

    expect(mutating).toEqual(
      expect.arrayContaining([
        "ecs:UpdateService",
        "ecs:RegisterTaskDefinition",
        "lambda:UpdateAlias",
        "ec2:CreateTags",
        "ec2:CreateSnapshot",
        "ec2:DeleteVolume",
        "backup:StartRestoreJob",
        "dynamodb:DeleteTable",
        "iam:PassRole",
      ]),
    );
  });

  it("scopes each tag write of cleanup to architech: keys on volumes, snapshots and addresses", () => {
    const tagging = runbooks.cleanup.permissions.filter((p) => p.actions.includes("ec2:CreateTags"));

    expect(tagging).toHaveLength(1);
    expect(tagging[0]?.resources).toEqual([
      "arn:aws:ec2:*:*:volume/*",
      "arn:aws:ec2:*::snapshot/*",
      "arn:aws:ec2:*:*:elastic-ip/*",
    ]);
    expect(tagging[0]?.condition).toMatchObject({
      "ForAllValues:StringLike": { "aws:TagKeys": "architech:*" },
    });
    // The keys cleanup writes (marking, and on the snapshot it takes before deleting) must pass that test.
    for (const key of [CLEANUP_AFTER_TAG, SAFETY_SNAPSHOT_TAG]) expect(key).toMatch(/^architech:/);
  });

  it("lets cleanup snapshot and delete only what it marked and nobody opted out", () => {
    const deleting = runbooks.cleanup.permissions.filter((p) =>
      p.actions.some((a) => ["ec2:DeleteVolume", "ec2:CreateSnapshot", "ecr:BatchDeleteImage"].includes(a)),
    );

    expect(deleting).toHaveLength(4);
    for (const permission of deleting) {
      expect(permission.condition, permission.why).toBeDefined();
      const onSnapshotCreation = permission.resources.every((r) => r.endsWith(":snapshot/*"));
      if (onSnapshotCreation) {
        expect(permission.condition).toMatchObject({
          StringLike: { [`aws:RequestTag/${SAFETY_SNAPSHOT_TAG}`]: "vol-*" },
        });
        continue;
      }
      expect(permission.condition).toMatchObject({ Null: { [`aws:ResourceTag/${KEEP_TAG}`]: "true" } });
      if (!permission.actions.includes("ecr:BatchDeleteImage")) {
        expect(permission.condition).toMatchObject({
          StringLike: { [`aws:ResourceTag/${CLEANUP_AFTER_TAG}`]: "*" },
        });
      }
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
