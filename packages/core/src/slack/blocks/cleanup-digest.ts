import type { SlackMessage } from "../../ports/slack.ts";
import { context, header, listText, message, section } from "./elements.ts";
import { code, escapeMrkdwn, isSlackId, slackDate, slackMention, truncate } from "./mrkdwn.ts";

export interface CleanupDigestInput {
  /** The `owner` tag's value (`team-b`, or a Slack user / group id, which is then mentioned). */
  owner: string;
  resources: readonly { key: string; reason: string }[];
  /** When the marked resources may be deleted, after the grace period. */
  deleteAfter: string;
  /** The tag that keeps a resource for good (`architech:keep=<reason>`). */
  keepTag: string;
  /** The tag that snoozes it (`architech:snooze-until=<date> <reason>`). */
  snoozeTag: string;
  policy: string;
  runId: string;
}

/**
 * The digest one owner gets: what of theirs was marked for cleanup, why, when it may be deleted, and
 * how to keep or snooze a resource.
 *
 * @example
 * buildCleanupDigest({ owner: "team-b", resources: [{ key: "ebs-volume:vol-0bbb…", reason: "unattached, created 40 days ago" }], deleteAfter, keepTag: KEEP_TAG, snoozeTag: SNOOZE_TAG, policy, runId });
 */
export function buildCleanupDigest(input: CleanupDigestInput): SlackMessage {
  const { owner, resources, deleteAfter, keepTag, snoozeTag, policy, runId } = input;
  const who = isSlackId(owner) ? slackMention(owner) : `*${escapeMrkdwn(owner)}*`;
  const lines = resources.map(
    (r) => `• ${code(truncate(r.key, 200))}: ${escapeMrkdwn(truncate(r.reason, 300))}`,
  );
  const blocks = [
    header(`Marked for cleanup: ${resources.length} resource(s) of ${owner}`),
    section(
      `${who}: ${resources.length} resource(s) marked for cleanup; they may be deleted after ${slackDate(deleteAfter)}.`,
    ),
    section(listText(lines)),
    section(
      `To keep one, tag it ${code(`${keepTag}=<reason>`)}; to decide later, ${code(`${snoozeTag}=<date> <reason>`)}. ` +
        "Tagged resources are re-checked before anything is deleted.",
    ),
    context([`policy *${escapeMrkdwn(policy)}* · run ${code(runId)}`]),
  ];
  // The fallback starts with the owner: what a notification and a search show first.
  const text = escapeMrkdwn(
    `${owner}: ${resources.length} resource(s) marked for cleanup after ${deleteAfter}. ` +
      `Tag ${keepTag}=<reason> to keep one, or ${snoozeTag}=<date> <reason> to snooze it.\n` +
      resources
        .slice(0, 10)
        .map((r) => `• ${r.key} — ${r.reason}`)
        .join("\n") +
      (resources.length > 10 ? `\n…and ${resources.length - 10} more` : ""),
  );
  return message(text, blocks);
}
