import { parseDuration } from "../time/duration.ts";
import type { ChatCommandSignal } from "./signal.ts";

/**
 * Every option a chat command may carry. Each command takes some of them (its {@link CommandGrammar});
 * any other is refused with the list of those it takes.
 */
export const COMMAND_OPTIONS = {
  to: { value: "<release>" },
  reason: { value: '"<text>"' },
  "dry-run": {},
  cluster: { value: "<cluster>" },
  for: { value: "<duration>" },
} as const satisfies Record<string, { value?: string }>;

export type CommandOptionName = keyof typeof COMMAND_OPTIONS;

/** The options of one command, parsed. */
export interface CommandOptions {
  /** `--to <release>`: the release to return to. */
  to?: string;
  /** `--reason <text>`: why the person asks; recorded with the run and in the audit log. */
  reason?: string;
  /** `--dry-run`: plan only, change nothing. */
  dryRun: boolean;
  /** `--cluster <cluster>`: the ECS cluster of a service named alone. */
  cluster?: string;
  /** `--for <duration>` (`30m`, `2h`, `1d`), in milliseconds. */
  forMs?: number;
}

/** What a command takes after its name: at most one positional argument, and some options. */
export interface CommandGrammar {
  /** The command's name, its first word (`rollback`). */
  name: string;
  positional?: {
    /** How the usage line shows it: `<service>`, `<kind>`. */
    placeholder: string;
    required: boolean;
    /** One sentence that explains it, appended to the usage line. */
    help?: string;
  };
  options: readonly CommandOptionName[];
}

/** A command's arguments, parsed against its grammar. */
export interface ParsedCommandArguments {
  positional?: string;
  options: CommandOptions;
}

/** Either the parsed arguments, or why they are refused: a sentence and the usage line, for the person. */
export type CommandArgumentsResult =
  | { ok: true; value: ParsedCommandArguments }
  | { ok: false; reason: string };

export type TokenizeResult = { ok: true; tokens: string[] } | { ok: false; reason: string };

/** Longer reasons are refused rather than cut: what a person wrote is recorded as written or not at all. */
export const MAX_REASON_LENGTH = 1000;

// Chat clients turn typed quotes into typographic ones and `--` into a dash; both are read as typed.
const QUOTE_PAIRS: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  "\u201c": "\u201d",
  "\u201d": "\u201d",
  "\u2018": "\u2019",
  "\u2019": "\u2019",
};
const DASHED_OPTION = /^(?:--|\u2014|\u2013)(?=[A-Za-z])/;

/** Slack escapes these three in the text it sends. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * Splits a command's text into words, as a shell would for the simple cases: whitespace separates words,
 * and quotes (straight or typographic, double or single) keep a phrase together (`--reason "bad deploy"`).
 * A quote left open is refused.
 *
 * @example
 * tokenizeCommandText('rollback prod/checkout-api --reason "bad deploy"');
 * // { ok: true, tokens: ["rollback", "prod/checkout-api", "--reason", "bad deploy"] }
 */
export function tokenizeCommandText(text: string): TokenizeResult {
  const tokens: string[] = [];
  let current = "";
  let inToken = false;
  let closing: string | undefined;
  for (const char of unescapeSlack(text)) {
    if (closing !== undefined) {
      if (char === closing) closing = undefined;
      else current += char;
      continue;
    }
    const close = QUOTE_PAIRS[char];
    if (close !== undefined) {
      closing = close;
      inToken = true;
    } else if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = "";
      inToken = false;
    } else {
      current += char;
      inToken = true;
    }
  }
  if (closing !== undefined) return { ok: false, reason: `a quote is left open (missing ${closing})` };
  if (inToken) tokens.push(current);
  return { ok: true, tokens };
}

/**
 * The usage line of a command, as a person reads it in a reply.
 *
 * @example
 * commandUsage({ name: "cleanup", positional: { placeholder: "<kind>", required: false }, options: ["dry-run"] });
 * // "Usage: /architech cleanup [<kind>] [--dry-run]"
 */
export function commandUsage(grammar: CommandGrammar, prefix = "/architech"): string {
  const parts = [`Usage: ${prefix} ${grammar.name}`];
  const positional = grammar.positional;
  if (positional) parts.push(positional.required ? positional.placeholder : `[${positional.placeholder}]`);
  for (const name of grammar.options) parts.push(`[${optionSyntax(name)}]`);
  const line = parts.join(" ");
  return positional?.help ? `${line} (${positional.help})` : line;
}

function optionSyntax(name: CommandOptionName): string {
  const spec: { value?: string } = COMMAND_OPTIONS[name];
  return spec.value === undefined ? `--${name}` : `--${name} ${spec.value}`;
}

function isOptionName(name: string): name is CommandOptionName {
  return Object.hasOwn(COMMAND_OPTIONS, name);
}

