import { durationSchema, parseDuration } from "@architech/core";
import { z } from "zod";
import { isFargateSize } from "./fargate.ts";

// --- Building blocks -------------------------------------------------------------------------------

/**
 * A point in time in a seed: an ISO 8601 timestamp with a zone (`2026-03-02T09:00:00Z`), or a duration
 * before the moment the sandbox starts (`-20m`, `-3d`), so that an estate reads the same whenever it runs.
 */
export type TimeRef = { readonly at: number } | { readonly before: number };

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const TimeRefSchema = z.string().transform((text, ctx): TimeRef => {
  const trimmed = text.trim();
  if (trimmed.startsWith("-")) {
    const ms = parseDuration(trimmed.slice(1));
    if (ms !== undefined) return { before: ms };
  } else if (ISO_WITH_ZONE.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return { at };
  }
  ctx.addIssue({
    code: "custom",
    message:
      "a time is an ISO 8601 timestamp with a zone (2026-03-02T09:00:00Z) or a past offset (-20m, -3d)",
  });
  return z.NEVER;
});

/** Resolves a seed time against the sandbox's start, in epoch milliseconds. */
export function resolveTime(ref: TimeRef, start: number): number {
  return "at" in ref ? ref.at : start - ref.before;
}

const TagsSchema = z.record(z.string().min(1).max(128), z.string().max(256)).default({});

const AccountIdSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((value) => String(value))
  .pipe(z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits (quote it to keep leading zeros)"));

const RegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1");

const EcsNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, "letters, digits, hyphens and underscores, at most 255");
const FunctionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, hyphens and underscores, at most 64");
const AliasNameSchema = z
  .string()
  .regex(/^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/, "letters, digits, hyphens and underscores, not only digits");
const MetricNameSchema = z.string().min(1).max(255);

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const ImageSchema = z
  .string()
  .regex(DIGEST, "an image is pinned by digest: <repository>[:tag]@sha256:<64 hex digits>");

/** CloudWatch statistics: the five simple ones, or a percentile `p0`…`p100` (decimals allowed). */
export const STATISTIC_PATTERN = /^(Average|Maximum|Minimum|Sum|SampleCount|p(100|\d{1,2}(\.\d+)?))$/;
const StatisticSchema = z
  .string()
  .regex(STATISTIC_PATTERN, "Average, Maximum, Minimum, Sum, SampleCount or a percentile such as p95");

export const AlarmStateSchema = z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]);

// --- Metrics ---------------------------------------------------------------------------------------

/**
 * A metric series, described compactly and generated deterministically: one sample a minute of
 * `baseline + dailyAmplitude · cos(2π (hour − peakHour) / 24) + noise · N(0, 1)`, the noise drawn from a
 * PRNG seeded by `seed` and the sample's minute, so any window reads the same every time.
 */
export const MetricSeriesSchema = z.strictObject({
  /** Defaults by owner: `AWS/ECS` for services, `AWS/Lambda` (or `LambdaInsights` for `memory_utilization`). */
  namespace: z.string().min(1).max(255).optional(),
  /** `Percent` is clamped to 0–100 and `Count` to whole numbers ≥ 0; defaults from the metric's name. */
  unit: z.enum(["Percent", "Count", "Milliseconds", "Seconds", "Bytes", "None"]).optional(),
  baseline: z.number().min(0),
  dailyAmplitude: z.number().min(0).default(0),
  /** Hour of the day (UTC) at which the daily swing peaks. */
  peakHour: z.number().min(0).lt(24).default(14),
  /** Standard deviation of the per-minute noise. */
  noise: z.number().min(0).default(0),
  /** PRNG seed; by default derived from the metric's namespace, name and dimensions. */
  seed: z.union([z.number().int(), z.string().min(1)]).optional(),
  /** Share of hours that have data at all; the rest are gaps, as for a service that scales to zero. */
  coverage: z.number().gt(0).max(1).default(1),
  /** The baseline while the owner runs an unhealthy release (error rates, latency). */
  unhealthyBaseline: z.number().min(0).optional(),
});
export type MetricSeriesSpec = z.output<typeof MetricSeriesSchema>;

