import {
  type AccountPorts,
  type AlarmDescription,
  type AlarmState,
  ArchitechError,
  type Clock,
  type EcsServiceDescription,
  type LambdaAliasDescription,
  type LambdaFunctionConfiguration,
  type LambdaVersion,
  type NotifierFailure,
  ResourceNotFoundError,
  SlackNotifier,
  type SlackThreadStore,
} from "@architech/core";
import { createMemorySlackThreads } from "../slack/memory-slack-threads.ts";
import { type RecordedSlackMessage, RecordingSlack, type SlackActivity } from "../slack/recording-slack.ts";
import { createSandboxBackup } from "./backup.ts";
import { createSandboxCloudWatch, describeAlarmAt } from "./cloudwatch.ts";
import type { ActionEntry, Call, SandboxAction, SandboxContext } from "./context.ts";
import { createSandboxDynamoDb } from "./dynamodb.ts";
import { createSandboxEc2 } from "./ec2.ts";
import { createSandboxEcr } from "./ecr.ts";
import {
  createSandboxEcs,
  deployTaskDefinition,
  describeServiceAt,
  findService,
  findTaskDefinition,
  registerRevision,
  serviceTarget,
} from "./ecs.ts";
import { buildEstate, type Estate, nextVersionNumber, versionCodeSha256 } from "./estate.ts";
import { eventsBetween, type SandboxEvent } from "./events.ts";
import { FaultPlan, type PendingFault, type SandboxFault } from "./faults.ts";
import {
  aliasTarget,
  createSandboxLambda,
  describeAlias,
  findAlias,
  findFunction,
  functionConfiguration,
  moveAlias,
} from "./lambda.ts";
import { createSandboxLogs } from "./logs.ts";
import { type SandboxResources, settleRestoreJobs, viewResources } from "./resources.ts";
import type { SandboxSeed } from "./seed.ts";
import {
  aliasBadIntervals,
  iso,
  isVersionHealthy,
  serviceBadIntervals,
  servingTaskDefinitions,
} from "./timeline.ts";

export interface SandboxAccountOptions {
  seed: SandboxSeed;
  /** Drives rollouts, alarm evaluation and metric publication; the sandbox starts at its first reading. */
  clock: Clock;
  /** Overrides `settings.deploymentSettleTime` (milliseconds). */
  deploymentSettleTime?: number;
  /** Overrides `settings.alarmEvaluationDelay` (milliseconds). */
  alarmEvaluationDelay?: number;
  /** Overrides `settings.restoreDuration` (milliseconds); a recovery point's own `restoreDuration` still wins. */
  restoreDuration?: number;
  /**
   * Where the notifier keeps which Slack message is whose (run, alarm episode, approval): the control
   * plane's store. Default: in memory, for this account's life.
   */
  slackThreads?: SlackThreadStore;
  /** Where runs of policies without `notify.slack` post. Default `#architech`. */
  slackDefaultChannel?: string;
  /** Slack user groups and their members (`S…` → `U…`), for `userGroupMembers`. */
  slackUserGroups?: Readonly<Record<string, readonly string[]>>;
  /** Called with every Slack message posted or updated (and ephemeral or response), e.g. for the live log. */
  onSlack?: (activity: SlackActivity) => void;
  /** Called with every notification Slack refused; the run it was about carries on regardless. */
  onNotifierError?: (failure: SandboxNotifierFailure) => void;
  /** Called with each entry of the action log as it is written. */
  onAction?: (action: SandboxAction) => void;
}

/** A notification that could not be delivered: what it was and why. */
export interface SandboxNotifierFailure extends NotifierFailure {
  at: string;
  error: string;
}

/**
 * A message the sandbox's Slack recorded.
 *
 * @deprecated Read `sandbox.slack.messages` ({@link RecordedSlackMessage}).
 */
export type RecordedNotification = RecordedSlackMessage;

/** A release a pipeline rolls out: an existing revision, or a new image registered as the next one. */
export type ScenarioRelease =
  | { revision: number }
  | { image: string; healthy?: boolean; cpu?: number; memory?: number; note?: string };

/**
 * What happens in the account apart from the control plane: pipelines deploy, people move aliases and
 * set alarm states. Recorded in the action log with `via: "scenario"`; never subject to faults.
 */
