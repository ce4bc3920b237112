import type {
  SlackMessage,
  SlackMessageRef,
  SlackPort,
  SlackPostInput,
  SlackResponseUrlMessage,
} from "@architech/core";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { toPortError } from "../errors.ts";
import { ConfigError, type LambdaConfig, SLACK_BOT_TOKEN_PARAMETER } from "../lambda/config.ts";
import { readSecureParameter } from "../lambda/secure-parameter.ts";
import { createSlackWebClient, WebApiSlack } from "./web-api-slack.ts";

/** Options of {@link slackFromEnvironment}. */
export interface SlackFromEnvironmentOptions {
  /** The configuration read at cold start ({@link LambdaConfig} or the steps' one). */
  readonly config: Pick<LambdaConfig, "slackBotTokenParameter">;
  /** The client the token is read with; a function, so that it is built only if Slack is used. */
  readonly ssm: SSMClient | (() => SSMClient);
  /** Builds the port from the token. Default: a {@link WebApiSlack} on {@link createSlackWebClient}. */
  readonly create?: (token: string) => SlackPort;
}

// Bot tokens start `xoxb-`; user and other tokens `xoxp-`, `xoxe-`… A signing secret (hex) does not.
const SLACK_TOKEN = /^xox[a-z]-\S+$/;

/**
 * The Slack port of a Lambda, or `undefined` when `SLACK_BOT_TOKEN_PARAMETER` is not set: then nothing
 * is posted, and the caller notifies through the log instead ({@link LogNotifier}).
 *
 * The port is built now but the bot token is read on first use, from the SSM SecureString parameter
 * the variable names (decrypted, kept for the life of the execution environment; a failed read is tried
 * again by the next call). A missing or malformed token fails that call with a `ConfigError`; SSM
 * throttling with a `TransientPortError`.
 *
 * @example
 * const slack = slackFromEnvironment({ config, ssm: () => tracer.captureAWSv3Client(new SSMClient({})) });
 * if (slack) await slack.postMessage({ channel: "#deployments", text: "Rolling back checkout-api" });
 * else await new LogNotifier(logger).notify({ channel: "#deployments", text: "Rolling back checkout-api", severity: "info" });
 */
export function slackFromEnvironment(options: SlackFromEnvironmentOptions): SlackPort | undefined {
  const name = options.config.slackBotTokenParameter;
  if (name === undefined) return undefined;
  const create =
    options.create ?? ((token: string) => new WebApiSlack({ client: createSlackWebClient(token) }));
  let ssm = typeof options.ssm === "function" ? undefined : options.ssm;
  let built: { token: string; port: SlackPort } | undefined;

  const port = async (): Promise<SlackPort> => {
    ssm ??= (options.ssm as () => SSMClient)();
    let token: string;
    try {
      token = await readSecureParameter(ssm, name, {
        variable: SLACK_BOT_TOKEN_PARAMETER,
        holds: "Slack bot token",
        check: (value) =>
          SLACK_TOKEN.test(value.trim()) ? undefined : "does not hold a Slack bot token (xoxb-…)",
      });
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw toPortError(error, `SSM parameter ${name}`, { action: "GetParameter" });
    }
    // A token read anew (after forgetSecureParameters, say) gets a client of its own.
    if (built?.token !== token) built = { token, port: create(token.trim()) };
    return built.port;
  };

  return {
    postMessage: async (input: SlackPostInput) => (await port()).postMessage(input),
    updateMessage: async (input: SlackMessage & SlackMessageRef) => (await port()).updateMessage(input),
    deleteMessage: async (ref: SlackMessageRef) => (await port()).deleteMessage(ref),
    postEphemeral: async (input: SlackMessage & { channel: string; user: string }) =>
      (await port()).postEphemeral(input),
    respond: async (responseUrl: string, message: SlackResponseUrlMessage) =>
      (await port()).respond(responseUrl, message),
    userGroupMembers: async (groupId: string) => (await port()).userGroupMembers(groupId),
  };
}