const MetricsSchema = z.record(MetricNameSchema, MetricSeriesSchema).default({});

// --- Alarms ----------------------------------------------------------------------------------------

/**
 * A metric alarm on the service, alias or function it is declared under (which gives its dimensions).
 * Its state follows the owner's health: ALARM while an unhealthy release serves, plus the evaluation
 * delay; `state` forces it instead.
 */
export const AlarmSeedSchema = z.strictObject({
  name: z.string().min(1).max(255),
  description: z.string().max(1024).optional(),
  metric: MetricNameSchema,
  namespace: z.string().min(1).max(255).optional(),
  statistic: StatisticSchema.default("Average"),
  period: z.number().int().positive().multipleOf(60, "a period is a multiple of 60 seconds").default(60),
  evaluationPeriods: z.number().int().positive().default(1),
  threshold: z.number(),
  comparison: z
    .enum([
      "GreaterThanThreshold",
      "GreaterThanOrEqualToThreshold",
      "LessThanThreshold",
      "LessThanOrEqualToThreshold",
    ])
    .default("GreaterThanThreshold"),
  /** Force the state instead of deriving it from the owner's health. */
  state: AlarmStateSchema.optional(),
  /** Since when the forced state holds; default the sandbox's start. */
  stateSince: TimeRefSchema.optional(),
  /** Overrides `settings.alarmEvaluationDelay` for this alarm. */
  evaluationDelay: durationSchema({ min: "1s", max: "1h" }).optional(),
});
export type AlarmSeed = z.output<typeof AlarmSeedSchema>;

const AlarmsSchema = z.array(AlarmSeedSchema).default([]);

// --- ECS -------------------------------------------------------------------------------------------

const SidecarSchema = z.strictObject({
  name: EcsNameSchema,
  image: ImageSchema,
  cpu: z.number().int().nonnegative().optional(),
  memory: z.number().int().positive().optional(),
  memoryReservation: z.number().int().positive().optional(),
});

/** One release of a service: a task definition revision of the service's family. */
export const ReleaseSeedSchema = z.strictObject({
  revision: z.number().int().positive(),
  /** The main container's image, named after the family. */
  image: ImageSchema,
  /** Task-level CPU units. */
  cpu: z.number().int().positive(),
  /** Task-level memory (MiB). */
  memory: z.number().int().positive(),
  /** False for a bad release: the service's alarms fire while it serves. */
  healthy: z.boolean().default(true),
  /** When it was rolled out; releases without it were registered but never deployed. */
  deployedAt: TimeRefSchema.optional(),
  /** Further containers (log routers, proxies). */
  sidecars: z.array(SidecarSchema).default([]),
  note: z.string().max(1024).optional(),
});
export type ReleaseSeed = z.output<typeof ReleaseSeedSchema>;

export const EcsServiceSeedSchema = z.strictObject({
  desiredCount: z.number().int().min(0).max(5000),
  /** Task definition family; default the service's name. */
  family: EcsNameSchema.optional(),
  launchType: z.enum(["FARGATE", "EC2"]).default("FARGATE"),
  releases: z.array(ReleaseSeedSchema).min(1, "a service has at least one release"),
  /** The revision the service runs now; it must be the most recently deployed release. */
  running: z.number().int().positive(),
  alarms: AlarmsSchema,
  metrics: MetricsSchema,
  tags: TagsSchema,
});
export type EcsServiceSeed = z.output<typeof EcsServiceSeedSchema>;

const EcsClusterSeedSchema = z.strictObject({
  services: z.record(EcsNameSchema, EcsServiceSeedSchema).default({}),
  tags: TagsSchema,
});

// --- Lambda ----------------------------------------------------------------------------------------

const LambdaMemorySchema = z.number().int().min(128).max(10240);

export const LambdaVersionSeedSchema = z.strictObject({
  version: z.number().int().positive(),
  memorySize: LambdaMemorySchema,
  healthy: z.boolean().default(true),
  publishedAt: TimeRefSchema.optional(),
  codeSha256: z.string().min(1).optional(),
  description: z.string().max(256).optional(),
});
export type LambdaVersionSeed = z.output<typeof LambdaVersionSeedSchema>;

