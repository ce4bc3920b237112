import type { CommandGrammar, ParsedCommandArguments } from "../../signals/command-args.ts";
import type { SlackCommandDeps } from "../deps.ts";
import type { SlackSettings } from "../settings.ts";

/** Who typed a command, where, and what it acts through. */
export interface CommandContext {
  deps: SlackCommandDeps;
  settings: SlackSettings;
  /** The slash command as configured (`/architech`), for usage lines. */
  command: string;
  userId: string;
  channelId: string;
  now: Date;
}

/** A command's answer: ephemeral text, and the HTTP status (403 for an access refusal). */
export interface CommandReply {
  text: string;
  status?: 200 | 403;
}

/** One of the commands answered in core (the runbook commands are routed instead). */
export interface CommandDefinition {
  name: string;
  /** What follows the slash command, e.g. `pause <policy|all> [--for <duration>] --reason <text>`. */
  usage: string;
  summary: string;
  /** Its argument and options, read with the same grammar as the runbook commands. */
  grammar: Omit<CommandGrammar, "name">;
  run(context: CommandContext, args: ParsedCommandArguments): Promise<CommandReply>;
}
