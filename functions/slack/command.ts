import { slackCommandHandler } from "@architech/aws";

/**
 * Slack slash commands, through a Lambda Function URL: the signature is checked against the signing
 * secret (SSM, read at cold start), the access rules of config/slack.yaml apply, and a runbook command is
 * acknowledged at once, then routed by this function invoked again asynchronously, which answers through
 * the command's response URL.
 */
export const handler = slackCommandHandler();