const VersionRefSchema = z.union([z.number().int().positive(), z.literal("$LATEST")]);

export const LambdaAliasSeedSchema = z.strictObject({
  version: VersionRefSchema,
  /** Weighted routing to a second version, e.g. `{ "8": 0.1 }`. */
  additionalVersionWeights: z.record(z.string().regex(/^\d+$/), z.number().gt(0).lt(1)).optional(),
  /** When the alias was last moved; default a day before the start. */
  since: TimeRefSchema.optional(),
  alarms: AlarmsSchema,
  /** Metrics with the `FunctionName` and `Resource` (`function:alias`) dimensions. */
  metrics: MetricsSchema,
});
export type LambdaAliasSeed = z.output<typeof LambdaAliasSeedSchema>;

export const LambdaFunctionSeedSchema = z.strictObject({
  runtime: z.string().min(1).default("nodejs22.x"),
  /** Memory of the unpublished configuration (`$LATEST`); default that of the newest version. */
  memorySize: LambdaMemorySchema.optional(),
  timeout: z.number().int().min(1).max(900).default(3),
  architectures: z
    .array(z.enum(["x86_64", "arm64"]))
    .length(1)
    .default(["x86_64"]),
  versions: z.array(LambdaVersionSeedSchema).min(1, "a function has at least one published version"),
  aliases: z.record(AliasNameSchema, LambdaAliasSeedSchema).default({}),
  /** Alarms on the whole function (`FunctionName` only): they fire while any alias serves a bad version. */
  alarms: AlarmsSchema,
  /** Metrics with the `FunctionName` dimension (`function_name` for `LambdaInsights`). */
  metrics: MetricsSchema,
  tags: TagsSchema,
});
export type LambdaFunctionSeed = z.output<typeof LambdaFunctionSeedSchema>;

// --- Plain data for the cleanup and verify-backup runbooks -----------------------------------------

const EcrImageSeedSchema = z.strictObject({
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256:<64 hex digits>"),
  tags: z.array(z.string().min(1).max(128)).default([]),
  pushedAt: TimeRefSchema,
  /** When ECR last recorded a pull; a deployment of a task definition that uses the image counts too. */
  lastPulledAt: TimeRefSchema.optional(),
  sizeMiB: z.number().positive(),
});

const EcrRepositorySeedSchema = z.strictObject({
  images: z.array(EcrImageSeedSchema).default([]),
  tags: TagsSchema,
});

const VolumeIdSchema = z.string().regex(/^vol-[0-9a-f]{8,17}$/, "vol-<hex>");
const SnapshotIdSchema = z.string().regex(/^snap-[0-9a-f]{8,17}$/, "snap-<hex>");

const VolumeSeedSchema = z.strictObject({
  id: VolumeIdSchema,
  sizeGiB: z.number().int().positive(),
  type: z.enum(["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"]).default("gp3"),
  state: z.enum(["available", "in-use"]),
  attachedTo: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/, "i-<hex>")
    .optional(),
  /** The snapshot the volume was created from. */
  snapshotId: SnapshotIdSchema.optional(),
  createdAt: TimeRefSchema,
  tags: TagsSchema,
});

const SnapshotSeedSchema = z.strictObject({
  id: SnapshotIdSchema,
  volumeId: VolumeIdSchema,
  sizeGiB: z.number().int().positive(),
  startedAt: TimeRefSchema,
  description: z.string().max(255).optional(),
  tags: TagsSchema,
});

/** An AMI this account owns; its snapshots cannot be deleted while it exists. */
const AmiSeedSchema = z.strictObject({
  imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "ami-<hex>"),
  name: z.string().min(3).max(128).optional(),
  snapshotIds: z.array(SnapshotIdSchema).min(1, "an AMI is built from at least one snapshot"),
  createdAt: TimeRefSchema.optional(),
  tags: TagsSchema,
});

