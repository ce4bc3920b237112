import {
  buildOpsAlarmNotice,
  type Clock,
  type Notifier,
  normalizeRecords,
  type SlackPort,
} from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SSMClient } from "@aws-sdk/client-ssm";
import middy from "@middy/core";
import type { Context, SNSEvent } from "aws-lambda";
import { createDynamoStore } from "../dynamodb/dynamo-store.ts";
import { readStepsConfig, type StepsConfig } from "./config.ts";
import { createLambdaNotifier } from "./notifier.ts";
import { systemClock } from "./router-deps.ts";

/** What the ops alarm function of one execution environment shares: built once per cold start. */
export interface OpsAlarmRuntime {
  /** The table (Slack threads), the Powertools settings, the bot token's parameter, the default channel. */
  readonly config: StepsConfig;
  readonly logger: Logger;
  readonly tracer: Tracer;
  /** Slack when `SLACK_BOT_TOKEN_PARAMETER` names the bot token, the function's log otherwise. */
  readonly notifier: Notifier;
}

/** What the runtime can be built from instead of the defaults; tests inject clients and Slack here. */
export interface OpsAlarmRuntimeOptions {
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

/** What one invocation did with its records. */
export interface OpsAlarmHandlerResult {
  /** Alarm state changes handed to the notifier. */
  readonly notified: number;
  /** Records that were not a CloudWatch alarm notification (logged as warnings). */
  readonly ignored: number;
}

/**
 * Builds the ops alarm function's runtime: the configuration the step functions read too (`TABLE_NAME`,
 * `POWERTOOLS_*`, `SLACK_BOT_TOKEN_PARAMETER`, `SLACK_DEFAULT_CHANNEL`), the Powertools logger and tracer,
 * and the notifier, with the store as its Slack thread store. Throws `ConfigError` naming what is wrong.
 *
 * @example
 * const runtime = createOpsAlarmRuntime({ env: { TABLE_NAME: "architech", SLACK_DEFAULT_CHANNEL: "#ops" }, slack });
 */
export function createOpsAlarmRuntime(options: OpsAlarmRuntimeOptions = {}): OpsAlarmRuntime {
  const config = readStepsConfig(options.env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const tracer = new Tracer({ serviceName: config.serviceName });
  const clock = options.clock ?? systemClock;
  const store = createDynamoStore({
    client: options.dynamodb ?? tracer.captureAWSv3Client(new DynamoDBClient({})),
    tableName: config.tableName,
    clock,
  });
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
  return { config, logger, tracer, notifier };
}

let options: OpsAlarmRuntimeOptions = {};
let current: OpsAlarmRuntime | undefined;

/**
 * Sets what this process's ops alarm runtime is built from, and drops the one already built (tests).
 *
 * @example
 * configureOpsAlarmRuntime({ env: { TABLE_NAME: "architech" }, slack: recordingSlack });
 */
export function configureOpsAlarmRuntime(next: OpsAlarmRuntimeOptions): void {
  options = next;
  current = undefined;
}

/** The ops alarm runtime of this execution environment, built by the first invocation of a cold start. */
export function opsAlarmRuntime(): OpsAlarmRuntime {
  current ??= createOpsAlarmRuntime(options);
  return current;
}

/**
 * The Lambda handler on the Ops topic: each CloudWatch alarm state change that the control plane's own
 * alarms publish there is posted to the default Slack channel (ALARM as a failure, OK as info, with a link
 * to the alarm in the console). A record that is not an alarm notification is logged and skipped: a retry
 * would not make it one. A Slack delivery that fails is logged by the notifier, never thrown, as for runs.
 *
 * @example
 * export const handler = opsAlarmHandler();
 */
export function opsAlarmHandler(
  runtime: () => OpsAlarmRuntime = opsAlarmRuntime,
): (event: SNSEvent, context: Context) => Promise<OpsAlarmHandlerResult> {
  let built:
    | {
        runtime: OpsAlarmRuntime;
        handler: (event: SNSEvent, context: Context) => Promise<OpsAlarmHandlerResult>;
      }
    | undefined;
  return async (event, context) => {
    const rt = runtime();
    if (built?.runtime !== rt) {
      const handler = middy(async (records: SNSEvent) => notifyAlarms(records, rt))
        .use(captureLambdaHandler(rt.tracer))
        .use(injectLambdaContext(rt.logger, { resetKeys: true }));
      built = { runtime: rt, handler };
    }
    return built.handler(event, context);
  };
}

async function notifyAlarms(event: SNSEvent, runtime: OpsAlarmRuntime): Promise<OpsAlarmHandlerResult> {
  const { config, logger, notifier } = runtime;
  let notified = 0;
  let ignored = 0;
  for (const result of normalizeRecords(event)) {
    if (!result.ok || result.signal.type !== "alarm") {
      ignored += 1;
      logger.warn("not a CloudWatch alarm notification; ignored", {
        ...(result.ok ? { signalType: result.signal.type } : { error: result.error }),
      });
      continue;
    }
    const alarm = result.signal;
    logger.info("operational alarm changed state", {
      alarm: alarm.alarmName,
      from: alarm.previousState,
      to: alarm.state,
    });
    await notifier.notify(buildOpsAlarmNotice(alarm, config.slackDefaultChannel));
    notified += 1;
  }
  return { notified, ignored };
}
