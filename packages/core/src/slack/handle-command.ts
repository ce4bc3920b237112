import { parseCommandArguments, tokenizeCommandText } from "../signals/command-args.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import { auditAccessDenied, checkSlackAccess } from "./access.ts";
import type { CommandContext, CommandReply } from "./commands/context.ts";
import { BUILT_IN_COMMANDS, isRoutedCommand } from "./commands/registry.ts";
import { routeSlackCommand, runbookUsage, runRunbookCommand } from "./commands/runbook.ts";
import type { SlackCommandDeps } from "./deps.ts";
import { RUNBOOK_SLACK_COMMANDS, type SlackSettings, SlackSettingsSchema } from "./settings.ts";
import {
  checkSlackSignature,
  INVALID_SIGNATURE,
  type SlackRequest,
  type SlackResponse,
} from "./signed-request.ts";

const DEFAULT_SETTINGS: SlackSettings = SlackSettingsSchema.parse({});

/**
 * A Slack slash command (`POST /slack/commands`), `/architech <command> …`.
 *
 * The signature is checked over the raw body before anything in it is read (a request that fails answers
 * 401 and is audited). The command is then checked against the access rules of `deps.settings` (a refusal
 * answers 403, ephemeral, and is audited; as Slack does not show the body of a non-200 answer, the reason
 * also goes through the response URL when `deps.slack` is given), its arguments read (quoted values are
 * one word), and run:
 * `help`, `status`, `runs`, `run` read; `approve`, `deny` decide approvals (four eyes); `pause`, `resume`
 * set the switches; `rollback`, `rightsize`, `cleanup`, `verify-backup` (and any command a policy names)
 * are routed as a chat-command signal through the policies' guardrails — after answering, when
 * `deps.defer` is given. Every reply is ephemeral. Anything that fails is caught here, told to
 * `deps.onError`, and answered with a generic message: never a stack trace.
 *
 * @example
 * const { status, body } = await handleSlackCommand(
 *   { rawBody, headers, signingSecret, now: Date.now() / 1000 },
 *   { ...routerDeps, settings: loadSlackSettings("config/slack.yaml"), slack, approvals },
 * );
 */
export async function handleSlackCommand(
  request: SlackRequest,
  deps: SlackCommandDeps,
): Promise<SlackResponse> {
  const checked = await checkSlackSignature(request, deps.store, "/slack/commands");
  if (!checked.ok) return INVALID_SIGNATURE;
  let reply: CommandReply;
  try {
    reply = await answerCommand(deps, request, checked.timestamp);
  } catch (error) {
    deps.onError?.(error);
    const command = (deps.settings ?? DEFAULT_SETTINGS).command;
    reply = {
      text: `Something went wrong with that command; nothing more is known here (the control plane's log says what). Try again, or \`${command} status\`.`,
    };
  }
  if (reply.status === 403) return { status: 403, body: { response_type: "ephemeral", text: reply.text } };
  return { status: 200, body: { response_type: "ephemeral", text: reply.text } };
}

async function answerCommand(
  deps: SlackCommandDeps,
  request: SlackRequest,
  timestamp: string,
): Promise<CommandReply> {
  const input = { kind: "slack-command", body: request.rawBody, timestamp } as const;
  const normalized = normalizeEvent(input);
  if (!normalized.ok || normalized.signal.type !== "chat-command") {
    // Routed all the same, so that the rejection is audited as any invalid event is.
    await routeSlackCommand(deps, input);
    const message = normalized.ok ? `a ${normalized.signal.type} signal` : normalized.error.message;
    return { text: `The command could not be read: ${message}` };
  }
  const signal = normalized.signal;
  const settings = deps.settings ?? DEFAULT_SETTINGS;
  const context: CommandContext = {
    deps,
    settings,
    command: settings.command,
    userId: signal.userId,
    channelId: signal.channelId,
    now: deps.clock.now(),
  };
  const name = signal.args[0] ?? "help";
  const definition = BUILT_IN_COMMANDS.get(name);
  const policies = deps.policies.policies;
  if (definition === undefined && !isRoutedCommand(name, policies)) return unknownCommand(context, name);

  const accessRequest = { command: name, userId: signal.userId, channelId: signal.channelId };
  const access = await checkSlackAccess(
    { settings, slack: deps.slack, onError: deps.onError, now: () => deps.clock.now() },
    accessRequest,
  );
  if (!access.allowed) {
    await auditAccessDenied(deps.store, accessRequest, access.reason, access.rule);
    const text = `You may not use \`${settings.command} ${name}\`: ${access.reason}.`;
    await tellThroughResponseUrl(deps, signal.responseUrl, text);
    return { status: 403, text };
  }

  const usage = `Usage: \`${definition ? `${settings.command} ${definition.usage}` : runbookUsage(name, policies, settings.command)}\``;
  const tokens = tokenizeCommandText(signal.text);
  if (!tokens.ok) return { text: `\`${settings.command} ${name}\`: ${tokens.reason}.\n${usage}` };
  if (definition === undefined) {
    return runRunbookCommand(context, {
      name,
      text: signal.text.trim(),
      input,
      responseUrl: signal.responseUrl,
      receivedAt: request.now,
    });
  }
  const parsed = parseCommandArguments(
    tokens.tokens.slice(1),
    { name, ...definition.grammar },
    settings.command,
  );
  if (!parsed.ok) return { text: parsed.reason };
  return definition.run(context, parsed.value);
}

/**
 * Slack shows a generic error for a slash command answered with anything but 200, not the body; the
 * reason for a refusal is therefore also sent through the command's response URL, when Slack is at hand.
 */
async function tellThroughResponseUrl(deps: SlackCommandDeps, responseUrl: string, text: string) {
  if (deps.slack === undefined) return;
  try {
    await deps.slack.respond(responseUrl, { text, responseType: "ephemeral" });
  } catch (error) {
    deps.onError?.(error);
  }
}

function unknownCommand({ command }: CommandContext, name: string): CommandReply {
  const known = [...BUILT_IN_COMMANDS.keys(), ...RUNBOOK_SLACK_COMMANDS].map((n) => `\`${n}\``).join(", ");
  return {
    text: `Unknown command \`${name}\`. Commands: ${known}. \`${command} help\` says what each does.`,
  };
}

export { slackHelpText } from "./commands/registry.ts";
export { describeDecision } from "./commands/runbook.ts";
