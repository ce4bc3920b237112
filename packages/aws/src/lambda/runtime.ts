import type { Clock, IdSource, RouterDeps, SlackPort } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import { type LambdaConfig, readLambdaConfig } from "./config.ts";
import { createLambdaNotifier } from "./notifier.ts";
import { createRouterDeps, systemClock } from "./router-deps.ts";

/** What the handlers of one execution environment share: built once per cold start. */
export interface LambdaRuntime {
  readonly config: LambdaConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  readonly routerDeps: RouterDeps;
  /** Slack, when `SLACK_BOT_TOKEN_PARAMETER` names the bot token; the router's notifier posts through it. */
  readonly slack: SlackPort | undefined;
  /** The SSM client secrets are read with (built on first use). */
  readonly ssm: () => SSMClient;
}

/** What a runtime can be built from instead of the defaults; tests inject clients and a clock here. */
export interface LambdaRuntimeOptions {
  /** The environment to read the configuration from. Default: the process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a client for the function's region, traced by the Tracer. */
  readonly dynamodb?: DynamoDBClient;
  /** Default: a client for the function's region, traced by the Tracer. */
  readonly sfn?: SFNClient;
  /** Default: a client for the function's region, traced by the Tracer, built on first use. */
  readonly ssm?: SSMClient;
  /** Default: Slack from the environment (the bot token in SSM); tests inject one. */
  readonly slack?: SlackPort;
  readonly clock?: Clock;
  readonly ids?: IdSource;
}

/**
 * Builds a runtime: reads and validates the configuration, creates the Powertools logger, metrics and
 * tracer for the configured service, the AWS clients (unless given), and the router's dependencies with
 * the policies loaded. Throws `ConfigError` naming what is wrong.
 *
 * @example
 * const runtime = createLambdaRuntime({ dynamodb: embedded.client, env: { TABLE_NAME: "architech", STATE_MACHINE_ARNS: "{}" } });
 */
export function createLambdaRuntime(options: LambdaRuntimeOptions = {}): LambdaRuntime {
  const config = readLambdaConfig(options.env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics = new Metrics({ serviceName: config.serviceName, namespace: config.metricsNamespace });
  const tracer = new Tracer({ serviceName: config.serviceName });
  let ssmClient = options.ssm;
  const ssm = () => {
    ssmClient ??= tracer.captureAWSv3Client(new SSMClient({}));
    return ssmClient;
  };
  let slack: SlackPort | undefined;
  const routerDeps = createRouterDeps({
    config,
    dynamodb: options.dynamodb ?? tracer.captureAWSv3Client(new DynamoDBClient({})),
    sfn: options.sfn ?? tracer.captureAWSv3Client(new SFNClient({})),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ids ? { ids: options.ids } : {}),
    notifier: (store) => {
      const built = createLambdaNotifier({
        config,
        logger,
        threads: store,
        clock: options.clock ?? systemClock,
        ssm,
        ...(options.slack ? { slack: options.slack } : {}),
      });
      slack = built.slack;
      return built.notifier;
    },
  });
  logger.info("router configured", {
    policies: routerDeps.policies.policies.map((policy) => policy.name),
    stateMachines: config.stateMachineArns,
    table: config.tableName,
  });
  return { config, logger, metrics, tracer, routerDeps, slack, ssm };
}

let options: LambdaRuntimeOptions = {};
let current: LambdaRuntime | undefined;

/**
 * Sets what this process's runtime is built from, and drops the one already built. For tests and for
 * hosting the handlers outside Lambda; call it before the first invocation.
 *
 * @example
 * configureLambdaRuntime({ env: { TABLE_NAME: db.tableName, STATE_MACHINE_ARNS: arns, POLICIES_DIR: dir }, dynamodb: db.client });
 */
export function configureLambdaRuntime(next: LambdaRuntimeOptions): void {
  options = next;
  current = undefined;
}

/**
 * The runtime of this execution environment, built by the first invocation of a cold start and shared by
 * every later one. A build that throws is tried again by the next invocation.
 */
export function lambdaRuntime(): LambdaRuntime {
  current ??= createLambdaRuntime(options);
  return current;
}
