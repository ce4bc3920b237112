import type { SlackRequest, SlackResponse } from "@architech/core";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { ConfigError } from "./config.ts";
import { type LambdaRuntime, lambdaRuntime } from "./runtime.ts";
import { forgetSecureParameters, readSecureParameter } from "./secure-parameter.ts";

/** The environment variable naming the SSM SecureString parameter that holds the Slack signing secret. */
export const SLACK_SIGNING_SECRET_PARAMETER = "SLACK_SIGNING_SECRET_PARAMETER";

/** One Slack endpoint: a verified-or-not request in, the answer out. */
export type SlackHandle = (
  request: SlackRequest,
  runtime: LambdaRuntime,
  context: Context,
) => Promise<SlackResponse>;

export type SlackFunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** What a Slack handler can be built from instead of the defaults; tests inject these. */
export interface SlackHandlerOptions {
  /** Default: the process's runtime ({@link lambdaRuntime}). */
  readonly runtime?: () => LambdaRuntime;
  /** The environment to read {@link SLACK_SIGNING_SECRET_PARAMETER} from. Default: the process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a client for the function's region, traced by the runtime's Tracer. */
  readonly ssm?: SSMClient;
  /** Wall-clock seconds since the epoch. Default: system time (Slack signs with real time). */
  readonly now?: () => number;
}

/**
 * Drops the signing secrets read so far: the next invocation reads them again. It forgets every secure
 * parameter ({@link forgetSecureParameters}), the bot token too.
 */
export function forgetSlackSigningSecrets(): void {
  forgetSecureParameters();
}

/**
 * The Slack signing secret, read once per cold start from the SSM SecureString parameter (decrypted) and
 * kept in memory; a read that fails is tried again by the next invocation. Never an environment variable.
 *
 * @example
 * const signingSecret = await slackSigningSecret(ssm, "/architech/prod/slack-signing-secret");
 */
export function slackSigningSecret(client: SSMClient, name: string): Promise<string> {
  return readSecureParameter(client, name, {
    variable: SLACK_SIGNING_SECRET_PARAMETER,
    holds: "signing secret",
  });
}

/** The raw body of a Function URL request, decoded when Lambda base64-encoded it. */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, "body" | "isBase64Encoded">): string {
  const body = event.body ?? "";
  return event.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
}

/** The request's headers, their names lower-cased (Function URLs already do; a proxy may not). */
export function lowerCaseHeaders(
  headers: APIGatewayProxyEventV2["headers"] | undefined,
): Record<string, string | undefined> {
  const lowered: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) lowered[name.toLowerCase()] = value;
  return lowered;
}

/**
 * Builds a Lambda Function URL handler around one Slack endpoint: the raw body (base64-decoded when need
 * be) and the lower-cased headers are handed to `handle` with the signing secret, read at cold start
 * from the parameter named by `SLACK_SIGNING_SECRET_PARAMETER`. The endpoint checks the signature. A
 * failure is logged and answers 500, which Slack shows as a failed command.
 *
 * @example
 * export const handler = slackFunctionUrlHandler((request, runtime) => handleSlackCommand(request, runtime.routerDeps));
 */
export function slackFunctionUrlHandler(
  handle: SlackHandle,
  options: SlackHandlerOptions = {},
): SlackFunctionUrlHandler {
  const runtimeOf = options.runtime ?? lambdaRuntime;
  const now = options.now ?? (() => Date.now() / 1000);
  let ssm = options.ssm;
  return async (event, context) => {
    const runtime = runtimeOf();
    const { logger } = runtime;
    logger.addContext(context);
    try {
      const name = (options.env ?? process.env)[SLACK_SIGNING_SECRET_PARAMETER];
      if (name === undefined || name.trim() === "") {
        throw new ConfigError([`${SLACK_SIGNING_SECRET_PARAMETER} is required`]);
      }
      ssm ??= runtime.tracer.captureAWSv3Client(new SSMClient({}));
      const signingSecret = await slackSigningSecret(ssm, name);
      const response = await handle(
        {
          rawBody: rawBodyOf(event),
          headers: lowerCaseHeaders(event.headers),
          signingSecret,
          now: now(),
          path: event.rawPath,
        },
        runtime,
        context,
      );
      if (response.status === 401)
        logger.warn("Slack request rejected: invalid signature", { path: event.rawPath });
      if (response.status === 403)
        logger.warn("Slack request denied by the access rules", { path: event.rawPath });
      return json(response.status, response.body);
    } catch (error) {
      logger.error("Slack request failed", { error: error as Error, path: event.rawPath });
      return json(500, { error: "internal error" });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