const ElasticIpSeedSchema = z.strictObject({
  allocationId: z.string().regex(/^eipalloc-[0-9a-f]{8,17}$/, "eipalloc-<hex>"),
  publicIp: z.ipv4(),
  /** The instance or network interface it is associated with; absent when idle. */
  associatedWith: z.string().min(1).optional(),
  /** Default derived from the allocation id. */
  associationId: z
    .string()
    .regex(/^eipassoc-[0-9a-f]{8,17}$/, "eipassoc-<hex>")
    .optional(),
  tags: TagsSchema,
});

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const LogGroupSeedSchema = z.strictObject({
  name: z.string().min(1).max(512),
  /** Absent: kept forever. */
  retentionDays: z
    .number()
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .optional(),
  storedMiB: z.number().min(0).default(0),
  createdAt: TimeRefSchema,
  tags: TagsSchema,
});

const RecoveryPointSeedSchema = z.strictObject({
  arn: z.string().startsWith("arn:", "must be an ARN"),
  resourceArn: z.string().startsWith("arn:", "must be an ARN"),
  resourceType: z.enum(["DynamoDB", "EBS", "RDS", "S3", "EFS", "Aurora"]),
  vault: z.string().min(1).default("Default"),
  status: z
    .enum(["COMPLETED", "PARTIAL", "DELETING", "EXPIRED", "AVAILABLE", "STOPPED", "CREATING"])
    .default("COMPLETED"),
  createdAt: TimeRefSchema,
  completedAt: TimeRefSchema.optional(),
  sizeMiB: z.number().min(0).optional(),
  /** Items (DynamoDB) or objects (S3) in the backed-up resource, for validating a restore. */
  itemCount: z.number().int().min(0).optional(),
  /** How long a restore takes, for measuring RTO. */
  restoreDuration: durationSchema({ min: "1s", max: "1w" }).optional(),
  /** A damaged backup: a restore completes, but holds about half the items. */
  corrupt: z.boolean().default(false),
  /** A restore of it ends FAILED with a status message. */
  restoreFails: z.boolean().default(false),
  /** The role that created it; default the account's AWSBackupDefaultServiceRole. */
  iamRoleArn: z.string().startsWith("arn:aws:iam::", "must be an IAM role ARN").optional(),
});

/** A DynamoDB table whose items are generated deterministically from its name. */
const TableSeedSchema = z.strictObject({
  itemCount: z.number().int().min(0).max(10_000_000),
  /** Default 512 bytes an item. */
  sizeBytes: z.number().int().min(0).optional(),
  /** DeleteTable is refused while set. */
  deletionProtection: z.boolean().default(false),
  tags: TagsSchema,
});

const BudgetSeedSchema = z.strictObject({
  name: z.string().min(1).max(100),
  timeUnit: z.enum(["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"]).default("MONTHLY"),
  /** USD. */
  limit: z.number().positive(),
  actual: z.number().min(0),
  forecast: z.number().min(0).optional(),
});

// --- The seed --------------------------------------------------------------------------------------

export const SandboxSettingsSchema = z.strictObject({
  /** How long an ECS deployment takes from IN_PROGRESS to COMPLETED. */
  deploymentSettleTime: durationSchema({ min: "1s", max: "1h" }).prefault("60s"),
  /** How long an alarm takes to notice that a release turned good or bad. */
  alarmEvaluationDelay: durationSchema({ min: "1s", max: "1h" }).prefault("60s"),
  /** How long an AWS Backup restore job takes (PENDING → RUNNING → COMPLETED), unless its recovery point says. */
  restoreDuration: durationSchema({ min: "1s", max: "1w" }).prefault("20m"),
});

/**
 * The estate of a sandbox account. Sections for further services can be added without touching the
 * existing ones; every object is strict, so a misspelt field fails with its path.
 */