/**
 * Parses a command's arguments (the words after its name) against its grammar: one positional argument
 * at most, the options it takes (`--name value`, `--name=value`, flags without a value), each at most
 * once. Anything else is refused with a sentence that says what is wrong, then the usage line.
 *
 * @example
 * const grammar = { name: "rollback", positional: { placeholder: "<service>", required: true }, options: ["to", "dry-run"] } as const;
 * parseCommandArguments(["prod/checkout-api", "--to", "checkout-api:41"], grammar);
 * // { ok: true, value: { positional: "prod/checkout-api", options: { dryRun: false, to: "checkout-api:41" } } }
 * parseCommandArguments(["prod/checkout-api", "--force"], grammar).ok; // false: rollback takes --to, --dry-run
 */
export function parseCommandArguments(
  args: readonly string[],
  grammar: CommandGrammar,
  prefix = "/architech",
): CommandArgumentsResult {
  const refuse = (problem: string): CommandArgumentsResult => ({
    ok: false,
    reason: `${problem}. ${commandUsage(grammar, prefix)}`,
  });
  const taken = grammar.options.map((name) => `--${name}`);
  const takes =
    taken.length === 0 ? `${grammar.name} takes no options` : `${grammar.name} takes ${taken.join(", ")}`;
  const options: CommandOptions = { dryRun: false };
  const seen = new Set<CommandOptionName>();
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    const dashed = DASHED_OPTION.exec(arg);
    if (!dashed) {
      positionals.push(arg);
      continue;
    }
    const body = arg.slice(dashed[0].length);
    const equals = body.indexOf("=");
    const name = equals === -1 ? body : body.slice(0, equals);
    if (!isOptionName(name) || !grammar.options.includes(name)) {
      return refuse(`${grammar.name} does not take --${name}; ${takes}`);
    }
    if (seen.has(name)) return refuse(`--${name} is given twice`);
    seen.add(name);
    const spec: { value?: string } = COMMAND_OPTIONS[name];
    if (spec.value === undefined) {
      if (equals !== -1) return refuse(`--${name} takes no value`);
      options.dryRun = true;
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = body.slice(equals + 1);
    else {
      const next = args[index + 1];
      if (next !== undefined && !DASHED_OPTION.test(next)) {
        value = next;
        index++;
      }
    }
    if (value === undefined || value.trim() === "")
      return refuse(`--${name} needs a value: ${optionSyntax(name)}`);
    const problem = setOption(options, name, value.trim());
    if (problem) return refuse(problem);
  }
  const positional = grammar.positional;
  if (positionals.length > (positional ? 1 : 0)) {
    const extra = positionals.map((p) => `"${p}"`).join(" ");
    return refuse(
      positional
        ? `${grammar.name} takes one ${positional.placeholder}, not ${extra} (quote text that has spaces)`
        : `${grammar.name} takes no ${positionals.length === 1 ? "argument" : "arguments"} (${extra})`,
    );
  }
  const [value] = positionals;
  if (positional?.required && value === undefined) {
    return refuse(`${grammar.name} needs ${positional.placeholder}`);
  }
  return { ok: true, value: { ...(value !== undefined ? { positional: value } : {}), options } };
}

function setOption(options: CommandOptions, name: CommandOptionName, value: string): string | undefined {
  switch (name) {
    case "to":
      options.to = value;
      return undefined;
    case "reason":
      if (value.length > MAX_REASON_LENGTH) {
        return `--reason is ${value.length} characters; keep it under ${MAX_REASON_LENGTH}`;
      }
      options.reason = value;
      return undefined;
    case "cluster":
      options.cluster = value;
      return undefined;
    case "for": {
      const ms = parseDuration(value);
      if (ms === undefined || ms <= 0) {
        return `--for takes a duration such as 30m, 2h or 1d, not "${value}"`;
      }
      options.forMs = ms;
      return undefined;
    }
    case "dry-run":
      options.dryRun = true;
      return undefined;
  }
}

/**
 * The words of a chat command, quotes honoured: its name (the first word) and its arguments. `args` on
 * the signal stays the plain whitespace split it always was; this is the form commands are parsed from.
 *
 * @example
 * chatCommandWords(signal); // { ok: true, name: "rollback", args: ["prod/checkout-api", "--reason", "bad deploy"] }
 */
export function chatCommandWords(
  signal: Pick<ChatCommandSignal, "text">,
): { ok: true; name: string; args: string[] } | { ok: false; reason: string } {
  const words = tokenizeCommandText(signal.text);
  if (!words.ok) return words;
  const [name = "", ...args] = words.tokens;
  return { ok: true, name, args };
}

/**
 * Parses a chat command's arguments against a grammar; the usage line in a refusal names the slash
 * command the person typed (`/architech`).
 *
 * @example
 * const parsed = parseChatCommand(signal, grammar);
 * if (!parsed.ok) return reject(parsed.reason); // "rollback needs <service>. Usage: /architech rollback <service> …"
 */
export function parseChatCommand(
  signal: Pick<ChatCommandSignal, "text" | "command">,
  grammar: CommandGrammar,
): CommandArgumentsResult {
  const words = chatCommandWords(signal);
  if (!words.ok) {
    return { ok: false, reason: `${words.reason}. ${commandUsage(grammar, signal.command)}` };
  }
  return parseCommandArguments(words.args, grammar, signal.command);
}
