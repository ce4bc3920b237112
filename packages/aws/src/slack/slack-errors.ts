import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebAPIRequestError,
} from "@slack/web-api";
import { describeSdkError, isPortError, type PortError } from "../errors.ts";
import { SLACK_BOT_TOKEN_PARAMETER } from "../lambda/config.ts";

// Slack's own words for "try again later" (its method pages list them among the common errors).
const TRANSIENT_CODES = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
  "rate_limited",
]);

const TOKEN_CODES = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
]);

const FIX_TOKEN = `check the bot token (on AWS, the SSM parameter named by ${SLACK_BOT_TOKEN_PARAMETER} must hold the Slack app's current bot token, xoxb-…)`;

/** What a Slack call was: the method and what it was about, as people read it. */
export interface SlackCall {
  /** The Web API method (`chat.postMessage`). */
  method: string;
  /** What it was about (`channel #deployments`, `user group S0614TZR7`). */
  subject: string;
}

/**
 * Maps what a `@slack/web-api` call threw onto the port errors, so that the workflows' `Retry`/`Catch`
 * clauses and the notifier see one vocabulary. Messages say what to fix.
 *
 * - `TransientPortError`: a rejected rate-limited call (`slack_webapi_rate_limited_error`, HTTP 429 with
 *   `Retry-After`), HTTP 429 and 5xx, network errors and timeouts, and Slack's `internal_error`,
 *   `fatal_error`, `service_unavailable`, `request_timeout`, `ratelimited`;
 * - `ResourceNotFoundError`: `message_not_found`, `no_such_subteam`;
 * - `PortRequestError`: `not_in_channel`, `channel_not_found`, `is_archived`, `invalid_auth` and the
 *   other token errors, `missing_scope`, and anything else.
 *
 * The Slack error stays reachable as `cause` ({@link slackErrorCode} reads its code).
 *
 * @example
 * try { await client.chat.postMessage(args); }
 * catch (error) { throw toSlackPortError(error, { method: "chat.postMessage", subject: `channel ${args.channel}` }); }
 */
export function toSlackPortError(error: unknown, call: SlackCall): PortError {
  if (isPortError(error)) return error;
  const what = `${call.method} on ${call.subject}`;
  const options = { cause: error };
  switch (slackErrorKind(error)) {
    case ErrorCode.RateLimitedError: {
      const seconds = (error as WebAPIRateLimitedError).retryAfter;
      return new TransientPortError(`${what} was rate-limited by Slack: retry after ${seconds} s`, options);
    }
    case ErrorCode.HTTPError: {
      const { statusCode, statusMessage } = error as WebAPIHTTPError;
      const text = `${what}: Slack answered HTTP ${statusCode} ${statusMessage}`.trimEnd();
      return statusCode === 429 || statusCode >= 500
        ? new TransientPortError(`${text}; a retry may succeed`, options)
        : new PortRequestError(text, options);
    }
    case ErrorCode.RequestError: {
      const original = (error as WebAPIRequestError).original;
      return new TransientPortError(
        `${what} did not reach Slack, a retry may succeed: ${describeSdkError(original)}`,
        options,
      );
    }
    case ErrorCode.PlatformError:
      return platformError((error as WebAPIPlatformError).data, what, call, options);
    default:
      return new PortRequestError(`${what} failed: ${describeSdkError(error)}`, options);
  }
}

/**
 * The error code Slack answered with (`not_in_channel`, `message_not_found`…) when `error` is, or was
 * caused by, a Slack platform error; otherwise undefined.
 *
 * @example
 * catch (error) { if (slackErrorCode(error) === "message_not_found") await slack.postMessage(message); }
 */
export function slackErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (slackErrorKind(current) === ErrorCode.PlatformError) {
      const code = (current as WebAPIPlatformError).data?.error;
      return typeof code === "string" ? code : undefined;
    }
    current = current.cause;
  }
  return undefined;
}

/** The `@slack/web-api` error code of `error` (`slack_webapi_platform_error`…), or undefined. */
function slackErrorKind(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("slack_webapi_") ? code : undefined;
}

function platformError(
  data: WebAPIPlatformError["data"] & { needed?: unknown; provided?: unknown },
  what: string,
  call: SlackCall,
  options: { cause: unknown },
): PortError {
  const code = typeof data?.error === "string" ? data.error : "unknown_error";
  if (TRANSIENT_CODES.has(code)) {
    return new TransientPortError(`${what} failed for now (${code}), a retry may succeed`, options);
  }
  if (TOKEN_CODES.has(code)) {
    return new PortRequestError(
      `${what}: Slack did not accept the bot token (${code}): ${FIX_TOKEN}`,
      options,
    );
  }
  switch (code) {
    case "not_in_channel":
      return new PortRequestError(
        `${what}: the Slack app is not a member of that channel (not_in_channel): invite it there (\`/invite @<app>\`) or send the policy's messages to a channel it is in`,
        options,
      );
    case "channel_not_found":
      return new PortRequestError(
        `${what}: Slack knows no such channel, or the app cannot see it (channel_not_found): check the channel in the policy's notify.slack, and invite the app to it if it is private`,
        options,
      );
    case "is_archived":
      return new PortRequestError(
        `${what}: the channel is archived (is_archived): unarchive it or send the policy's messages to another channel`,
        options,
      );
    case "missing_scope":
      return new PortRequestError(
        `${what}: the bot token lacks the scope ${String(data.needed ?? "the method needs")} (missing_scope): add it under the Slack app's OAuth & Permissions and reinstall the app`,
        options,
      );
    case "message_not_found":
    case "no_such_subteam":
      return new ResourceNotFoundError(`Slack ${call.subject}`, options);
    default:
      return new PortRequestError(`${what} was refused by Slack: ${code}`, options);
  }
}