export const SandboxSeedSchema = z
  .strictObject({
    account: AccountIdSchema.default("123456789012"),
    region: RegionSchema.default("eu-west-1"),
    settings: SandboxSettingsSchema.prefault({}),
    ecs: z.strictObject({ clusters: z.record(EcsNameSchema, EcsClusterSeedSchema).default({}) }).prefault({}),
    lambda: z
      .strictObject({ functions: z.record(FunctionNameSchema, LambdaFunctionSeedSchema).default({}) })
      .prefault({}),
    ecr: z
      .strictObject({
        repositories: z
          .record(
            z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/),
            EcrRepositorySeedSchema,
          )
          .default({}),
      })
      .prefault({}),
    ec2: z
      .strictObject({
        volumes: z.array(VolumeSeedSchema).default([]),
        snapshots: z.array(SnapshotSeedSchema).default([]),
        images: z.array(AmiSeedSchema).default([]),
        elasticIps: z.array(ElasticIpSeedSchema).default([]),
      })
      .prefault({}),
    logs: z.strictObject({ groups: z.array(LogGroupSeedSchema).default([]) }).prefault({}),
    backup: z.strictObject({ recoveryPoints: z.array(RecoveryPointSeedSchema).default([]) }).prefault({}),
    dynamodb: z
      .strictObject({
        tables: z
          .record(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, "3–255 of A-Z a-z 0-9 _ . -"), TableSeedSchema)
          .default({}),
      })
      .prefault({}),
    budgets: z.array(BudgetSeedSchema).default([]),
    /** The Slack workspace the sandbox's Slack answers for: user groups (`S…`) and their members (`U…`). */
    slack: z
      .strictObject({
        userGroups: z
          .record(
            z.string().regex(/^S[A-Z0-9]{8,}$/, "a Slack user group id such as S0123456789"),
            z.array(z.string().regex(/^[UW][A-Z0-9]{8,}$/, "a Slack user id such as U0123456789")),
          )
          .default({}),
      })
      .prefault({}),
  })
  .superRefine(checkReferences);

export type SandboxSeed = z.output<typeof SandboxSeedSchema>;
/** What a seed file may say (before defaults). */
export type SandboxSeedInput = z.input<typeof SandboxSeedSchema>;

type Issue = { path: (string | number)[]; message: string };

/** What the schema of one object cannot see: references between fields and uniqueness across the estate. */
function checkReferences(seed: SandboxSeed, ctx: z.RefinementCtx): void {
  const issues: Issue[] = [];
  const alarmNames = new Map<string, string>();
  const families = new Map<string, string>();
  const checkAlarms = (alarms: readonly AlarmSeed[], path: (string | number)[]) => {
    alarms.forEach((alarm, index) => {
      const where = path.join(".");
      const first = alarmNames.get(alarm.name);
      if (first === undefined) alarmNames.set(alarm.name, where);
      else
        issues.push({
          path: [...path, index, "name"],
          message: `alarm "${alarm.name}" is already defined under ${first}`,
        });
    });
  };

  for (const [clusterName, cluster] of Object.entries(seed.ecs.clusters)) {
    for (const [serviceName, service] of Object.entries(cluster.services)) {
      const path = ["ecs", "clusters", clusterName, "services", serviceName];
      const family = service.family ?? serviceName;
      const owner = families.get(family);
      if (owner === undefined) families.set(family, `${clusterName}/${serviceName}`);
      else
        issues.push({
          path: [...path, service.family === undefined ? "releases" : "family"],
          message: `task definition family "${family}" is already used by ${owner}; give this service its own family`,
        });
      const revisions = new Set<number>();
      service.releases.forEach((release, index) => {
        if (revisions.has(release.revision)) {
          issues.push({
            path: [...path, "releases", index, "revision"],
            message: `revision ${release.revision} is listed twice`,
          });
        }
        revisions.add(release.revision);
        if (service.launchType === "FARGATE" && !isFargateSize(release.cpu, release.memory)) {
          issues.push({
            path: [...path, "releases", index, "memory"],
            message: `${release.cpu} CPU units with ${release.memory} MiB is not a Fargate task size`,
          });
        }
      });
      if (!revisions.has(service.running)) {
        issues.push({
          path: [...path, "running"],
          message: `revision ${service.running} is not among the releases (${[...revisions].join(", ")})`,
        });
      }
      checkAlarms(service.alarms, [...path, "alarms"]);
    }
  }

  for (const [functionName, fn] of Object.entries(seed.lambda.functions)) {
    const path = ["lambda", "functions", functionName];
    const versions = new Set<number>();
    fn.versions.forEach((version, index) => {
      if (versions.has(version.version)) {
        issues.push({
          path: [...path, "versions", index, "version"],
          message: `version ${version.version} is listed twice`,
        });
      }
      versions.add(version.version);
    });
    for (const [aliasName, alias] of Object.entries(fn.aliases)) {
      const aliasPath = [...path, "aliases", aliasName];
      if (alias.version !== "$LATEST" && !versions.has(alias.version)) {
        issues.push({
          path: [...aliasPath, "version"],
          message: `version ${alias.version} is not among the published versions (${[...versions].join(", ")})`,
        });
      }
      const weights = Object.entries(alias.additionalVersionWeights ?? {});
      for (const [version] of weights) {
        if (!versions.has(Number(version))) {
          issues.push({
            path: [...aliasPath, "additionalVersionWeights", version],
            message: `version ${version} is not among the published versions`,
          });
        }
      }
      if (weights.reduce((sum, [, weight]) => sum + weight, 0) >= 1) {
        issues.push({
          path: [...aliasPath, "additionalVersionWeights"],
          message: "the additional weights must leave the alias's own version some traffic (sum below 1)",
        });
      }
      checkAlarms(alias.alarms, [...aliasPath, "alarms"]);
    }
    checkAlarms(fn.alarms, [...path, "alarms"]);
  }

  for (const [repositoryName, repository] of Object.entries(seed.ecr.repositories)) {
    const digests = new Set<string>();
    repository.images.forEach((image, index) => {
      if (digests.has(image.digest)) {
        issues.push({
          path: ["ecr", "repositories", repositoryName, "images", index, "digest"],
          message: `image ${image.digest} is listed twice`,
        });
      }
      digests.add(image.digest);
    });
  }

  checkPlainResources(seed, issues);
  for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
}