export interface SandboxScenario {
  /** UpdateService as a pipeline does it; a new image is registered as the family's next revision first. */
  deployRelease(
    cluster: string,
    service: string,
    release: ScenarioRelease,
  ): { taskDefinitionArn: string; deploymentId: string };
  /** Publishes the next version of a function; `healthy: false` makes it a bad one. */
  publishVersion(
    functionName: string,
    options?: { healthy?: boolean; memorySize?: number },
  ): { version: string };
  /** Points an alias at a version with all traffic. */
  moveAlias(functionName: string, alias: string, version: string | number): LambdaAliasDescription;
  /** Forces an alarm's state, as `aws cloudwatch set-alarm-state`; `undefined` hands it back to its metric. */
  setAlarmState(name: string, state: AlarmState | undefined, reason?: string): AlarmDescription;
}

/** The estate as the dashboard shows it; plain JSON. */
export interface SandboxSnapshot {
  account: string;
  region: string;
  at: string;
  settings: { deploymentSettleTimeMs: number; alarmEvaluationDelayMs: number; restoreDurationMs: number };
  ecs: {
    services: (EcsServiceDescription & {
      tags: Record<string, string>;
      releases: {
        taskDefinitionArn: string;
        revision: number;
        image: string;
        cpu: number;
        memory: number;
        healthy: boolean;
        note?: string;
      }[];
      alarms: string[];
    })[];
  };
  lambda: {
    functions: (LambdaFunctionConfiguration & {
      runtime: string;
      tags: Record<string, string>;
      versions: (LambdaVersion & { healthy: boolean })[];
      aliases: (LambdaAliasDescription & { healthy: boolean; alarms: string[] })[];
      alarms: string[];
    })[];
  };
  alarms: AlarmDescription[];
  resources: SandboxResources;
  pendingFaults: PendingFault[];
}

export type { SandboxResources } from "./resources.ts";

/** The sandbox serves every port, the optional ones for cleanup and backup verification included. */
export type SandboxPorts = AccountPorts &
  Required<Pick<AccountPorts, "ecr" | "ec2" | "logs" | "backup" | "dynamodb">>;

/** An AWS account in this process, behind the same ports as the AWS adapters. */
export interface SandboxAccount {
  readonly account: string;
  readonly region: string;
  /** The ports the runbooks act through. */
  readonly ports: SandboxPorts;
  /** Every change made to the account (and every change that failed), oldest first. */
  readonly actions: readonly SandboxAction[];
  /**
   * The account's Slack: every message the control plane posted (its runs', alarm threads, approvals,
   * digests), with every update, and every ephemeral message and response-URL reply.
   */
  readonly slack: RecordingSlack;
  /**
   * The messages posted, as they read now.
   *
   * @deprecated Read `slack.messages`.
   */
  readonly notifications: readonly RecordedSlackMessage[];
  /** Notifications Slack refused (faults), oldest first: the runs they were about went on. */
  readonly notifierFailures: readonly SandboxNotifierFailure[];
  /** ECR, EC2, logs, AWS Backup, DynamoDB tables and budgets as they stand now (restore jobs included). */
  readonly resources: SandboxResources;
  readonly scenario: SandboxScenario;
  /** Makes the next matching port calls fail as AWS can. */
  injectFault(fault: SandboxFault): void;
  clearFaults(): void;
  snapshot(): SandboxSnapshot;
  /**
   * The events AWS would have put on the bus since the sandbox started (alarm state changes, deployment
   * state changes) that no earlier call returned, up to the clock's now, oldest first. What the seed
   * describes before the start is history and is not replayed.
   */
  drainEvents(): SandboxEvent[];
}

/**
 * Creates a sandbox account from a validated seed. Rollouts, alarms and metrics follow the injected
 * clock: advance it and `describeService` shows the rollout progressing.
 *
 * @example
 * const sandbox = createSandboxAccount({ seed: await loadSandboxFile("sandbox/default.yaml"), clock });
 * await sandbox.ports.ecs.updateServiceTaskDefinition("prod", "checkout-api", goodArn);
 * clock.advance(60_000);
 * (await sandbox.ports.ecs.describeService("prod", "checkout-api")).deployments[0]?.rolloutState; // "COMPLETED"
 */
