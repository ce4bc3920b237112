import { looksLikeSlashCommandBody } from "./slack-command.ts";

/**
 * Reads an event file's text: JSON as JSON; a form-encoded Slack slash-command body (as captured from a
 * request) as the `slack-command` input `normalizeEvent` takes. Other text is returned as is, which
 * `normalizeEvent` reports as `NotAnObject`. Throws `SyntaxError` for text that starts like JSON but is not.
 *
 * @example
 * normalizeEvent(parseEventText(readFileSync("test/events/slack/command.txt", "utf8")));
 */
export function parseEventText(text: string): unknown {
  const trimmed = text.trim();
  if (looksLikeSlashCommandBody(trimmed)) return { kind: "slack-command", body: trimmed };
  if (/^[[{"]/.test(trimmed) || /^(-?\d|true$|false$|null$)/.test(trimmed)) return JSON.parse(trimmed);
  return text;
}
