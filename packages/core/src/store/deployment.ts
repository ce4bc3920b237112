import { z } from "zod";
import { KeyPartSchema, PageRequestSchema, type StorePage, TimestampSchema } from "./schema.ts";

/** The kind of compute a release was deployed to. */
export const DeploymentKindSchema = z.enum(["ecs", "lambda"]);
export type DeploymentKind = z.output<typeof DeploymentKindSchema>;

const DeploymentFields = z.object({
  /** The service: an ECS service ARN or a Lambda function (alias) ARN. */
  service: KeyPartSchema,
  /** The release: an ECS deployment id, a task-definition ARN, a Lambda version... unique per service. */
  id: KeyPartSchema,
  kind: DeploymentKindSchema,
  deployedAt: TimestampSchema,
  imageDigest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 hex>")
    .optional(),
  imageTag: z.string().min(1).max(256).optional(),
  taskDefinitionArn: z.string().min(1).max(2048).optional(),
  taskDefinitionRevision: z.number().int().min(1).optional(),
  lambdaVersion: z.string().min(1).max(64).optional(),
  /** Baked healthy: the release ran without alarms for its bake time. */
  knownGood: z.boolean(),
  bakedAt: TimestampSchema.optional(),
  recordedAt: TimestampSchema,
});

function requireKindFields(
  input: { kind: DeploymentKind; taskDefinitionArn?: string | undefined; lambdaVersion?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (input.kind === "ecs" && input.taskDefinitionArn === undefined) {
    context.addIssue({ code: "custom", path: ["taskDefinitionArn"], message: "an ECS release needs it" });
  }
  if (input.kind === "lambda" && input.lambdaVersion === undefined) {
    context.addIssue({ code: "custom", path: ["lambdaVersion"], message: "a Lambda release needs it" });
  }
}

/** One release of a service: what was deployed, when, and whether it proved healthy. */
export const DeploymentSchema = DeploymentFields.superRefine(requireKindFields);
export type Deployment = z.output<typeof DeploymentSchema>;

/** Input of {@link DeploymentStore.recordDeployment}: a new release starts not known-good. */
export const RecordDeploymentInputSchema = DeploymentFields.omit({
  knownGood: true,
  bakedAt: true,
  recordedAt: true,
}).superRefine(requireKindFields);
export type RecordDeploymentInput = z.input<typeof RecordDeploymentInputSchema>;

/** Input of {@link DeploymentStore.setKnownGood}: identifies the release by service, deployedAt and id. */
export const SetKnownGoodInputSchema = z.object({
  service: KeyPartSchema,
  deployedAt: TimestampSchema,
  id: KeyPartSchema,
  knownGood: z.boolean(),
});
export type SetKnownGoodInput = z.input<typeof SetKnownGoodInputSchema>;

/** Input of {@link DeploymentStore.listDeployments} (newest first). */
export const ListDeploymentsInputSchema = z.object({ service: KeyPartSchema, ...PageRequestSchema.shape });
export type ListDeploymentsInput = z.input<typeof ListDeploymentsInputSchema>;

/** Input of {@link DeploymentStore.findLastKnownGood}: the newest known-good release deployed before `before`. */
export const FindLastKnownGoodInputSchema = z.object({
  service: KeyPartSchema,
  before: TimestampSchema.optional(),
});
export type FindLastKnownGoodInput = z.input<typeof FindLastKnownGoodInputSchema>;

export type RecordDeploymentResult =
  | { recorded: true; deployment: Deployment }
  | { recorded: false; existing: Deployment };

export type SetKnownGoodResult = { updated: true; deployment: Deployment } | { updated: false };

/**
 * Release history per service, built from ECR pushes and ECS / Lambda deployment events.
 *
 * @example
 * const target = await store.findLastKnownGood({ service, before: current.deployedAt });
 * if (!target) return fail("no known-good release to roll back to");
 */
export interface DeploymentStore {
  recordDeployment(input: RecordDeploymentInput): Promise<RecordDeploymentResult>;
  setKnownGood(input: SetKnownGoodInput): Promise<SetKnownGoodResult>;
  listDeployments(input: ListDeploymentsInput): Promise<StorePage<Deployment>>;
  findLastKnownGood(input: FindLastKnownGoodInput): Promise<Deployment | undefined>;
}
