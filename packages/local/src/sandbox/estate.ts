import { createHash } from "node:crypto";
import type { AlarmState, EcsContainerSize } from "@architech/core";
import { covers, type Interval } from "./intervals.ts";
import { SandboxSeedError, type SandboxSeedProblem } from "./load-seed.ts";
import { defaultUnit, type MetricSource, type SeriesEffects, seriesSeed } from "./metrics.ts";
import { buildResources, type ResourceState } from "./resources.ts";
import type {
  AlarmSeed,
  EcsServiceSeed,
  LambdaFunctionSeed,
  MetricSeriesSpec,
  SandboxSeed,
  TimeRef,
} from "./seed.ts";
import { resolveTime } from "./seed.ts";

const DAY_MS = 86_400_000;

/** A registered task definition revision and whether the code it runs is healthy. */
export interface TaskDefinitionRecord {
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  readonly cpu: number;
  readonly memory: number;
  readonly containers: readonly EcsContainerSize[];
  readonly healthy: boolean;
  readonly launchType: "FARGATE" | "EC2";
  readonly registeredAt: number;
  readonly note?: string | undefined;
}

/** UpdateService (or the seed's history) created a deployment of a task definition at `createdAt`. */
export interface DeploymentRecord {
  readonly id: string;
  readonly taskDefinitionArn: string;
  readonly createdAt: number;
  readonly desiredCount: number;
}

export interface ServiceRecord {
  readonly cluster: string;
  readonly name: string;
  readonly arn: string;
  readonly family: string;
  readonly desiredCount: number;
  readonly launchType: "FARGATE" | "EC2";
  /** In creation order; the last one is PRIMARY. */
  readonly deployments: DeploymentRecord[];
  /** The task size the seeded utilisation baselines describe. */
  readonly referenceSize: { readonly cpu: number; readonly memory: number };
  readonly tags: Readonly<Record<string, string>>;
}

export interface LambdaVersionRecord {
  readonly version: string;
  readonly memorySize: number;
  readonly healthy: boolean;
  readonly codeSha256: string;
  readonly publishedAt: number;
  readonly description?: string | undefined;
}

/** Where an alias pointed from `at` until the next position. */
export interface AliasPosition {
  readonly at: number;
  readonly version: string;
  readonly weights?: Readonly<Record<string, number>> | undefined;
}

export interface AliasRecord {
  readonly functionName: string;
  readonly name: string;
  readonly arn: string;
  readonly history: AliasPosition[];
}

export interface FunctionRecord {
  readonly name: string;
  readonly arn: string;
  readonly runtime: string;
  readonly timeout: number;
  readonly architectures: readonly string[];
  memorySize: number;
  lastModified: number;
  readonly versions: LambdaVersionRecord[];
  readonly aliases: Map<string, AliasRecord>;
  readonly tags: Readonly<Record<string, string>>;
}

export type AlarmOwner =
  | { readonly kind: "ecs-service"; readonly service: ServiceRecord }
  | { readonly kind: "lambda-alias"; readonly fn: FunctionRecord; readonly alias: AliasRecord }
  | { readonly kind: "lambda-function"; readonly fn: FunctionRecord };

/** A state set by hand (or by the seed) from `at`; `state` undefined hands the alarm back to its metric. */
export interface ForcedAlarmState {
  readonly at: number;
  readonly state: AlarmState | undefined;
  readonly reason: string;
}

export interface AlarmRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string | undefined;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparison: AlarmSeed["comparison"];
  readonly evaluationDelay: number;
  readonly owner: AlarmOwner;
  readonly forced: ForcedAlarmState[];
}

/** The account's state: everything the ports read and change. Time-dependent views derive from it. */
export interface Estate {
  readonly account: string;
  readonly region: string;
  /** When the sandbox started; relative seed times count back from here. */
  readonly start: number;
  readonly settleMs: number;
  readonly evaluationDelayMs: number;
  readonly taskDefinitions: Map<string, TaskDefinitionRecord>;
  readonly services: ServiceRecord[];
  readonly functions: Map<string, FunctionRecord>;
  readonly alarms: Map<string, AlarmRecord>;
  readonly metrics: MetricSource[];
  /** ECR, EC2, logs, AWS Backup and DynamoDB tables. */
  readonly resources: ResourceState;
  readonly seed: SandboxSeed;
}

/** The time-dependent views the metric effects need; the timeline module provides them. */
export interface EstateViews {
  serviceBadIntervals(estate: Estate, service: ServiceRecord): Interval[];
  aliasBadIntervals(fn: FunctionRecord, alias: AliasRecord): Interval[];
  /** For one query: the task definition serving at any instant (the timeline is read once). */
  servingTaskDefinitions(estate: Estate, service: ServiceRecord): (t: number) => TaskDefinitionRecord;
}

