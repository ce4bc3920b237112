import { randomFillSync } from "node:crypto";
import {
  type Clock,
  createSortableId,
  type IdSource,
  loadPolicyDirectory,
  type Notifier,
  type Policy,
  PolicyIndex,
  type RouterDeps,
  SORTABLE_ID_RANDOM_BYTES,
} from "@architech/core";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SFNClient } from "@aws-sdk/client-sfn";
import { createDynamoStore, type DynamoStore } from "../dynamodb/dynamo-store.ts";
import { SfnWorkflowStarter } from "../sfn/workflow-starter.ts";
import { ConfigError, type LambdaConfig } from "./config.ts";

/** Options of {@link createRouterDeps}. */
export interface RouterDepsOptions {
  readonly config: Pick<LambdaConfig, "tableName" | "stateMachineArns" | "policiesDir" | "account">;
  readonly dynamodb: DynamoDBClient;
  readonly sfn: SFNClient;
  /** Default: {@link systemClock}. */
  readonly clock?: Clock;
  /** Default: {@link sortableRunIds} on the clock. */
  readonly ids?: IdSource;
  /** Where the router announces runs it starts and circuit breakers it trips. Default: none. */
  readonly notifier?: (store: DynamoStore) => Notifier;
}

/** The time of the machine. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Run ids that sort by creation time (26 characters of Crockford base32: 48 bits of milliseconds, then
 * 80 random bits), so listings of runs read in the order they were decided.
 *
 * @example
 * sortableRunIds(systemClock).newRunId(); // "01JNQ3V8Z4K2M6P0R8T1W3Y5A7"
 */
export function sortableRunIds(
  clock: Clock,
  random: (bytes: Uint8Array) => void = (bytes) => void randomFillSync(bytes),
): IdSource {
  return {
    newRunId: () => {
      const bytes = new Uint8Array(SORTABLE_ID_RANDOM_BYTES);
      random(bytes);
      return createSortableId(clock.now(), bytes);
    },
  };
}

/**
 * Everything the router needs, on AWS: the DynamoDB store, Step Functions as the workflow starter, the
 * policies read from `config.policiesDir`. Meant to run once per cold start.
 *
 * Throws {@link ConfigError} when the policies do not load — a directory that cannot be read, a policy
 * with problems (each listed with file and line) — or when an enabled policy runs a runbook that has no
 * state machine: a half-loaded policy set must not route.
 *
 * @example
 * const deps = createRouterDeps({ config: readLambdaConfig(), dynamodb: new DynamoDBClient({}), sfn: new SFNClient({}) });
 * await routeEvent(event, deps);
 */
export function createRouterDeps(options: RouterDepsOptions): RouterDeps {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const policies = loadPolicies(config);
  const store = createDynamoStore({ client: options.dynamodb, tableName: config.tableName, clock });
  return {
    store,
    ...(options.notifier ? { notifier: options.notifier(store) } : {}),
    ...(config.account ? { account: config.account } : {}),
    workflows: new SfnWorkflowStarter({
      client: options.sfn,
      stateMachineArns: config.stateMachineArns,
      clock,
    }),
    clock,
    ids: options.ids ?? sortableRunIds(clock),
    policies: new PolicyIndex(policies),
  };
}

function loadPolicies(config: RouterDepsOptions["config"]): Policy[] {
  let loaded: ReturnType<typeof loadPolicyDirectory>;
  try {
    loaded = loadPolicyDirectory(config.policiesDir, config.policiesDir);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError([`POLICIES_DIR: cannot read the policies in ${config.policiesDir}: ${reason}`], {
      cause,
    });
  }
  if (loaded.problems.length > 0) {
    throw new ConfigError(
      loaded.problems.map(
        (p) => `POLICIES_DIR: ${p.file}:${p.line}:${p.column}${p.path ? ` ${p.path}` : ""}: ${p.message}`,
      ),
    );
  }
  const arns: Readonly<Record<string, string | undefined>> = config.stateMachineArns;
  const unstartable = loaded.policies.filter(
    ({ policy }) => policy.enabled && arns[policy.runbook] === undefined,
  );
  if (unstartable.length > 0) {
    throw new ConfigError(
      unstartable.map(
        ({ policy, file }) =>
          `STATE_MACHINE_ARNS: no state machine for runbook ${policy.runbook}, which policy ${policy.name} (${file}) runs`,
      ),
    );
  }
  return loaded.policies.map(({ policy }) => policy);
}
