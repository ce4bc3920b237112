import { buildOpsAlarmNotice, normalizeRecords } from "@architech/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context, SNSEvent } from "aws-lambda";
import { builtOncePer } from "./built-once.ts";
import { createStoreRuntime, type StoreRuntime, type StoreRuntimeOptions } from "./store-runtime.ts";

/** What the ops alarm function of one execution environment shares: built once per cold start. */
export type OpsAlarmRuntime = Pick<StoreRuntime, "config" | "logger" | "tracer" | "notifier">;

/** What the runtime can be built from instead of the defaults; tests inject clients and Slack here. */
export type OpsAlarmRuntimeOptions = StoreRuntimeOptions;

/** What one invocation did with its records. */
export interface OpsAlarmHandlerResult {
  /** Alarm state changes handed to the notifier. */
  readonly notified: number;
  /** Records that were not a CloudWatch alarm notification (logged as warnings). */
  readonly ignored: number;
}

/**
 * Builds the ops alarm function's runtime ({@link createStoreRuntime}: the store is the notifier's Slack
 * thread store). Throws `ConfigError` naming what is wrong.
 *
 * @example
 * const runtime = createOpsAlarmRuntime({ env: { TABLE_NAME: "architech", SLACK_DEFAULT_CHANNEL: "#ops" }, slack });
 */
export function createOpsAlarmRuntime(options: OpsAlarmRuntimeOptions = {}): OpsAlarmRuntime {
  return createStoreRuntime(options);
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
  const handlerFor = builtOncePer((rt: OpsAlarmRuntime) =>
    middy(async (records: SNSEvent) => notifyAlarms(records, rt))
      .use(captureLambdaHandler(rt.tracer))
      .use(injectLambdaContext(rt.logger, { resetKeys: true })),
  );
  return async (event, context) => handlerFor(runtime())(event, context);
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
