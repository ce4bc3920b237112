import { readFileSync } from "node:fs";
import { compileEventPattern, InvalidEventPatternError } from "@architech/core";
import type { Command } from "commander";
import { type CommandIO, ExitCode } from "../io.ts";

/** TestEventPattern refuses longer patterns (API reference, TestEventPattern, EventPattern). */
const MAX_EVENT_PATTERN_LENGTH = 4096;

/**
 * Fields TestEventPattern requires of an event. The API reference also lists `resources`, but the service
 * accepts events without it (LocalStack's tests, validated against AWS, send such events).
 */
const MANDATORY_EVENT_FIELDS = ["id", "account", "source", "time", "region", "detail-type"] as const;

class InputError extends Error {}

/** Reads an argument the way the AWS CLI does: `file://path` is the file's content, anything else itself. */
function readArgument(option: string, value: string): string {
  if (!value.startsWith("file://")) return value;
  const path = value.slice("file://".length);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`architech test-event-pattern: cannot read ${option} ${value}: ${reason}`);
  }
}

function eventProblem(text: string): string | undefined {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return `it is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof event !== "object" || event === null || Array.isArray(event))
    return "an event must be a JSON object";
  const missing = MANDATORY_EVENT_FIELDS.filter((field) => !Object.hasOwn(event, field));
  if (missing.length > 0) return `the event lacks the mandatory field(s) ${missing.join(", ")}`;
  return undefined;
}

/**
 * `architech test-event-pattern`: whether an event matches an event pattern, answered as
 * `aws events test-event-pattern` answers (`{"Result":true}` or `{"Result":false}`), with the same
 * refusals for an invalid pattern or event, on the engine the control plane routes with.
 *
 * @example
 * architech test-event-pattern --event-pattern '{"source":["aws.ec2"]}' --event file://event.json
 */
export function registerTestEventPattern(
  program: Command,
  io: CommandIO,
  setExit: (code: number) => void,
): void {
  program
    .command("test-event-pattern")
    .description(
      "test whether an event matches an EventBridge event pattern (as aws events test-event-pattern)",
    )
    .requiredOption("--event-pattern <json|file://path>", "the event pattern, as JSON or file://path")
    .requiredOption(
      "--event <json|file://path>",
      `the event, as JSON or file://path; it must carry ${MANDATORY_EVENT_FIELDS.join(", ")}`,
    )
    .addHelpText(
      "after",
      [
        "",
        'Prints {"Result":true} or {"Result":false} and exits 0. An invalid pattern exits 2 with',
        '"InvalidEventPatternException: Event pattern is not valid. Reason: …" on stderr, an invalid event',
        'with "ValidationException: Parameter Event is not valid. …", an unreadable file with its error.',
      ].join("\n"),
    )
    .action((options: { eventPattern: string; event: string }) => {
      try {
        const patternText = readArgument("--event-pattern", options.eventPattern);
        const eventText = readArgument("--event", options.event);
        if (patternText.length > MAX_EVENT_PATTERN_LENGTH) {
          throw new InputError(
            "ValidationException: 1 validation error detected: Value at 'eventPattern' failed to satisfy " +
              `constraint: Member must have length less than or equal to ${MAX_EVENT_PATTERN_LENGTH}`,
          );
        }
        const pattern = compileEventPattern(patternText);
        const problem = eventProblem(eventText);
        if (problem !== undefined) {
          throw new InputError(`ValidationException: Parameter Event is not valid. Reason: ${problem}`);
        }
        io.stdout(`${JSON.stringify({ Result: pattern.matches(eventText) })}\n`);
        setExit(ExitCode.ok);
      } catch (error) {
        if (error instanceof InvalidEventPatternError) {
          io.stderr(`InvalidEventPatternException: ${error.message}\n`);
        } else if (error instanceof InputError) {
          io.stderr(`${error.message}\n`);
        } else {
          throw error;
        }
        setExit(ExitCode.invalidInput);
      }
    });
}
