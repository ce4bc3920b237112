import type { SlackMessage } from "../../ports/slack.ts";
import { context, fields, header, message, section } from "./elements.ts";
import { code, escapeMrkdwn, slackMention, truncate } from "./mrkdwn.ts";

export interface ReportInput {
  /** A short headline (`Backup verification FAILED: orders`); the first line of `text` when absent. */
  title?: string;
  /** The report itself, plain text (escaped here). */
  text: string;
  severity: "info" | "warning" | "failure";
  /** Who to mention on a failure (`U…` user or `S…` user group); ignored otherwise. */
  mention?: string;
  /** Label / value pairs shown side by side (at most 10). */
  facts?: readonly { label: string; value: string }[];
  runId?: string;
}

const EMOJI = { info: ":information_source:", warning: ":warning:", failure: ":x:" } as const;

/**
 * A report that is not one of a run's own messages (`Notifier.notify`): a headline, the text, optional
 * facts side by side; a failure mentions the on-call.
 *
 * @example
 * buildReport({ title: "Backup verification PASSED", text: "restored in 20 min", severity: "info", facts: [{ label: "RPO", value: "30 min / 1 h" }] });
 */
export function buildReport(input: ReportInput): SlackMessage {
  const { text, severity, facts = [], runId } = input;
  const title = input.title ?? text.split("\n")[0] ?? "";
  const who = severity === "failure" && input.mention ? `${slackMention(input.mention)} ` : "";
  const body = input.title === undefined ? text.split("\n").slice(1).join("\n") : text;
  const blocks = [
    header(title),
    section(`${who}${EMOJI[severity]} ${escapeMrkdwn(truncate(body.trim() || title, 2800))}`),
    ...(facts.length > 0
      ? [fields(facts.map((f) => `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(truncate(f.value, 500))}`))]
      : []),
    ...(runId ? [context([`run ${code(runId)}`])] : []),
  ];
  const fallback = input.title === undefined ? text : `${input.title}: ${text}`;
  return message(`${who}${escapeMrkdwn(fallback)}`, blocks);
}
