import {
  type Clock,
  PortRequestError,
  type SlackBlock,
  type SlackMessage,
  type SlackMessageRef,
  type SlackPort,
  type SlackPostInput,
  type SlackResponseUrlMessage,
  TransientPortError,
} from "@architech/core";
import {
  type Block,
  ErrorCode,
  type FetchFunction,
  type KnownBlock,
  type Logger,
  LogLevel,
  type RetryOptions,
  type WebAPIRateLimitedError,
  WebClient,
} from "@slack/web-api";
import { describeSdkError } from "../errors.ts";
import { toSlackPortError } from "./slack-errors.ts";

/** Where every response URL lives; anything else is refused (the URL comes from a request body). */
export const SLACK_RESPONSE_URL_ORIGIN = "https://hooks.slack.com";

/**
 * The Web API retries a Lambda can afford: two more attempts, 100–500 ms apart, for network errors,
 * timeouts and HTTP errors (Slack's platform errors, `ok: false`, are never retried). The client's
 * default (ten retries over about thirty minutes) outlives any function.
 */
export const LAMBDA_SLACK_RETRY_POLICY: Readonly<RetryOptions> = {
  retries: 2,
  factor: 2,
  minTimeout: 100,
  maxTimeout: 500,
  randomize: true,
};

/** Options of {@link createSlackWebClient}. */
export interface SlackWebClientOptions {
  /** Default `https://slack.com/api/`; tests point it to a local server. */
  readonly slackApiUrl?: string;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Default: the client's console logger at `warn`. */
  readonly logger?: Logger;
  /** Per attempt, in milliseconds. Default 3,000. */
  readonly timeoutMs?: number;
  /** Default {@link LAMBDA_SLACK_RETRY_POLICY}. */
  readonly retryConfig?: RetryOptions;
}

/**
 * A `@slack/web-api` client for a Lambda: few short retries, a timeout per attempt, and rate limits
 * surfaced (`rejectRateLimitedCalls`) instead of slept through, so that {@link WebApiSlack} decides how
 * long a function may wait. Create it once per cold start.
 *
 * @example
 * const client = createSlackWebClient(token);
 * const slack = new WebApiSlack({ client });
 */
export function createSlackWebClient(token: string, options: SlackWebClientOptions = {}): WebClient {
  return new WebClient(token, {
    retryConfig: { ...(options.retryConfig ?? LAMBDA_SLACK_RETRY_POLICY) },
    timeout: options.timeoutMs ?? 3_000,
    rejectRateLimitedCalls: true,
    // Method names are fixed here, never URLs: the token is only ever sent to the API.
    allowAbsoluteUrls: false,
    ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.logger === undefined ? { logLevel: LogLevel.WARN } : { logger: options.logger }),
  });
}

/** Options of {@link WebApiSlack}. */
export interface WebApiSlackOptions {
  /** The Web API client with the bot token; {@link createSlackWebClient} builds one for a Lambda. */
  readonly client: WebClient;
  /** Posts to response URLs. Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** For the user group cache. Default: system time. */
  readonly clock?: Clock;
  /** How long a user group's members are kept. Default 5 minutes. */
  readonly userGroupCacheMs?: number;
  /**
   * A rate-limited call is tried again after Slack's `Retry-After` when that is at most `maxWaitMs`
   * (default 3,000), at most `retries` times (default 2); otherwise it fails as a `TransientPortError`
   * at once, and the caller (a workflow's `Retry`) waits instead of the function.
   */
  readonly rateLimit?: { readonly retries?: number; readonly maxWaitMs?: number };
  /** Default: a timer. Tests pass one that records the waits. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a response URL POST may take, in milliseconds. Default 5,000. */
  readonly responseTimeoutMs?: number;
}

interface CachedGroup {
  readonly members: Promise<readonly string[]>;
  readonly expiresAt: number;
}

/**
 * {@link SlackPort} on Slack's Web API (`@slack/web-api`) with the bot token, and on response URLs.
 * Errors are port errors ({@link toSlackPortError}): rate limits and Slack outages are
 * `TransientPortError`, a missing invitation or a bad token a `PortRequestError` saying what to fix.
 *
 * @example
 * const slack = new WebApiSlack({ client: createSlackWebClient(token) });
 * const ref = await slack.postMessage({ channel: "#deployments", text: "Rolling back checkout-api", blocks });
 * await slack.updateMessage({ ...ref, text: "Rolled back checkout-api to :41", blocks: finished });
 */
export class WebApiSlack implements SlackPort {
  readonly #client: WebClient;
  readonly #fetch: typeof globalThis.fetch;
  readonly #clock: Clock;
  readonly #userGroupCacheMs: number;
  readonly #rateLimitRetries: number;
  readonly #maxRateLimitWaitMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #responseTimeoutMs: number;
  readonly #groups = new Map<string, CachedGroup>();

  constructor(options: WebApiSlackOptions) {
    this.#client = options.client;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#userGroupCacheMs = options.userGroupCacheMs ?? 300_000;
    this.#rateLimitRetries = options.rateLimit?.retries ?? 2;
    this.#maxRateLimitWaitMs = options.rateLimit?.maxWaitMs ?? 3_000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 5_000;
  }