/** Ids are unique, volumes in use say where, AMIs and EBS recovery points name seeded snapshots. */
function checkPlainResources(seed: SandboxSeed, issues: Issue[]): void {
  const unique = <T>(
    items: readonly T[],
    idOf: (item: T) => string,
    path: (string | number)[],
    field: string,
  ) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const id = idOf(item);
      if (seen.has(id)) issues.push({ path: [...path, index, field], message: `${id} is listed twice` });
      seen.add(id);
    });
  };
  unique(seed.ec2.volumes, (v) => v.id, ["ec2", "volumes"], "id");
  unique(seed.ec2.snapshots, (s) => s.id, ["ec2", "snapshots"], "id");
  unique(seed.ec2.images, (i) => i.imageId, ["ec2", "images"], "imageId");
  unique(seed.ec2.elasticIps, (a) => a.allocationId, ["ec2", "elasticIps"], "allocationId");
  unique(seed.logs.groups, (g) => g.name, ["logs", "groups"], "name");
  unique(seed.backup.recoveryPoints, (p) => p.arn, ["backup", "recoveryPoints"], "arn");

  seed.ec2.volumes.forEach((volume, index) => {
    if ((volume.state === "in-use") !== (volume.attachedTo !== undefined)) {
      issues.push({
        path: ["ec2", "volumes", index, "attachedTo"],
        message:
          "a volume in use names the instance it is attached to (attachedTo), an available one does not",
      });
    }
  });
  const snapshots = new Set(seed.ec2.snapshots.map((s) => s.id));
  seed.ec2.images.forEach((image, index) => {
    image.snapshotIds.forEach((id, i) => {
      if (!snapshots.has(id)) {
        issues.push({
          path: ["ec2", "images", index, "snapshotIds", i],
          message: `snapshot ${id} is not seeded`,
        });
      }
    });
  });
  seed.backup.recoveryPoints.forEach((point, index) => {
    const snapshot = /^arn:aws:ec2:[^:]*::snapshot\/(snap-[0-9a-f]+)$/.exec(point.arn)?.[1];
    if (point.resourceType === "EBS" && snapshot === undefined) {
      issues.push({
        path: ["backup", "recoveryPoints", index, "arn"],
        message: "an EBS recovery point is a snapshot: arn:aws:ec2:<region>::snapshot/<snapshot-id>",
      });
    } else if (snapshot !== undefined && !snapshots.has(snapshot)) {
      issues.push({
        path: ["backup", "recoveryPoints", index, "arn"],
        message: `snapshot ${snapshot} is not seeded under ec2.snapshots`,
      });
    }
  });
}
