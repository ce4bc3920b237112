/** A Block Kit block, as Slack's API takes it (built by core's block builders, sent as they are). */
export type SlackBlock = Readonly<Record<string, unknown>>;

/** Where a posted message lives: enough to update it or to thread under it. */
export interface SlackMessageRef {
  /** The channel id Slack answered with (not the `#name` it was posted to). */
  channel: string;
  /** The message's timestamp, Slack's id for it. */
  ts: string;
}

/** A message: `text` is the fallback (notifications, screen readers), `blocks` what Slack shows. */
export interface SlackMessage {
  text: string;
  blocks?: readonly SlackBlock[];
}

/** What chat.postMessage is given. */
export interface SlackPostInput extends SlackMessage {
  channel: string;
  threadTs?: string;
  /** With `threadTs`: the reply shows in the channel as well as in its thread. */
  broadcast?: boolean;
}

/** A reply through a slash command's `response_url` (at most 5 uses within 30 minutes of the command). */
export interface SlackResponseUrlMessage extends SlackMessage {
  /** Default `ephemeral`: only the person who typed the command sees it. */
  responseType?: "ephemeral" | "in_channel";
  /** Replace the message the command or button produced, instead of adding one. */
  replaceOriginal?: boolean;
}

/**
 * Slack's Web API and response URLs, as the control plane uses them: `@slack/web-api` with the bot token
 * on AWS, a recorder on the embedded runtime (so the demo and tests can read what was said).
 *
 * @example
 * const ref = await slack.postMessage({ channel: "#deployments", text, blocks });
 * await slack.updateMessage({ ...ref, text: "rolled back", blocks: finished });
 */
export interface SlackPort {
  /**
   * chat.postMessage; `threadTs` posts the message as a reply in that thread, and `broadcast` shows that
   * reply in the channel too (`reply_broadcast`), for what must not be missed in a thread: approvals.
   */
  postMessage(input: SlackPostInput): Promise<SlackMessageRef>;
  /** chat.update: the message changes in place. */
  updateMessage(input: SlackMessage & SlackMessageRef): Promise<void>;
  /** chat.delete of a message the app posted (a duplicate that lost a race to be the run's one message). */
  deleteMessage(ref: SlackMessageRef): Promise<void>;
  /** chat.postEphemeral: only `user` sees it (when a response URL can no longer be used). */
  postEphemeral(input: SlackMessage & { channel: string; user: string }): Promise<void>;
  /** POSTs to a slash command's or an interaction's `response_url`. */
  respond(responseUrl: string, message: SlackResponseUrlMessage): Promise<void>;
  /** The user ids in a user group (usergroups.users.list), for access control. */
  userGroupMembers(groupId: string): Promise<string[]>;
}
