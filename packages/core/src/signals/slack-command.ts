import { z } from "zod";
import type { ChatCommandSignal, Delivery } from "./signal.ts";
import { epochToIsoTimestamp } from "./time.ts";

/**
 * The fields of a Slack slash-command request body (application/x-www-form-urlencoded), as Slack
 * documents them. `token` is the deprecated verification token (requests are authenticated by their
 * signature instead); `user_name`, `team_domain` and `channel_name` are deprecated too, so optional.
 */
export const SlackSlashCommandSchema = z.object({
  token: z.string().optional(),
  team_id: z.string().min(1),
  team_domain: z.string().optional(),
  enterprise_id: z.string().optional(),
  enterprise_name: z.string().optional(),
  channel_id: z.string().min(1),
  channel_name: z.string().optional(),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  command: z.string().startsWith("/", "a slash command starts with /"),
  text: z.string(),
  response_url: z.url(),
  trigger_id: z.string().min(1),
  api_app_id: z.string().optional(),
  is_enterprise_install: z.enum(["true", "false"]).optional(),
});
export type SlackSlashCommand = z.infer<typeof SlackSlashCommandSchema>;

/**
 * What `normalizeEvent` takes for a Slack slash command: the raw request body exactly as received (the
 * same bytes the signature was checked over) and, when known, the `X-Slack-Request-Timestamp` header,
 * which is the only time Slack gives.
 *
 * @example
 * normalizeEvent({ kind: "slack-command", body: rawBody, timestamp: headers["x-slack-request-timestamp"] });
 */
export const SlackCommandInputSchema = z.object({
  kind: z.literal("slack-command"),
  body: z.string(),
  timestamp: z
    .string()
    .regex(/^\d{1,15}$/, "expected epoch seconds")
    .optional(),
});
export type SlackCommandInput = z.infer<typeof SlackCommandInputSchema>;

/**
 * The fields of a form-encoded body (`+` is a space, as browsers and Slack encode it). Repeated keys
 * keep their first value.
 *
 * @example
 * parseFormBody("command=%2Farchitech&text=rollback+checkout-api").text; // "rollback checkout-api"
 */
export function parseFormBody(body: string): Record<string, string> {
  const fields = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body)) {
    if (!fields.has(key)) fields.set(key, value);
  }
  return Object.fromEntries(fields);
}

/** Whether a text is a form-encoded slash-command body, e.g. a fixture file holding one. */
export function looksLikeSlashCommandBody(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.startsWith("{") || /\s/.test(trimmed)) return false;
  const fields = parseFormBody(trimmed);
  return "command" in fields && "team_id" in fields;
}

export function chatCommandSignalFromSlack(
  command: SlackSlashCommand,
  input: SlackCommandInput,
  delivery: Delivery,
): ChatCommandSignal {
  const text = command.text.trim();
  return {
    type: "chat-command",
    // Slack issues a fresh trigger_id for every invocation and does not retry slash commands.
    id: command.trigger_id,
    time:
      input.timestamp === undefined
        ? null
        : (epochToIsoTimestamp(Number(input.timestamp), "seconds") ?? null),
    account: null,
    region: null,
    resources: [],
    source: { service: "slack", kind: "slack-command", envelopes: delivery.envelopes },
    raw: delivery.raw,
    platform: "slack",
    command: command.command,
    text: command.text,
    args: text === "" ? [] : text.split(/\s+/),
    userId: command.user_id,
    userName: command.user_name ?? null,
    channelId: command.channel_id,
    channelName: command.channel_name ?? null,
    teamId: command.team_id,
    teamDomain: command.team_domain ?? null,
    enterpriseId: command.enterprise_id ?? null,
    apiAppId: command.api_app_id ?? null,
    responseUrl: command.response_url,
    triggerId: command.trigger_id,
  };
}
