import { describe, expect, it } from "vitest";
import {
  DEPLOYMENT_ACCOUNT,
  DEPLOYMENT_REGION,
  isMutatingAction,
  isWildcardResource,
  scopeArn,
  scopePermission,
  unscopedWrites,
} from "./iam.ts";

const scope = { partition: "aws-cn", region: "cn-north-1", account: "123456789012" };

describe("isMutatingAction", () => {
  it.each([
    "ec2:DescribeVolumes",
    "ecs:ListServices",
    "ssm:GetParameter",
    "dynamodb:BatchGetItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "backup:SearchRecoveryPoint",
    "ec2:Describe*",
    "s3:Get*",
    "logs:List?agsForResource",
  ])("%s only reads", (action) => {
    expect(isMutatingAction(action)).toBe(false);
  });

  it.each([
    "ec2:CreateTags",
    "ecs:RegisterTaskDefinition",
    "iam:PassRole",
    "dynamodb:BatchWriteItem",
    "ecr:BatchDeleteImage",
    "xray:PutTraceSegments",
    "kms:Decrypt",
    "lambda:InvokeFunction",
  ])("%s changes state (or is not known to only read)", (action) => {
    expect(isMutatingAction(action)).toBe(true);
  });

  it.each([
    ["a bare wildcard", "*"],
    ["a service wildcard", "ec2:*"],
    ["a wildcard verb", "ec2:*Tags"],
    ["a prefix that is not a whole verb", "ec2:Desc*"],
    ["a verb followed by lower case", "svc:Getaway"],
    ["no service", "DescribeVolumes"],
    ["an empty name", "ec2:"],
  ])("counts %s as mutating: it cannot be shown to only read", (_case, action) => {
    expect(isMutatingAction(action)).toBe(true);
  });
});

describe("isWildcardResource", () => {
  it.each([
    "*",
    "arn:aws:s3:::*",
    "arn:aws:ec2:*:*:*",
    "arn:aws:ec2:*:*:*/*",
    "arn:aws:logs:eu-west-1:123456789012:*:*",
    "arn:aws:ec2",
  ])("%s stands for every resource", (resource) => {
    expect(isWildcardResource(resource)).toBe(true);
  });

  it.each([
    "arn:aws:ec2:*:*:volume/*",
    "arn:aws:ec2:*::snapshot/*",
    "arn:aws:lambda:*:*:function:*",
    "arn:aws:logs:*:*:log-group:*",
    "arn:aws:iam::*:role/*",
    "<TableCD117FA1.Arn>/index/*",
  ])("%s names one kind of resource", (resource) => {
    expect(isWildcardResource(resource)).toBe(false);
  });
});

describe("unscopedWrites", () => {
  it("reports each mutating action on each wildcard resource of an unconditioned grant", () => {
    const found = unscopedWrites({
      actions: ["ec2:DescribeVolumes", "ec2:CreateTags", "ec2:DeleteTags"],
      resources: ["*", "arn:aws:ec2:*:*:volume/*"],
    });

    expect(found).toEqual([
      { action: "ec2:CreateTags", resource: "*" },
      { action: "ec2:DeleteTags", resource: "*" },
    ]);
  });

  it("accepts a condition, a resource ARN pattern, or read-only actions", () => {
    expect(
      unscopedWrites({
        actions: ["iam:PassRole"],
        resources: ["*"],
        condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
    ).toEqual([]);
    expect(
      unscopedWrites({ actions: ["ec2:DeleteVolume"], resources: ["arn:aws:ec2:*:*:volume/*"] }),
    ).toEqual([]);
    expect(unscopedWrites({ actions: ["ec2:Describe*"], resources: ["*"] })).toEqual([]);
  });

  it("does not take an empty condition block for a condition", () => {
    expect(unscopedWrites({ actions: ["ec2:CreateTags"], resources: ["*"], condition: {} })).toHaveLength(1);
    expect(
      unscopedWrites({ actions: ["ec2:CreateTags"], resources: ["*"], condition: { StringEquals: {} } }),
    ).toHaveLength(1);
  });
});

describe("scopeArn", () => {
  it("fills wildcard partition, region and account, keeping empty fields and the resource part", () => {
    expect(scopeArn("arn:aws:ecs:*:*:service/*/*", scope)).toBe(
      "arn:aws-cn:ecs:cn-north-1:123456789012:service/*/*",
    );
    expect(scopeArn("arn:aws:ec2:*::snapshot/*", scope)).toBe("arn:aws-cn:ec2:cn-north-1::snapshot/*");
    expect(scopeArn("arn:aws:iam::*:role/*", scope)).toBe("arn:aws-cn:iam::123456789012:role/*");
    expect(scopeArn("arn:aws:logs:*:*:log-group:*", scope)).toBe(
      "arn:aws-cn:logs:cn-north-1:123456789012:log-group:*",
    );
  });

  it("keeps fields that are already specific, and what is not an ARN", () => {
    expect(scopeArn("arn:aws-us-gov:s3:::bucket", scope)).toBe("arn:aws-us-gov:s3:::bucket");
    expect(scopeArn("arn:aws:sns:eu-west-1:111111111111:topic", scope)).toBe(
      "arn:aws-cn:sns:eu-west-1:111111111111:topic",
    );
    expect(scopeArn("*", scope)).toBe("*");
  });
});

describe("scopePermission", () => {
  it("scopes resources and condition values, leaving the registry entry as it was", () => {
    const permission = {
      actions: ["ec2:DeleteVolume"],
      resources: ["arn:aws:ec2:*:*:volume/*"],
      why: "delete restored volumes",
      condition: {
        ArnLike: { "ec2:ParentSnapshot": "arn:aws:ec2:*::snapshot/*" },
        StringEquals: {
          "aws:RequestedRegion": DEPLOYMENT_REGION,
          "aws:ResourceAccount": [DEPLOYMENT_ACCOUNT],
        },
      },
    };

    const scoped = scopePermission(permission, scope);

    expect(scoped).toEqual({
      actions: ["ec2:DeleteVolume"],
      resources: ["arn:aws-cn:ec2:cn-north-1:123456789012:volume/*"],
      why: "delete restored volumes",
      condition: {
        ArnLike: { "ec2:ParentSnapshot": "arn:aws-cn:ec2:cn-north-1::snapshot/*" },
        StringEquals: { "aws:RequestedRegion": "cn-north-1", "aws:ResourceAccount": ["123456789012"] },
      },
    });
    expect(permission.resources).toEqual(["arn:aws:ec2:*:*:volume/*"]);
  });

  it("adds no condition to a permission without one", () => {
    const scoped = scopePermission(
      { actions: ["ec2:DescribeVolumes"], resources: ["*"], why: "read" },
      scope,
    );

    expect(scoped).toEqual({ actions: ["ec2:DescribeVolumes"], resources: ["*"], why: "read" });
    expect("condition" in scoped).toBe(false);
  });
});
