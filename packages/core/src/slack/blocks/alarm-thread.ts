import type { SlackMessage } from "../../ports/slack.ts";
import { context, header, message, section } from "./elements.ts";
import { code, escapeMrkdwn, slackDate, truncate } from "./mrkdwn.ts";

export interface AlarmThreadInput {
  alarm: { name: string; arn: string; since: string; reason?: string };
}

/**
 * The head of an alarm episode's thread: the alarm, why it fired, since when. Every run the episode
 * starts replies under it, so a channel shows one line per alarm, not one per run.
 *
 * @example
 * buildAlarmThreadHeader({ alarm: { name: "checkout-api-5xx-rate", arn, since: "2026-12-01T10:00:00.000Z", reason } });
 */
export function buildAlarmThreadHeader({ alarm }: AlarmThreadInput): SlackMessage {
  const reason = alarm.reason ? escapeMrkdwn(truncate(alarm.reason, 2500)) : "_no reason given_";
  const blocks = [
    header(`Alarm: ${alarm.name}`),
    section(
      `:rotating_light: *${escapeMrkdwn(alarm.name)}* is in *ALARM* since ${slackDate(alarm.since)}\n${reason}`,
    ),
    context([code(alarm.arn), "runs it starts reply in this thread"]),
  ];
  const text = escapeMrkdwn(
    `Alarm ${alarm.name} in ALARM since ${alarm.since}${alarm.reason ? `: ${alarm.reason}` : ""}`,
  );
  return message(text, blocks);
}
