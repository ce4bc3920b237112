import { readFileSync } from "node:fs";
import { parseEventText } from "@architech/core";

export type EventFile = { file: string; event: unknown } | { file: string; problem: string };

/**
 * Reads an event file as the commands take it: a JSON event (EventBridge, SNS, SQS, alarm action…) or a
 * captured Slack slash-command body. Unreadable files and bad JSON come back as a problem, not a throw.
 */
export function readEventFile(file: string): EventFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return {
      file,
      problem: `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  try {
    return { file, event: parseEventText(text) };
  } catch (error) {
    return { file, problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}
