import { describe, expect, it } from "vitest";
import {
  type CommandGrammar,
  chatCommandWords,
  commandUsage,
  parseChatCommand,
  parseCommandArguments,
  tokenizeCommandText,
} from "./command-args.ts";

const ROLLBACK: CommandGrammar = {
  name: "rollback",
  positional: { placeholder: "<service>", required: true },
  options: ["to", "reason", "dry-run", "cluster"],
};
const CLEANUP: CommandGrammar = {
  name: "cleanup",
  positional: { placeholder: "<kind>", required: false },
  options: ["reason", "dry-run"],
};

function parsed(args: string[], grammar = ROLLBACK) {
  const result = parseCommandArguments(args, grammar);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function refusal(args: string[], grammar = ROLLBACK): string {
  const result = parseCommandArguments(args, grammar);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

describe("tokenizeCommandText", () => {
  it("splits on whitespace and keeps quoted phrases together", () => {
    const words = tokenizeCommandText(`rollback  prod/checkout-api --reason "bad deploy" --to 'v 41'`);

    expect(words).toEqual({
      ok: true,
      tokens: ["rollback", "prod/checkout-api", "--reason", "bad deploy", "--to", "v 41"],
    });
  });

  it("reads typographic quotes as the quotes a person typed", () => {
    const words = tokenizeCommandText("rollback x --reason \u201cbad deploy\u201d --to \u2018v41\u2019");

    expect(words).toEqual({ ok: true, tokens: ["rollback", "x", "--reason", "bad deploy", "--to", "v41"] });
  });

  it("keeps an empty quoted word, and quotes inside a word join it", () => {
    expect(tokenizeCommandText(`a "" b"c d"e`)).toEqual({ ok: true, tokens: ["a", "", "bc de"] });
  });

  it("decodes the characters Slack escapes", () => {
    expect(tokenizeCommandText("cleanup --reason 'a &lt;b&gt; &amp; c'")).toEqual({
      ok: true,
      tokens: ["cleanup", "--reason", "a <b> & c"],
    });
  });

  it("refuses a quote left open", () => {
    expect(tokenizeCommandText('rollback x --reason "bad deploy')).toEqual({
      ok: false,
      reason: 'a quote is left open (missing ")',
    });
  });

  it("gives no words for blank text", () => {
    expect(tokenizeCommandText("  \t ")).toEqual({ ok: true, tokens: [] });
  });
});

describe("parseCommandArguments", () => {
  it("reads the positional target and every option the command takes", () => {
    const value = parsed([
      "checkout-api",
      "--cluster",
      "prod",
      "--to",
      "checkout-api:41",
      "--reason",
      "bad deploy",
      "--dry-run",
    ]);

    expect(value).toEqual({
      positional: "checkout-api",
      options: { cluster: "prod", to: "checkout-api:41", reason: "bad deploy", dryRun: true },
    });
  });

  it("takes --name=value, options before the positional, and a dash a chat client made of --", () => {
    const value = parsed(["--to=41", "\u2014dry-run", "prod/checkout-api"]);

    expect(value).toEqual({ positional: "prod/checkout-api", options: { to: "41", dryRun: true } });
  });

  it("refuses an option the command does not take, naming those it takes", () => {
    const reason = refusal(["prod/checkout-api", "--force"]);

    expect(reason).toBe(
      'rollback does not take --force; rollback takes --to, --reason, --dry-run, --cluster. Usage: /architech rollback <service> [--to <release>] [--reason "<text>"] [--dry-run] [--cluster <cluster>]',
    );
  });

  it("refuses a known option that this command does not take", () => {
    expect(refusal(["--to", "v41"], CLEANUP)).toMatch(
      /^cleanup does not take --to; cleanup takes --reason, --dry-run\./,
    );
    expect(refusal(["--for", "2h"], CLEANUP)).toMatch(/^cleanup does not take --for;/);
  });

  it("refuses an option without its value, given twice, or a flag given a value", () => {
    expect(refusal(["x/y", "--to"])).toMatch(/^--to needs a value: --to <release>\. Usage:/);
    expect(refusal(["x/y", "--to", "--dry-run"])).toMatch(/^--to needs a value/);
    expect(refusal(["x/y", "--reason", " "])).toMatch(/^--reason needs a value/);
    expect(refusal(["x/y", "--to", "1", "--to", "2"])).toMatch(/^--to is given twice\./);
    expect(refusal(["x/y", "--dry-run=yes"])).toMatch(/^--dry-run takes no value\./);
  });

  it("refuses a missing required argument, and more than one", () => {
    expect(refusal(["--to", "41"])).toMatch(
      /^rollback needs <service>\. Usage: \/architech rollback <service>/,
    );
    expect(refusal(["bad", "deploy"])).toMatch(/^rollback takes one <service>, not "bad" "deploy"/);
  });

  it("leaves an optional argument out", () => {
    expect(parsed([], CLEANUP)).toEqual({ options: { dryRun: false } });
  });

  it("reads --for as a duration, and refuses what is not one", () => {
    const grammar: CommandGrammar = { name: "pause", options: ["for", "reason"] };

    expect(parsed(["--for", "2h"], grammar)).toEqual({ options: { dryRun: false, forMs: 7_200_000 } });
    expect(refusal(["--for", "soon"], grammar)).toMatch(
      /^--for takes a duration such as 30m, 2h or 1d, not "soon"/,
    );
    expect(refusal(["extra"], grammar)).toMatch(/^pause takes no argument \("extra"\)/);
  });

  it("refuses a reason too long to record as written", () => {
    expect(refusal(["x/y", "--reason", "x".repeat(1001)])).toMatch(/^--reason is 1001 characters/);
  });
});

describe("commandUsage", () => {
  it("shows the argument, optional parts in brackets, and its help", () => {
    const usage = commandUsage(
      {
        ...CLEANUP,
        positional: { placeholder: "<kind>", required: false, help: "the kind is ebs-volume, …" },
      },
      "/ops",
    );

    expect(usage).toBe(
      'Usage: /ops cleanup [<kind>] [--reason "<text>"] [--dry-run] (the kind is ebs-volume, …)',
    );
  });
});

describe("chat commands", () => {
  const signal = (text: string) => ({ text, command: "/architech" });

  it("gives the command's name and its arguments, quotes honoured", () => {
    expect(chatCommandWords(signal('rollback prod/api --reason "bad deploy"'))).toEqual({
      ok: true,
      name: "rollback",
      args: ["prod/api", "--reason", "bad deploy"],
    });
  });

  it("parses the arguments after the name, with a usage line naming the slash command", () => {
    expect(parseChatCommand(signal("rollback prod/api --dry-run"), ROLLBACK)).toEqual({
      ok: true,
      value: { positional: "prod/api", options: { dryRun: true } },
    });
    const open = parseChatCommand({ text: 'rollback prod/api --reason "oops', command: "/ops" }, ROLLBACK);
    expect(open).toEqual({
      ok: false,
      reason: expect.stringMatching(/^a quote is left open \(missing "\)\. Usage: \/ops rollback <service>/),
    });
  });
});
