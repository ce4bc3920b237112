import type { Clock, Notifier, SlackPort } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createDynamoStore, type DynamoStore } from "../dynamodb/dynamo-store.ts";
import { readStepsConfig, type StepsConfig } from "./config.ts";
import { createLambdaNotifier } from "./notifier.ts";
import { systemClock } from "./router-deps.ts";

/** What a function that works on the store and tells people needs: built once per cold start. */
export interface StoreRuntime {
  /** The table, the Powertools settings, the bot token's parameter, the default channel. */
  readonly config: StepsConfig;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly clock: Clock;
  /** The function's DynamoDB client: the store's, and whatever else reads tables with it. */
  readonly dynamodb: DynamoDBClient;
  readonly store: DynamoStore;
  /** Slack when `SLACK_BOT_TOKEN_PARAMETER` names the bot token, the function's log otherwise. */
  readonly notifier: Notifier;
}

/** What the runtime can be built from instead of the defaults; tests inject clients, Slack and a clock. */
export interface StoreRuntimeOptions {
  /** The environment to read the configuration from. Default: the process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a client for the function's region, traced by the Tracer. */
  readonly dynamodb?: DynamoDBClient;
  /** Default: a client for the function's region, traced by the Tracer, built on first use. */
  readonly ssm?: SSMClient;
  /** Default: Slack from the environment (the bot token in SSM). */
  readonly slack?: SlackPort;
  readonly clock?: Clock;
}

/**
 * The runtime the steps functions and the ops alarm function share: the configuration
 * ({@link readStepsConfig}), the Powertools logger and tracer, the store, and the notifier with the store
 * as its Slack thread store. Throws `ConfigError` naming what is wrong.
 *
 * @example
 * const { store, notifier } = createStoreRuntime({ env: { TABLE_NAME: "architech" } });
 */
export function createStoreRuntime(options: StoreRuntimeOptions): StoreRuntime {
  const config = readStepsConfig(options.env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const tracer = new Tracer({ serviceName: config.serviceName });
  const clock = options.clock ?? systemClock;
  const dynamodb = options.dynamodb ?? tracer.captureAWSv3Client(new DynamoDBClient({}));
  const store = createDynamoStore({ client: dynamodb, tableName: config.tableName, clock });
  let ssm = options.ssm;
  const { notifier } = createLambdaNotifier({
    config,
    logger,
    threads: store,
    clock,
    ssm: () => {
      ssm ??= tracer.captureAWSv3Client(new SSMClient({}));
      return ssm;
    },
    ...(options.slack ? { slack: options.slack } : {}),
  });
  return { config, logger, tracer, clock, dynamodb, store, notifier };
}