export function createSandboxAccount(options: SandboxAccountOptions): SandboxAccount {
  const { seed, clock } = options;
  const now = () => clock.now().getTime();
  const start = now();
  const settleMs = options.deploymentSettleTime ?? seed.settings.deploymentSettleTime;
  const evaluationDelayMs = options.alarmEvaluationDelay ?? seed.settings.alarmEvaluationDelay;
  const restoreDurationMs = options.restoreDuration ?? seed.settings.restoreDuration;
  for (const [name, ms] of [
    ["deploymentSettleTime", settleMs],
    ["alarmEvaluationDelay", evaluationDelayMs],
    ["restoreDuration", restoreDurationMs],
  ] as const) {
    if (!(Number.isFinite(ms) && ms > 0)) {
      throw new ArchitechError("InvalidSandboxOption", `${name} must be a positive number of milliseconds`);
    }
  }

  const estate = buildEstate(seed, {
    start,
    settleMs,
    evaluationDelayMs,
    views: { serviceBadIntervals, aliasBadIntervals, servingTaskDefinitions },
  });

  const actions: SandboxAction[] = [];
  const notifierFailures: SandboxNotifierFailure[] = [];
  const faults = new FaultPlan();
  const emitted = new Set<string>();

  const log = (action: SandboxAction) => {
    actions.push(action);
    options.onAction?.(action);
  };
  const ctx: SandboxContext = {
    estate,
    now,
    read(call: Call) {
      const fault = faults.take(call.operation, call.target, call.resource);
      if (fault) throw fault;
    },
    mutate<T>(call: Call, change: (entry: ActionEntry) => T): T {
      const entry: ActionEntry = {};
      const base = { at: iso(now()), operation: call.operation, target: call.target, via: "ports" as const };
      try {
        const fault = faults.take(call.operation, call.target, call.resource);
        if (fault) throw fault;
        const result = change(entry);
        log({ ...base, ...entry });
        return result;
      } catch (error) {
        log({ ...base, ...(entry.before ? { before: entry.before } : {}), error: describeError(error) });
        throw error;
      }
    },
  };

  const slack = new RecordingSlack({
    clock,
    userGroups: options.slackUserGroups ?? seed.slack.userGroups,
    // Slack calls are subject to faults as AWS calls are: `slack.postMessage` fails like chat.postMessage.
    beforeCall: ({ operation, target }) =>
      ctx.read({ operation: `slack.${operation}`, target, resource: target.replace(":", " ") }),
    ...(options.onSlack ? { onActivity: options.onSlack } : {}),
  });
  const notifier = new SlackNotifier({
    slack,
    threads: options.slackThreads ?? createMemorySlackThreads(clock),
    clock,
    defaultChannel: options.slackDefaultChannel ?? "#architech",
    onError: (error, failure) => {
      const recorded: SandboxNotifierFailure = { ...failure, at: iso(now()), error: describeError(error) };
      notifierFailures.push(recorded);
      options.onNotifierError?.(recorded);
    },
  });

  const scenario = createScenario(estate, now, (entry) => log({ ...entry, at: iso(now()), via: "scenario" }));
  const resourcesNow = () => {
    settleRestoreJobs(estate.resources, estate.region, estate.account, now());
    return viewResources(estate.resources, now());
  };

  return {
    account: estate.account,
    region: estate.region,
    ports: {
      ecs: createSandboxEcs(ctx),
      lambda: createSandboxLambda(ctx),
      cloudwatch: createSandboxCloudWatch(ctx),
      notifier,
      ecr: createSandboxEcr(ctx),
      ec2: createSandboxEc2(ctx),
      logs: createSandboxLogs(ctx),
      backup: createSandboxBackup(ctx, { restoreDurationMs }),
      dynamodb: createSandboxDynamoDb(ctx),
    },
    actions,
    slack,
    get notifications() {
      return slack.messages;
    },
    notifierFailures,
    get resources() {
      return resourcesNow();
    },
    scenario,
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    snapshot: () => snapshotOf(estate, now(), restoreDurationMs, resourcesNow(), faults.pending()),
    drainEvents() {
      // Ids are deterministic, so a change made at the very instant of an earlier drain is still caught.
      const events = eventsBetween(estate, start, now()).filter((event) => !emitted.has(event.id));
      for (const event of events) emitted.add(event.id);
      return events;
    },
  };
}

