import { z } from "zod";
import { ArchitechError } from "../errors.ts";
import type { SlackMessage, SlackPort } from "../ports/slack.ts";
import { describeRoute, routeSlackCommand } from "./commands/runbook.ts";
import type { SlackCommandDeps } from "./deps.ts";
import { SlackSettingsSchema } from "./settings.ts";

/** Slack accepts at most this many messages through one slash command's `response_url`… */
export const RESPONSE_URL_MAX_USES = 5;
/** …within this long after the command. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/**
 * A runbook command whose routing was deferred: JSON, so that it can travel through a queue or an
 * asynchronous invocation. It holds the raw body whose signature was already verified, so it must only
 * travel through channels the control plane trusts; it holds no secret (the response URL is a
 * capability for this one command, spent after 5 uses or 30 minutes).
 */
export const DeferredSlackCommandSchema = z.object({
  kind: z.literal("slack-command"),
  /** The raw request body, exactly as verified. */
  body: z.string().min(1),
  /** The request's `X-Slack-Request-Timestamp` (epoch seconds). */
  timestamp: z.string().regex(/^\d{1,15}$/, "epoch seconds"),
  userId: z.string().min(1),
  channelId: z.string().min(1),
  responseUrl: z.url(),
  /** The command's text as typed, e.g. `rollback prod/checkout-api`. */
  text: z.string(),
  /** When the request arrived (ISO 8601). */
  requestedAt: z.iso.datetime({ offset: true }),
  /** How many times the response URL has been used for this command so far. */
  responseUrlUses: z.number().int().min(0),
});
export type DeferredSlackCommand = z.output<typeof DeferredSlackCommandSchema>;

/** What {@link runDeferredSlackCommand} acts through: the command deps, and Slack to answer. */
export type DeferredSlackCommandDeps = SlackCommandDeps & { slack: SlackPort };

/** How the answer reached the person: through the response URL, or (past its limits) an ephemeral message. */
export interface DeferredReply {
  via: "response-url" | "ephemeral" | "none";
  /** The response URL's uses for this command after this reply. */
  responseUrlUses: number;
}

/**
 * Routes a deferred runbook command and tells the person what the policies did.
 *
 * Why deferred: Slack waits 3 seconds for the answer to a slash command, and routing a runbook command
 * — the guardrails' conditional writes, the run, StartExecution — can take longer on a cold start. So
 * `handleSlackCommand` answers at once ("Working on …") and hands this job to `deps.defer`; the worker
 * calls this. The answer goes through the command's `response_url` while Slack still accepts it (5 uses,
 * 30 minutes after the command, counted on the job: `job.responseUrlUses` is updated), else as an
 * ephemeral message to the person in the channel. A job that is not one (bad JSON off a queue) throws
 * `InvalidDeferredSlackCommand`; a failure to answer is reported to `onError` and never undoes the run.
 *
 * @example
 * export const handler = async (job: DeferredSlackCommand) => runDeferredSlackCommand(job, { ...routerDeps, slack });
 */
export async function runDeferredSlackCommand(
  job: DeferredSlackCommand,
  deps: DeferredSlackCommandDeps,
): Promise<DeferredReply> {
  const parsed = DeferredSlackCommandSchema.safeParse(job);
  if (!parsed.success) {
    throw new ArchitechError(
      "InvalidDeferredSlackCommand",
      `not a deferred Slack command: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const command = (deps.settings ?? SlackSettingsSchema.parse({})).command;
  const name = parsed.data.text.trim().split(/\s+/)[0] ?? "";
  const result = await routeSlackCommand(deps, {
    kind: "slack-command",
    body: parsed.data.body,
    timestamp: parsed.data.timestamp,
  });
  const text = describeRoute(result, name, command, deps.policies.policies);
  return replyToDeferredSlackCommand(job, { text }, deps);
}

/**
 * Answers a deferred command's person: through the response URL while it is usable (fewer than 5 uses,
 * less than 30 minutes since the command — counted from the earlier of Slack's timestamp and the
 * arrival, to stay inside Slack's window), else — or when that post fails — with `chat.postEphemeral` in
 * the command's channel.
 *
 * @example
 * await replyToDeferredSlackCommand(job, { text: "Rolled back." }, { slack, clock });
 */
export async function replyToDeferredSlackCommand(
  job: DeferredSlackCommand,
  message: SlackMessage,
  deps: Pick<DeferredSlackCommandDeps, "slack" | "clock" | "onError">,
): Promise<DeferredReply> {
  const issued = Math.min(Date.parse(job.requestedAt), Number(job.timestamp) * 1000);
  const fresh = deps.clock.now().getTime() - issued < RESPONSE_URL_LIFETIME_MS;
  if (fresh && job.responseUrlUses < RESPONSE_URL_MAX_USES) {
    // Counted before the post: Slack counts a use whether or not the answer reached us.
    job.responseUrlUses += 1;
    try {
      await deps.slack.respond(job.responseUrl, { ...message, responseType: "ephemeral" });
      return { via: "response-url", responseUrlUses: job.responseUrlUses };
    } catch (error) {
      deps.onError?.(error);
    }
  }
  try {
    await deps.slack.postEphemeral({ ...message, channel: job.channelId, user: job.userId });
    return { via: "ephemeral", responseUrlUses: job.responseUrlUses };
  } catch (error) {
    deps.onError?.(error);
    return { via: "none", responseUrlUses: job.responseUrlUses };
  }
}
