import {
  type Clock,
  type Notifier,
  SlackNotifier,
  type SlackPort,
  type SlackThreadStore,
} from "@architech/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { slackFromEnvironment } from "../slack/slack-from-environment.ts";
import type { LambdaConfig } from "./config.ts";
import { LogNotifier } from "./log-notifier.ts";

/** Options of {@link createLambdaNotifier}. */
export interface LambdaNotifierOptions {
  readonly config: Pick<LambdaConfig, "slackBotTokenParameter" | "slackDefaultChannel">;
  readonly logger: Logger;
  /** Which Slack message is whose: the store. */
  readonly threads: SlackThreadStore;
  readonly clock: Clock;
  /** The client the bot token is read with, built only if Slack is used. */
  readonly ssm: () => SSMClient;
  /** Default: from the environment ({@link slackFromEnvironment}); tests inject one. */
  readonly slack?: SlackPort;
}

/**
 * A Lambda's notifier and Slack port: Slack with the bot token from SSM when `SLACK_BOT_TOKEN_PARAMETER`
 * is set (a delivery Slack refuses is logged as a warning, never thrown: a run must not fail because
 * Slack did), the function's log otherwise.
 *
 * @example
 * const { notifier, slack } = createLambdaNotifier({ config, logger, threads: store, clock, ssm: () => new SSMClient({}) });
 */
export function createLambdaNotifier(options: LambdaNotifierOptions): {
  notifier: Notifier;
  slack: SlackPort | undefined;
} {
  const { config, logger } = options;
  const slack = options.slack ?? slackFromEnvironment({ config, ssm: options.ssm });
  if (slack === undefined) return { notifier: new LogNotifier(logger), slack: undefined };
  const notifier = new SlackNotifier({
    slack,
    threads: options.threads,
    clock: options.clock,
    defaultChannel: config.slackDefaultChannel,
    onError: (error, failure) =>
      logger.warn("Slack delivery failed; the run carries on", { error: error as Error, failure }),
  });
  return { notifier, slack };
}
