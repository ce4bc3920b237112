import type { Policy } from "../../policy/policy.ts";
import { RUNBOOK_SLACK_COMMANDS } from "../settings.ts";
import { approveCommand, denyCommand } from "./approvals.ts";
import type { CommandDefinition } from "./context.ts";
import { commandsOf, RUNBOOK_SUMMARIES, runbookUsage } from "./runbook.ts";
import { runCommand, runsCommand } from "./runs.ts";
import { statusCommand } from "./status.ts";
import { pauseCommand, resumeCommand } from "./switches.ts";

/** `help [command]`: every command, or one command's usage. */
export const helpCommand: CommandDefinition = {
  name: "help",
  usage: "help [command]",
  summary: "this list, or how to use one command",
  grammar: { positional: { placeholder: "<command>", required: false }, options: [] },
  async run({ command, deps }, { positional }) {
    const policies = deps.policies.policies;
    if (positional !== undefined) {
      const definition = BUILT_IN_COMMANDS.get(positional);
      if (definition) return { text: `\`${command} ${definition.usage}\` — ${definition.summary}` };
      if (isRoutedCommand(positional, policies)) {
        return { text: `\`${runbookUsage(positional, policies, command)}\`` };
      }
    }
    return { text: slackHelpText(command, policies) };
  },
};

/** The commands answered in core, by name. The runbook commands are routed instead. */
export const BUILT_IN_COMMANDS: ReadonlyMap<string, CommandDefinition> = new Map(
  [
    helpCommand,
    statusCommand,
    runsCommand,
    runCommand,
    approveCommand,
    denyCommand,
    pauseCommand,
    resumeCommand,
  ].map((definition) => [definition.name, definition]),
);

/**
 * True for a command the router answers: one of the four runbook commands, or one a policy names.
 *
 * @example
 * isRoutedCommand("rollback", policies); // true
 * isRoutedCommand("pause", policies); // false: answered in core
 */
export function isRoutedCommand(name: string, policies: readonly Policy[]): boolean {
  if (BUILT_IN_COMMANDS.has(name)) return false;
  return (RUNBOOK_SLACK_COMMANDS as readonly string[]).includes(name) || commandsOf(policies).has(name);
}

/**
 * The reply to `help`: every command with its usage, and for each runbook command the policies that
 * answer it (a command no enabled policy answers says so).
 *
 * @example
 * slackHelpText("/architech", policies); // "Commands of `/architech`:\n• `/architech help [command]` — …"
 */
export function slackHelpText(command: string, policies: readonly Policy[]): string {
  const answered = commandsOf(policies);
  const builtIn = (name: string) => {
    const definition = BUILT_IN_COMMANDS.get(name);
    return definition ? [`• \`${command} ${definition.usage}\` — ${definition.summary}`] : [];
  };
  const lines = [`Commands of \`${command}\`:`, ...["help", "status", "runs", "run"].flatMap(builtIn)];
  lines.push("Runbooks, through the policies and their guardrails:");
  for (const name of new Set([...RUNBOOK_SLACK_COMMANDS, ...answered.keys()])) {
    const behind = answered.get(name) ?? [];
    const by =
      behind.length === 0
        ? "no policy answers it yet: give a policy `trigger: { command: { name } }`"
        : behind.map((p) => `policy ${p.name}, ${p.mode}`).join("; ");
    const summary = Object.hasOwn(RUNBOOK_SUMMARIES, name)
      ? RUNBOOK_SUMMARIES[name]
      : `runs policy ${behind[0]?.name ?? name}`;
    lines.push(`• \`${runbookUsage(name, policies, command)}\` — ${summary} (${by})`);
  }
  lines.push("Approvals and switches:", ...["approve", "deny", "pause", "resume"].flatMap(builtIn));
  return lines.join("\n");
}
