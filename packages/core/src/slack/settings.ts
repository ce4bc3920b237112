import { readFileSync } from "node:fs";
import { z } from "zod";
import { ArchitechError } from "../errors.ts";
import { parseLocatedYaml, type YamlProblem } from "../yaml/located-yaml.ts";

/**
 * Every command `/architech` answers. The first four only read; the rest change something, or ask the
 * router to (the four runbook commands).
 */
export const SLACK_COMMAND_NAMES = [
  "help",
  "status",
  "runs",
  "run",
  "rollback",
  "rightsize",
  "cleanup",
  "verify-backup",
  "approve",
  "deny",
  "pause",
  "resume",
] as const;
export type SlackCommandName = (typeof SLACK_COMMAND_NAMES)[number];

/** The commands that change nothing: open to everyone unless a rule restricts them. */
export const READ_ONLY_SLACK_COMMANDS: readonly SlackCommandName[] = ["help", "status", "runs", "run"];

/** The commands the router answers (as a chat-command signal), through the policies that name them. */
export const RUNBOOK_SLACK_COMMANDS: readonly SlackCommandName[] = [
  "rollback",
  "rightsize",
  "cleanup",
  "verify-backup",
];

const UserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/, "a Slack user id such as U024BE7LH");
const GroupIdSchema = z.string().regex(/^S[A-Z0-9]{2,}$/, "a Slack user group id such as S0614TZR7");
const ChannelIdSchema = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, "a Slack channel id such as C0123456789 (not its #name)");

/**
 * Who may use a command, and where. A person may when they are listed in `users` or are a member of a
 * group in `groups` — or when the rule lists no users and no groups (anyone) — and the command is typed
 * in a channel listed in `channels`, or the rule lists no channels (anywhere). An empty rule `{}`
 * therefore opens the command to everyone, everywhere.
 */
export const SlackAccessRuleSchema = z.strictObject({
  /** Slack user ids (`U…`, `W…` on Enterprise Grid). */
  users: z.array(UserIdSchema).default([]),
  /** Slack user group ids (`S…`): their members, read through the Slack API and cached for minutes. */
  groups: z.array(GroupIdSchema).default([]),
  /** Channel ids: public (`C…`), private (`G…`) or direct messages (`D…`). */
  channels: z.array(ChannelIdSchema).default([]),
});
export type SlackAccessRule = z.output<typeof SlackAccessRuleSchema>;

const accessShape = Object.fromEntries(
  ["default", ...SLACK_COMMAND_NAMES].map((name) => [name, SlackAccessRuleSchema.optional()]),
) as Record<"default" | SlackCommandName, z.ZodOptional<typeof SlackAccessRuleSchema>>;

/**
 * Slack settings (`config/slack.yaml`): the slash command's name, the default channel, and access control
 * per command.
 *
 * The rule for a command is its own (`access.<command>`), else `access.default`. Without either, the
 * read-only commands (help, status, runs, run) are open to everyone and every other command is denied:
 * nothing that changes the estate is allowed unless a rule allows it. `approve` and `deny` govern both
 * the commands and the buttons on approval messages. Unknown keys are errors, so that a misspelt command
 * cannot silently leave a rule unapplied.
 *
 * @example
 * const settings = SlackSettingsSchema.parse({
 *   access: { rollback: { groups: ["S0DEPLOYERS"], channels: ["C0DEPLOYS01"] } },
 * });
 * settings.command; // "/architech"
 */
export const SlackSettingsSchema = z.strictObject({
  /** The slash command, as configured in the Slack app. */
  command: z
    .string()
    .regex(/^\/[a-z0-9][a-z0-9_-]{0,31}$/, "a slash command such as /architech")
    .default("/architech"),
  /** Where messages go when nothing names a channel. */
  defaultChannel: z
    .string()
    .regex(/^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/, "a channel such as #ops or C0123456789")
    .optional(),
  /** Per command (or `default`): who may use it, and where. */
  access: z.strictObject(accessShape).default({}),
});
export type SlackSettings = z.output<typeof SlackSettingsSchema>;
export type SlackSettingsInput = z.input<typeof SlackSettingsSchema>;

/** One thing wrong with a settings file, located for an editor. */
export type SlackSettingsProblem = YamlProblem;

export type SlackSettingsResult =
  | { ok: true; settings: SlackSettings }
  | { ok: false; problems: SlackSettingsProblem[] };

/**
 * Parses the text of a Slack settings file. Every problem is reported with its line, as the policy loader
 * reports them; an empty file gives the defaults (everything but the read-only commands denied).
 *
 * @example
 * const result = parseSlackSettings(text, "config/slack.yaml");
 * if (!result.ok) for (const p of result.problems) console.error(`${p.file}:${p.line}:${p.column} ${p.message}`);
 */
export function parseSlackSettings(text: string, file: string): SlackSettingsResult {
  const result = parseLocatedYaml(SlackSettingsSchema, text, file, { unknownKey: unknownKeyMessage });
  return result.ok ? { ok: true, settings: result.data } : result;
}

/**
 * Reads and parses a Slack settings file; throws `ArchitechError` `InvalidSlackSettings` listing every
 * problem as `file:line:column path: message`. Read once at start-up (cold start), not per request.
 *
 * @example
 * const settings = loadSlackSettings("config/slack.yaml");
 */
export function loadSlackSettings(file: string): SlackSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ArchitechError("InvalidSlackSettings", `${file}: cannot be read`, { cause });
  }
  const result = parseSlackSettings(text, file);
  if (result.ok) return result.settings;
  const lines = result.problems.map(
    (p) => `${p.file}:${p.line}:${p.column} ${p.path === "" ? "" : `${p.path}: `}${p.message}`,
  );
  throw new ArchitechError("InvalidSlackSettings", lines.join("\n"));
}

function unknownKeyMessage(path: readonly PropertyKey[], key: string): string {
  if (path.length === 1 && path[0] === "access") {
    return `unknown command "${key}"; rules are for: default, ${SLACK_COMMAND_NAMES.join(", ")}`;
  }
  return `unknown field "${key}"`;
}
