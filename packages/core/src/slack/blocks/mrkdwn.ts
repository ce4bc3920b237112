/**
 * Slack's limits on what a message may hold (Block Kit reference): past them Slack refuses the message
 * (`invalid_blocks`, `msg_too_long`), so every builder stays inside them and says what it left out.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocks: 50,
  /** A section's `text`. */
  sectionText: 3000,
  /** A header's plain text. */
  headerText: 150,
  /** A button's label. */
  buttonText: 75,
  /** A button's `value`. */
  buttonValue: 2000,
  /** Elements of one context block. */
  contextElements: 10,
  /**
   * The message's fallback `text`. Slack truncates past 40,000 characters and advises keeping it to a
   * few thousand; the blocks carry the detail.
   */
  messageText: 4000,
  /**
   * All the text of a message's blocks together. Not documented: Slack answers `msg_blocks_too_long`
   * somewhere above 13,000 characters, so a message keeps well below that.
   */
  totalBlockText: 12_000,
} as const;

/** Items of one list before it ends with "…and N more" (the section's character limit may cut sooner). */
export const MAX_LIST_ITEMS = 25;

/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` are Slack's control characters (links, mentions,
 * dates), so text from users or AWS must carry them as entities or it could mention `@channel` or forge a
 * link.
 *
 * @example
 * escapeMrkdwn("p95 > 2 s & <!channel>"); // "p95 &gt; 2 s &amp; &lt;!channel&gt;"
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to `max` characters, ending with "…" when it was longer. Text already escaped is never cut
 * inside an entity or a `<…>` token (a half token would break the rest of the message).
 *
 * @example
 * truncate("a".repeat(10), 5); // "aaaa…"
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  cut = cut.replace(/&[a-z]{0,4}$/, "");
  const open = cut.lastIndexOf("<");
  if (open > cut.lastIndexOf(">")) cut = cut.slice(0, open);
  return `${cut}…`;
}

/** A Slack user id (`U…`, `W…` on Enterprise Grid) or user group id (`S…`). */
const USER_ID = /^[UW][A-Z0-9]{8,}$/;
const USER_GROUP_ID = /^S[A-Z0-9]{8,}$/;

/** True when `who` is a Slack user or user group id, which {@link slackMention} turns into a mention. */
export function isSlackId(who: string): boolean {
  return USER_ID.test(who) || USER_GROUP_ID.test(who);
}

/**
 * Mentions a user (`<@U…>`) or a user group (`<!subteam^S…>`); anything else is shown as escaped text,
 * never as markup.
 *
 * @example
 * slackMention("S0PLATFORMONCALL"); // "<!subteam^S0PLATFORMONCALL>"
 * slackMention("U024BE7LH"); // "<@U024BE7LH>"
 * slackMention("team-b"); // "team-b"
 */
export function slackMention(who: string): string {
  if (USER_ID.test(who)) return `<@${who}>`;
  if (USER_GROUP_ID.test(who)) return `<!subteam^${who}>`;
  return escapeMrkdwn(who);
}

/**
 * A time every reader sees in their own time zone (`<!date^…>`), falling back to the ISO instant where
 * Slack cannot format it (notifications, old clients). Text that is not a time is shown as it is.
 *
 * @example
 * slackDate("2026-12-01T10:15:00.000Z"); // "<!date^1796120100^{date_short_pretty} {time}|2026-12-01T10:15:00.000Z>"
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** Inline code: backticks inside would end it early, so they become a look-alike. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "ˋ"))}\``;
}
