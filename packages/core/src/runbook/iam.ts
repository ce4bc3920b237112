import type { IamPermission } from "./types.ts";

/**
 * Verbs of IAM actions that only read. An action whose name starts with one of them (then an upper-case
 * letter, a wildcard or nothing) changes nothing; every other action — including verbs this list does not know —
 * counts as mutating, so a new or unusual action is held to the stricter rule until someone decides it
 * only reads.
 */
export const READ_ONLY_VERBS = ["Describe", "List", "Get", "BatchGet", "Search", "Scan", "Query"] as const;

/**
 * Stands for the deployment's region in a permission's condition values; the stack substitutes it when it
 * renders the statement, as it substitutes `*` region fields of ARNs. Keeps the registry region-agnostic
 * where an API offers no resource-level permissions and only a region can narrow the grant.
 */
export const DEPLOYMENT_REGION = "{{region}}";

/** Stands for the deployment's account in a permission's condition values (see {@link DEPLOYMENT_REGION}). */
export const DEPLOYMENT_ACCOUNT = "{{account}}";

/** Where a permission is deployed: what `*` region and account fields of its ARNs become. */
export interface DeploymentScope {
  partition: string;
  region: string;
  account: string;
}

/** A mutating action granted on a wildcard resource with no condition to narrow it. */
export interface UnscopedWrite {
  action: string;
  resource: string;
}

/** The parts of an IAM statement the least-privilege rule looks at (an `Allow` statement). */
export interface GrantLike {
  actions: readonly string[];
  resources: readonly string[];
  condition?: unknown;
}

/**
 * Whether an IAM action (`service:Name`, wildcards allowed) may change state. Conservative: only actions
 * named with a {@link READ_ONLY_VERBS} verb read; `*`, `ec2:*`, `ec2:*Tags`, malformed names and unknown
 * verbs all count as mutating.
 *
 * @example
 * isMutatingAction("ec2:DescribeVolumes"); // false
 * isMutatingAction("ec2:Describe*"); // false
 * isMutatingAction("ec2:CreateTags"); // true
 * isMutatingAction("ec2:*"); // true
 */
export function isMutatingAction(action: string): boolean {
  const match = /^[a-z0-9-]+:(.+)$/.exec(action);
  const name = match?.[1];
  if (name === undefined) return true;
  const wildcard = name.search(/[*?]/);
  const literal = wildcard === -1 ? name : name.slice(0, wildcard);
  return !READ_ONLY_VERBS.some((verb) => {
    if (!literal.startsWith(verb)) return false;
    const next = name.charAt(verb.length);
    // "Scan", "Get*" and "GetObject" read; "Getaway" is not a Get verb.
    return next === "" || next === "*" || next === "?" || /[A-Z]/.test(next);
  });
}

/**
 * Whether a policy resource stands for every resource: `*` itself, or an ARN whose resource part is made
 * of wildcards only (`arn:aws:s3:::*`, or `*`, `/` and `:` alone). A malformed ARN counts as a wildcard.
 * References that are not ARNs (a template's `<Table.Arn>`) name one resource and do not.
 *
 * @example
 * isWildcardResource("*"); // true
 * isWildcardResource("arn:aws:ec2:*:*:volume/*"); // false: volumes only
 */
export function isWildcardResource(resource: string): boolean {
  if (/^[*?]+$/.test(resource)) return true;
  if (!resource.startsWith("arn:")) return false;
  const parts = resource.split(":");
  if (parts.length < 6) return true;
  return /^[*?/:]*$/.test(parts.slice(5).join(":"));
}

/**
 * The grants that break the least-privilege rule: a mutating action on a wildcard resource with no
 * condition. Empty when the statement is scoped.
 *
 * @example
 * unscopedWrites({ actions: ["ec2:CreateTags"], resources: ["*"] }); // [{ action: "ec2:CreateTags", resource: "*" }]
 * unscopedWrites({ actions: ["ec2:DescribeVolumes"], resources: ["*"] }); // []
 */
export function unscopedWrites(grant: GrantLike): UnscopedWrite[] {
  if (hasCondition(grant.condition)) return [];
  const wildcards = grant.resources.filter(isWildcardResource);
  return grant.actions
    .filter(isMutatingAction)
    .flatMap((action) => wildcards.map((resource) => ({ action, resource })));
}

/**
 * Renders a registry ARN for one deployment: `*` (or `aws`) partition, `*` region and `*` account fields
 * become the deployment's; empty fields (IAM roles, EBS snapshots) stay empty, and the resource part is
 * kept as written. Anything that is not an ARN is returned unchanged.
 *
 * @example
 * const scope = { partition: "aws", region: "eu-west-1", account: "123456789012" };
 * scopeArn("arn:aws:lambda:*:*:function:*", scope); // "arn:aws:lambda:eu-west-1:123456789012:function:*"
 * scopeArn("arn:aws:ec2:*::snapshot/snap-*", scope); // "arn:aws:ec2:eu-west-1::snapshot/snap-*"
 */
export function scopeArn(arn: string, scope: DeploymentScope): string {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return arn;
  const [, partition = "", service = "", region = "", account = "", ...resource] = parts;
  return [
    "arn",
    partition === "aws" || partition === "*" ? scope.partition : partition,
    service,
    region === "*" ? scope.region : region,
    account === "*" ? scope.account : account,
    ...resource,
  ].join(":");
}

/**
 * A registry permission as one deployment grants it: its resources and the ARN-valued condition values
 * through {@link scopeArn}, and {@link DEPLOYMENT_REGION} / {@link DEPLOYMENT_ACCOUNT} replaced.
 *
 * @example
 * scopePermission(runbooks.cleanup.permissions[0], { partition: "aws", region: "eu-west-1", account: "123456789012" });
 */
export function scopePermission(permission: IamPermission, scope: DeploymentScope): IamPermission {
  const value = (text: string) =>
    scopeArn(text, scope)
      .replaceAll(DEPLOYMENT_REGION, scope.region)
      .replaceAll(DEPLOYMENT_ACCOUNT, scope.account);
  const scoped: IamPermission = {
    actions: permission.actions,
    resources: permission.resources.map((resource) => scopeArn(resource, scope)),
    why: permission.why,
  };
  if (permission.condition !== undefined) {
    scoped.condition = Object.fromEntries(
      Object.entries(permission.condition).map(([operator, keys]) => [
        operator,
        Object.fromEntries(
          Object.entries(keys).map(([key, values]) => [
            key,
            typeof values === "string" ? value(values) : values.map(value),
          ]),
        ),
      ]),
    );
  }
  return scoped;
}

function hasCondition(condition: unknown): boolean {
  if (typeof condition !== "object" || condition === null) return false;
  return Object.values(condition).some(
    (keys) => typeof keys === "object" && keys !== null && Object.keys(keys).length > 0,
  );
}