function createScenario(
  estate: Estate,
  now: () => number,
  log: (entry: Omit<SandboxAction, "at" | "via">) => void,
): SandboxScenario {
  return {
    deployRelease(cluster, service, release) {
      const record = findService(estate, cluster, service);
      const before = describeServiceAt(estate, record, now()).taskDefinitionArn;
      let taskDefinition = findTaskDefinition(estate, before);
      if ("revision" in release) {
        taskDefinition = findTaskDefinition(estate, `${record.family}:${release.revision}`);
      } else {
        taskDefinition = registerRevision(
          estate,
          taskDefinition,
          {
            cpu: release.cpu ?? taskDefinition.cpu,
            memory: release.memory ?? taskDefinition.memory,
            image: release.image,
            healthy: release.healthy ?? true,
            ...(release.note === undefined ? {} : { note: release.note }),
          },
          now(),
        );
        log({
          operation: "scenario.registerTaskDefinition",
          target: `task-definition:${taskDefinition.family}`,
          after: {
            taskDefinitionArn: taskDefinition.arn,
            image: release.image,
            healthy: taskDefinition.healthy,
          },
        });
      }
      const deployment = deployTaskDefinition(record, taskDefinition, now());
      log({
        operation: "scenario.deployRelease",
        target: serviceTarget(cluster, service),
        before: { taskDefinitionArn: before },
        after: { taskDefinitionArn: taskDefinition.arn, deploymentId: deployment.id },
      });
      return { taskDefinitionArn: taskDefinition.arn, deploymentId: deployment.id };
    },

    publishVersion(functionName, options = {}) {
      const fn = findFunction(estate, functionName);
      const version = nextVersionNumber(fn);
      fn.versions.push({
        version,
        memorySize: options.memorySize ?? fn.memorySize,
        healthy: options.healthy ?? true,
        codeSha256: versionCodeSha256(fn, version),
        publishedAt: now(),
      });
      log({
        operation: "scenario.publishVersion",
        target: `lambda-function:${functionName}`,
        after: { version, healthy: options.healthy ?? true },
      });
      return { version };
    },

    moveAlias(functionName, alias, version) {
      const record = findAlias(estate, functionName, alias);
      const before = describeAlias(record).functionVersion;
      moveAlias(findFunction(estate, functionName), record, String(version), now());
      const after = describeAlias(record);
      log({
        operation: "scenario.moveAlias",
        target: aliasTarget(functionName, alias),
        before: { functionVersion: before },
        after: { functionVersion: after.functionVersion },
      });
      return after;
    },

    setAlarmState(name, state, reason) {
      const alarm = estate.alarms.get(name);
      if (alarm === undefined) throw new ResourceNotFoundError(`alarm ${name}`);
      const before = describeAlarmAt(estate, alarm, now()).state;
      alarm.forced.push({
        at: now(),
        state,
        reason: reason ?? (state === undefined ? "" : `State set to ${state} by hand`),
      });
      const after = describeAlarmAt(estate, alarm, now());
      log({
        operation: "scenario.setAlarmState",
        target: `alarm:${name}`,
        before: { state: before },
        after: { state: after.state },
      });
      return after;
    },
  };
}

function snapshotOf(
  estate: Estate,
  t: number,
  restoreDurationMs: number,
  resources: SandboxResources,
  pendingFaults: PendingFault[],
): SandboxSnapshot {
  const alarms = [...estate.alarms.values()];
  const alarmsOf = (match: (owner: (typeof alarms)[number]["owner"]) => boolean) =>
    alarms.filter((a) => match(a.owner)).map((a) => a.name);
  return {
    account: estate.account,
    region: estate.region,
    at: iso(t),
    settings: {
      deploymentSettleTimeMs: estate.settleMs,
      alarmEvaluationDelayMs: estate.evaluationDelayMs,
      restoreDurationMs,
    },
    ecs: {
      services: estate.services.map((service) => ({
        ...describeServiceAt(estate, service, t),
        tags: { ...service.tags },
        releases: [...estate.taskDefinitions.values()]
          .filter((td) => td.family === service.family)
          .sort((a, b) => a.revision - b.revision)
          .map((td) => ({
            taskDefinitionArn: td.arn,
            revision: td.revision,
            image: td.containers[0]?.image ?? "",
            cpu: td.cpu,
            memory: td.memory,
            healthy: td.healthy,
            ...(td.note === undefined ? {} : { note: td.note }),
          })),
        alarms: alarmsOf((owner) => owner.kind === "ecs-service" && owner.service === service),
      })),
    },
    lambda: {
      functions: [...estate.functions.values()].map((fn) => ({
        ...functionConfiguration(fn),
        runtime: fn.runtime,
        tags: { ...fn.tags },
        versions: fn.versions.map((v) => ({
          version: v.version,
          codeSha256: v.codeSha256,
          lastModified: iso(v.publishedAt),
          memorySize: v.memorySize,
          healthy: v.healthy,
        })),
        aliases: [...fn.aliases.values()].map((alias) => {
          const description = describeAlias(alias);
          return {
            ...description,
            healthy: [
              description.functionVersion,
              ...Object.keys(description.additionalVersionWeights ?? {}),
            ].every((v) => isVersionHealthy(fn, v)),
            alarms: alarmsOf((owner) => owner.kind === "lambda-alias" && owner.alias === alias),
          };
        }),
        alarms: alarmsOf((owner) => owner.kind === "lambda-function" && owner.fn === fn),
      })),
    },
    alarms: alarms.map((alarm) => describeAlarmAt(estate, alarm, t)),
    resources,
    pendingFaults,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