  async postMessage(input: SlackPostInput): Promise<SlackMessageRef> {
    const subject = `channel ${input.channel}`;
    const answer = await this.#call("chat.postMessage", subject, () =>
      this.#client.chat.postMessage({
        channel: input.channel,
        text: input.text,
        ...blocksOf(input.blocks),
        ...threadOf(input),
        // Links to consoles and runbooks would otherwise grow previews that bury the message.
        unfurl_links: false,
      }),
    );
    if (typeof answer.channel !== "string" || typeof answer.ts !== "string") {
      throw new PortRequestError(`chat.postMessage on ${subject}: Slack answered without a channel and ts`);
    }
    return { channel: answer.channel, ts: answer.ts };
  }

  async updateMessage(input: SlackMessage & SlackMessageRef): Promise<void> {
    await this.#call("chat.update", `message ${input.ts} in channel ${input.channel}`, () =>
      this.#client.chat.update({
        channel: input.channel,
        ts: input.ts,
        text: input.text,
        ...blocksOf(input.blocks),
      }),
    );
  }

  async deleteMessage(ref: SlackMessageRef): Promise<void> {
    await this.#call("chat.delete", `message ${ref.ts} in channel ${ref.channel}`, () =>
      this.#client.chat.delete({ channel: ref.channel, ts: ref.ts }),
    );
  }

  async postEphemeral(input: SlackMessage & { channel: string; user: string }): Promise<void> {
    await this.#call("chat.postEphemeral", `user ${input.user} in channel ${input.channel}`, () =>
      this.#client.chat.postEphemeral({
        channel: input.channel,
        user: input.user,
        text: input.text,
        ...blocksOf(input.blocks),
      }),
    );
  }

  async respond(responseUrl: string, message: SlackResponseUrlMessage): Promise<void> {
    const url = checkResponseUrl(responseUrl);
    const body = {
      response_type: message.responseType ?? "ephemeral",
      replace_original: message.replaceOriginal ?? false,
      text: message.text,
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    };
    // The URL's path is a credential of sorts (anyone holding it may post): messages name only its host.
    const what = `response_url POST to ${SLACK_RESPONSE_URL_ORIGIN}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(body),
        // A redirect would carry the message to wherever it points.
        redirect: "error",
        signal: AbortSignal.timeout(this.#responseTimeoutMs),
      });
    } catch (error) {
      throw new TransientPortError(
        `${what} did not reach Slack, a retry may succeed: ${describeSdkError(error)}`,
        {
          cause: error,
        },
      );
    }
    if (response.ok) return;
    const answer = (await response.text().catch(() => "")).trim().slice(0, 200);
    const text = `${what}: Slack answered HTTP ${response.status}${answer === "" ? "" : ` ${answer}`}`;
    if (response.status === 429 || response.status >= 500) {
      throw new TransientPortError(`${text}; a retry may succeed`);
    }
    // expired_url, used_url (5 uses within 30 minutes), no_text, invalid_blocks…
    throw new PortRequestError(text);
  }

  async userGroupMembers(groupId: string): Promise<string[]> {
    const now = this.#clock.now().getTime();
    let cached = this.#groups.get(groupId);
    if (cached === undefined || cached.expiresAt <= now) {
      const members = this.#call("usergroups.users.list", `user group ${groupId}`, () =>
        this.#client.usergroups.users.list({ usergroup: groupId }),
      ).then((answer) => answer.users ?? []);
      const entry = { members, expiresAt: now + this.#userGroupCacheMs };
      this.#groups.set(groupId, entry);
      // A failed read is not kept: the next check asks Slack again.
      members.catch(() => {
        if (this.#groups.get(groupId) === entry) this.#groups.delete(groupId);
      });
      cached = entry;
    }
    return [...(await cached.members)];
  }

  /** One Web API call, tried again after a short rate-limit wait, its errors mapped to port errors. */
  async #call<T>(method: string, subject: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const waitMs = rateLimitWaitMs(error);
        if (waitMs !== undefined && waitMs <= this.#maxRateLimitWaitMs && attempt < this.#rateLimitRetries) {
          await this.#sleep(waitMs);
          continue;
        }
        throw toSlackPortError(error, { method, subject });
      }
    }
  }
}

/** `blocks` as the Web API takes them, or nothing (then `text` is what Slack shows). */
function blocksOf(blocks: readonly SlackBlock[] | undefined): { blocks?: (KnownBlock | Block)[] } {
  // Core's block builders produce Block Kit JSON; Slack validates it (`invalid_blocks`).
  return blocks === undefined ? {} : { blocks: blocks.map((block) => block as unknown as KnownBlock) };
}

/** How long Slack asked to wait before the next call, when `error` is a rejected rate-limited call. */
function rateLimitWaitMs(error: unknown): number | undefined {
  if ((error as { code?: unknown } | null)?.code !== ErrorCode.RateLimitedError) return undefined;
  const seconds = (error as WebAPIRateLimitedError).retryAfter;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The response URL, when it is one of Slack's (`https://hooks.slack.com/…`, no port, no credentials);
 * anything else is refused: the URL arrives in a request body, and POSTing wherever it points would let
 * a forged request make the control plane call any address.
 */
function checkResponseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PortRequestError(`response_url is not a URL; Slack's start with ${SLACK_RESPONSE_URL_ORIGIN}/`);
  }
  if (
    url.protocol !== "https:" ||
    url.hostname !== "hooks.slack.com" ||
    url.port !== "" ||
    url.username !== "" ||
    url.password !== ""
  ) {
    const origin = `${url.protocol}//${url.host}`.slice(0, 100);
    throw new PortRequestError(
      `response_url refused: ${origin} is not Slack's; response URLs start with ${SLACK_RESPONSE_URL_ORIGIN}/`,
    );
  }
  return url.href;
}

/** Where a message goes in a thread: a reply, shown in the channel too when `broadcast`. */
function threadOf(
  input: SlackPostInput,
): { thread_ts?: never } | { thread_ts: string } | { thread_ts: string; reply_broadcast: boolean } {
  if (input.threadTs === undefined) return {};
  return input.broadcast
    ? { thread_ts: input.threadTs, reply_broadcast: true }
    : { thread_ts: input.threadTs };
}
