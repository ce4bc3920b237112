import { z } from "zod";

const name = z.string().trim().min(1).max(255);

/** An ECS service, the unit that `rollback` and `rightsize` act on. */
export const EcsServiceTargetSchema = z.strictObject({
  type: z.literal("ecs-service"),
  cluster: name,
  service: name,
});

/** A Lambda alias: `rollback` moves it to an earlier version, `rightsize` changes the function's memory. */
export const LambdaAliasTargetSchema = z.strictObject({
  type: z.literal("lambda-alias"),
  functionName: name,
  alias: name,
});

/** A resource protected by AWS Backup, whose recovery points `verify-backup` restores. */
export const BackupResourceTargetSchema = z.strictObject({
  type: z.literal("backup-resource"),
  resourceArn: z.string().startsWith("arn:", "must be an ARN"),
});

/** An estate-wide scope (one account and region): what `cleanup` and scheduled `rightsize` scan. */
export const AccountTargetSchema = z.strictObject({
  type: z.literal("account"),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1")
    .optional(),
});

/** What a run acts on. Leases, cooldowns and blast-radius counts are kept per target. */
export const TargetSchema = z.discriminatedUnion("type", [
  EcsServiceTargetSchema,
  LambdaAliasTargetSchema,
  BackupResourceTargetSchema,
  AccountTargetSchema,
]);

export type Target = z.infer<typeof TargetSchema>;
export type TargetType = Target["type"];

export const TARGET_TYPES: readonly TargetType[] = [
  "ecs-service",
  "lambda-alias",
  "backup-resource",
  "account",
];

/**
 * The stable key of a target, used for leases, cooldowns and audit queries.
 *
 * @example
 * targetKey({ type: "ecs-service", cluster: "prod", service: "checkout" }); // "ecs-service:prod/checkout"
 */
export function targetKey(target: Target): string {
  switch (target.type) {
    case "ecs-service":
      return `ecs-service:${target.cluster}/${target.service}`;
    case "lambda-alias":
      return `lambda-alias:${target.functionName}:${target.alias}`;
    case "backup-resource":
      return `backup-resource:${target.resourceArn}`;
    case "account":
      return `account:${target.region ?? "*"}`;
  }
}