export interface BuildOptions {
  start: number;
  settleMs: number;
  evaluationDelayMs: number;
  views: EstateViews;
}

/** Turns a validated seed into the estate, resolving times against `start`. */
export function buildEstate(seed: SandboxSeed, options: BuildOptions): Estate {
  const { start } = options;
  const problems: SandboxSeedProblem[] = [];
  const estate: Estate = {
    account: seed.account,
    region: seed.region,
    start,
    settleMs: options.settleMs,
    evaluationDelayMs: options.evaluationDelayMs,
    taskDefinitions: new Map(),
    services: [],
    functions: new Map(),
    alarms: new Map(),
    metrics: [],
    resources: buildResources(seed, start),
    seed,
  };
  const future = (ref: TimeRef | undefined, path: (string | number)[]) => {
    if (ref !== undefined && resolveTime(ref, start) > start) {
      problems.push(problemAt(path, "lies after the sandbox's start; seeds describe the past"));
    }
  };

  for (const [clusterName, cluster] of Object.entries(seed.ecs.clusters)) {
    for (const [serviceName, serviceSeed] of Object.entries(cluster.services)) {
      const path = ["ecs", "clusters", clusterName, "services", serviceName];
      serviceSeed.releases.forEach((release, index) => {
        future(release.deployedAt, [...path, "releases", index, "deployedAt"]);
      });
      const service = buildService(estate, clusterName, serviceName, serviceSeed, path, problems);
      estate.services.push(service);
      const owner: AlarmOwner = { kind: "ecs-service", service };
      const dimensions = { ClusterName: clusterName, ServiceName: serviceName };
      addAlarms(estate, serviceSeed.alarms, owner, () => ({ namespace: "AWS/ECS", dimensions }));
      for (const [metricName, spec] of Object.entries(serviceSeed.metrics)) {
        const namespace = spec.namespace ?? "AWS/ECS";
        estate.metrics.push(
          metricSource(namespace, metricName, dimensions, spec, () => ({
            unhealthy: covering(options.views.serviceBadIntervals(estate, service)),
            ...(namespace === "AWS/ECS" && metricName === "CPUUtilization"
              ? { scale: sizeScale(options.views, estate, service, "cpu") }
              : namespace === "AWS/ECS" && metricName === "MemoryUtilization"
                ? { scale: sizeScale(options.views, estate, service, "memory") }
                : {}),
          })),
        );
      }
    }
  }

  for (const [functionName, fnSeed] of Object.entries(seed.lambda.functions)) {
    const path = ["lambda", "functions", functionName];
    fnSeed.versions.forEach((version, index) => {
      future(version.publishedAt, [...path, "versions", index, "publishedAt"]);
    });
    const fn = buildFunction(estate, functionName, fnSeed);
    estate.functions.set(functionName, fn);
    for (const [aliasName, aliasSeed] of Object.entries(fnSeed.aliases)) {
      future(aliasSeed.since, [...path, "aliases", aliasName, "since"]);
      const alias = fn.aliases.get(aliasName);
      if (alias === undefined) continue;
      const dimensions = { FunctionName: functionName, Resource: `${functionName}:${aliasName}` };
      addAlarms(estate, aliasSeed.alarms, { kind: "lambda-alias", fn, alias }, () => ({
        namespace: "AWS/Lambda",
        dimensions,
      }));
      for (const [metricName, spec] of Object.entries(aliasSeed.metrics)) {
        estate.metrics.push(
          metricSource(spec.namespace ?? "AWS/Lambda", metricName, dimensions, spec, () => ({
            unhealthy: covering(options.views.aliasBadIntervals(fn, alias)),
          })),
        );
      }
    }
    const functionDimensions = (
      metricName: string,
      namespace?: string,
    ): { namespace: string; dimensions: Record<string, string> } => {
      const ns = namespace ?? (metricName === "memory_utilization" ? "LambdaInsights" : "AWS/Lambda");
      return {
        namespace: ns,
        dimensions:
          ns === "LambdaInsights" ? { function_name: functionName } : { FunctionName: functionName },
      };
    };
    addAlarms(estate, fnSeed.alarms, { kind: "lambda-function", fn }, functionDimensions);
    for (const [metricName, spec] of Object.entries(fnSeed.metrics)) {
      const { namespace, dimensions } = functionDimensions(metricName, spec.namespace);
      estate.metrics.push(
        metricSource(namespace, metricName, dimensions, spec, () => ({
          unhealthy: covering(
            [...fn.aliases.values()].flatMap((a) => options.views.aliasBadIntervals(fn, a)),
          ),
        })),
      );
    }
  }

  for (const alarmSeedPath of forcedAlarmPaths(seed)) {
    future(alarmSeedPath.ref, alarmSeedPath.path);
  }
  if (problems.length > 0) throw new SandboxSeedError(problems);
  return estate;
}

