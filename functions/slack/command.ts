import { slackFunctionUrlHandler } from "@architech/aws";
import { handleSlackCommand } from "@architech/core";

/**
 * Slack slash commands, through a Lambda Function URL: the request's signature is checked against the
 * signing secret (read from SSM at cold start), then the command is routed as a chat-command signal and
 * the reply tells the person who typed it what the policies did.
 */
export const handler = slackFunctionUrlHandler((request, runtime) =>
  handleSlackCommand(request, {
    ...runtime.routerDeps,
    onDeliveryError: (error) =>
      runtime.logger.error("Slack command could not be routed", { error: error as Error }),
  }),
);
