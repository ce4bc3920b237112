import { describeSignal, formatIssuePath, normalizeEvent, type Signal } from "@architech/core";
import type { Command } from "commander";
import { readEventFile } from "../event-files.ts";
import { type CommandIO, ExitCode } from "../io.ts";

type FileOutcome = { file: string; signal: Signal } | { file: string; problem: string };

function normalizeFile(file: string): FileOutcome {
  const read = readEventFile(file);
  if ("problem" in read) return read;
  const event = read.event;
  const result = normalizeEvent(event);
  if (result.ok) return { file, signal: result.signal };
  const issues = (result.error.issues ?? []).map(
    (issue) => `\n  ${formatIssuePath(issue.path)}: ${issue.message}`,
  );
  return { file, problem: `${result.error.code}: ${result.error.message}${issues.join("")}` };
}

/**
 * `architech normalize <event.json…> [--json]`: prints the signal each event file normalizes to — one
 * summary line per file, or the full signal as JSON (an array of them for several files). Files may hold
 * JSON events or a captured Slack slash-command body. Exits 2 when any file is unreadable or is not a
 * signal, naming the file and the problem on stderr.
 */
export function registerNormalize(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("normalize")
    .description("print the signal each event file normalizes to (exit 2 if any file is not a signal)")
    .argument(
      "<event-files...>",
      "AWS events as JSON (EventBridge, SNS, SQS, alarm actions, …) or a Slack command body",
    )
    .option("--json", "print the full signal as JSON; one JSON array for several files")
    .action((files: string[], options: { json?: boolean }) => {
      const outcomes = files.map(normalizeFile);
      const signals: Signal[] = [];
      for (const outcome of outcomes) {
        if ("problem" in outcome) {
          io.stderr(`architech normalize: ${outcome.file}: ${outcome.problem}\n`);
          continue;
        }
        signals.push(outcome.signal);
        if (!options.json) {
          const prefix = files.length > 1 ? `${outcome.file}: ` : "";
          io.stdout(`${prefix}${describeSignal(outcome.signal)}\n`);
        }
      }
      if (options.json && (signals.length > 0 || files.length > 1)) {
        io.stdout(`${JSON.stringify(files.length > 1 ? signals : signals[0], null, 2)}\n`);
      }
      setExit(signals.length === files.length ? ExitCode.ok : ExitCode.invalidInput);
    });
}