function buildService(
  estate: Estate,
  cluster: string,
  name: string,
  seed: EcsServiceSeed,
  path: (string | number)[],
  problems: SandboxSeedProblem[],
): ServiceRecord {
  const { account, region, start } = estate;
  const family = seed.family ?? name;
  const arnOf = (revision: number) => taskDefinitionArn(region, account, family, revision);
  for (const release of seed.releases) {
    const record: TaskDefinitionRecord = {
      arn: arnOf(release.revision),
      family,
      revision: release.revision,
      cpu: release.cpu,
      memory: release.memory,
      containers: [{ name: family, image: release.image }, ...release.sidecars],
      healthy: release.healthy,
      launchType: seed.launchType,
      registeredAt:
        release.deployedAt === undefined ? start - DAY_MS : resolveTime(release.deployedAt, start),
      note: release.note,
    };
    estate.taskDefinitions.set(record.arn, record);
  }

  const running = seed.releases.find((r) => r.revision === seed.running);
  const runningAt =
    running?.deployedAt === undefined ? start - DAY_MS : resolveTime(running.deployedAt, start);
  const arn = `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`;
  const earlier = seed.releases
    .map((release, index) => ({ release, index }))
    .filter(({ release }) => release.deployedAt !== undefined && release.revision !== seed.running)
    .map(({ release, index }) => ({ release, index, at: resolveTime(release.deployedAt as TimeRef, start) }));
  for (const { release, index, at } of earlier) {
    if (at >= runningAt) {
      problems.push(
        problemAt(
          [...path, "releases", index, "deployedAt"],
          `revision ${release.revision} was deployed after the running revision ${seed.running}; ` +
            "the running release is the most recently deployed one",
        ),
      );
    }
  }
  const history = [
    ...earlier.sort((a, b) => a.at - b.at).map(({ release, at }) => ({ revision: release.revision, at })),
    { revision: seed.running, at: runningAt },
  ];
  const service: ServiceRecord = {
    cluster,
    name,
    arn,
    family,
    desiredCount: seed.desiredCount,
    launchType: seed.launchType,
    deployments: [],
    referenceSize: { cpu: running?.cpu ?? 0, memory: running?.memory ?? 0 },
    tags: seed.tags,
  };
  for (const { revision, at } of history) {
    service.deployments.push({
      id: deploymentId(service, service.deployments.length),
      taskDefinitionArn: arnOf(revision),
      createdAt: at,
      desiredCount: seed.desiredCount,
    });
  }
  return service;
}

function buildFunction(estate: Estate, name: string, seed: LambdaFunctionSeed): FunctionRecord {
  const { account, region, start } = estate;
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  const versions = [...seed.versions]
    .sort((a, b) => a.version - b.version)
    .map(
      (v): LambdaVersionRecord => ({
        version: String(v.version),
        memorySize: v.memorySize,
        healthy: v.healthy,
        codeSha256: v.codeSha256 ?? codeSha256(`${arn}:${v.version}`),
        publishedAt: v.publishedAt === undefined ? start - 2 * DAY_MS : resolveTime(v.publishedAt, start),
        description: v.description,
      }),
    );
  const newest = versions.at(-1);
  const fn: FunctionRecord = {
    name,
    arn,
    runtime: seed.runtime,
    timeout: seed.timeout,
    architectures: seed.architectures,
    memorySize: seed.memorySize ?? newest?.memorySize ?? 128,
    lastModified: Math.max(start - 2 * DAY_MS, ...versions.map((v) => v.publishedAt)),
    versions,
    aliases: new Map(),
    tags: seed.tags,
  };
  for (const [aliasName, aliasSeed] of Object.entries(seed.aliases)) {
    fn.aliases.set(aliasName, {
      functionName: name,
      name: aliasName,
      arn: `${arn}:${aliasName}`,
      history: [
        {
          at: aliasSeed.since === undefined ? start - DAY_MS : resolveTime(aliasSeed.since, start),
          version: String(aliasSeed.version),
          weights: aliasSeed.additionalVersionWeights,
        },
      ],
    });
  }
  return fn;
}

function addAlarms(
  estate: Estate,
  seeds: readonly AlarmSeed[],
  owner: AlarmOwner,
  metricOf: (
    metricName: string,
    namespace?: string,
  ) => { namespace: string; dimensions: Record<string, string> },
): void {
  for (const seed of seeds) {
    const metric = metricOf(seed.metric, seed.namespace);
    estate.alarms.set(seed.name, {
      name: seed.name,
      arn: `arn:aws:cloudwatch:${estate.region}:${estate.account}:alarm:${seed.name}`,
      description: seed.description,
      namespace: seed.namespace ?? metric.namespace,
      metricName: seed.metric,
      dimensions: metric.dimensions,
      statistic: seed.statistic,
      period: seed.period,
      evaluationPeriods: seed.evaluationPeriods,
      threshold: seed.threshold,
      comparison: seed.comparison,
      evaluationDelay: seed.evaluationDelay ?? estate.evaluationDelayMs,
      owner,
      forced:
        seed.state === undefined
          ? []
          : [
              {
                at: seed.stateSince === undefined ? estate.start : resolveTime(seed.stateSince, estate.start),
                state: seed.state,
                reason: `State set to ${seed.state} by the sandbox seed`,
              },
            ],
    });
  }
}

function metricSource(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  spec: MetricSeriesSpec,
  effects: () => SeriesEffects,
): MetricSource {
  return {
    namespace,
    metricName,
    dimensions,
    unit: spec.unit ?? defaultUnit(metricName),
    spec,
    seed: seriesSeed(spec, namespace, metricName, dimensions),
    effects,
  };
}

function covering(intervals: readonly Interval[]): (t: number) => boolean {
  return (t) => covers(intervals, t);
}

/** Utilisation measured against the seeded size: half the CPU, twice the utilisation. */
function sizeScale(views: EstateViews, estate: Estate, service: ServiceRecord, dimension: "cpu" | "memory") {
  const reference = service.referenceSize[dimension];
  const servingAt = views.servingTaskDefinitions(estate, service);
  return (t: number) => {
    const size = servingAt(t)[dimension];
    return size > 0 ? reference / size : 1;
  };
}

function* forcedAlarmPaths(seed: SandboxSeed): Generator<{ ref: TimeRef; path: (string | number)[] }> {
  for (const [clusterName, cluster] of Object.entries(seed.ecs.clusters)) {
    for (const [serviceName, service] of Object.entries(cluster.services)) {
      for (const [index, alarm] of service.alarms.entries()) {
        if (alarm.stateSince)
          yield {
            ref: alarm.stateSince,
            path: ["ecs", "clusters", clusterName, "services", serviceName, "alarms", index, "stateSince"],
          };
      }
    }
  }
  for (const [functionName, fn] of Object.entries(seed.lambda.functions)) {
    for (const [index, alarm] of fn.alarms.entries()) {
      if (alarm.stateSince)
        yield {
          ref: alarm.stateSince,
          path: ["lambda", "functions", functionName, "alarms", index, "stateSince"],
        };
    }
    for (const [aliasName, alias] of Object.entries(fn.aliases)) {
      for (const [index, alarm] of alias.alarms.entries()) {
        if (alarm.stateSince)
          yield {
            ref: alarm.stateSince,
            path: ["lambda", "functions", functionName, "aliases", aliasName, "alarms", index, "stateSince"],
          };
      }
    }
  }
}

function problemAt(path: (string | number)[], message: string): SandboxSeedProblem {
  return { file: "<seed>", line: 0, column: 0, path: path.join("."), message };
}

export function taskDefinitionArn(region: string, account: string, family: string, revision: number): string {
  return `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`;
}

/** `family:revision`, how people name a release. */
export function releaseLabel(taskDefinition: TaskDefinitionRecord): string {
  return `${taskDefinition.family}:${taskDefinition.revision}`;
}

/** A deployment id in ECS's form (`ecs-svc/` and 19 digits), stable for a service and its n-th deployment. */
export function deploymentId(service: { arn: string }, index: number): string {
  const digest = createHash("sha256").update(`${service.arn}#${index}`).digest("hex");
  const digits = (BigInt(`0x${digest.slice(0, 16)}`) % 10_000_000_000_000_000_000n).toString();
  return `ecs-svc/${digits.padStart(19, "1")}`;
}

function codeSha256(key: string): string {
  return createHash("sha256").update(key).digest("base64");
}

/** Publishes the next version of a function from its current configuration. */
export function nextVersionNumber(fn: FunctionRecord): string {
  const highest = Math.max(0, ...fn.versions.map((v) => Number(v.version)));
  return String(highest + 1);
}

export function versionCodeSha256(fn: FunctionRecord, version: string): string {
  return codeSha256(`${fn.arn}:${version}`);
}
