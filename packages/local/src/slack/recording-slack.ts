import {
  type Clock,
  ResourceNotFoundError,
  type SlackBlock,
  type SlackMessage,
  type SlackMessageRef,
  type SlackPort,
  type SlackPostInput,
  type SlackResponseUrlMessage,
} from "@architech/core";

/** One version of a message: what it said from `at` on. */
export interface SlackMessageVersion {
  at: string;
  text: string;
  blocks: readonly SlackBlock[];
}

/** A message as the recorder keeps it: where it is, what it says now, and every version it had. */
export interface RecordedSlackMessage {
  /** The channel as it was posted to (`#oncall`): the recorder answers with it as the channel id. */
  channel: string;
  ts: string;
  /** The thread it replies in (the thread's first message); absent for a message at the top. */
  threadTs?: string;
  /** A reply in a thread that shows in the channel too (`reply_broadcast`). */
  broadcast?: boolean;
  /** What it says now. */
  text: string;
  blocks: readonly SlackBlock[];
  postedAt: string;
  /** Set once it has been updated: when it last was. */
  updatedAt?: string;
  /** Every version, oldest first: as posted, then after each update. The last is what it says now. */
  history: readonly SlackMessageVersion[];
}

/** A message only one person saw (chat.postEphemeral). */
export interface RecordedEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: readonly SlackBlock[];
  at: string;
}

/** A reply through a slash command's or an interaction's response URL. */
export interface RecordedResponse {
  responseUrl: string;
  text: string;
  blocks: readonly SlackBlock[];
  responseType: "ephemeral" | "in_channel";
  replaceOriginal: boolean;
  at: string;
}

/** What just happened on the recorder, for a live log. */
export type SlackActivity =
  | { kind: "posted"; message: RecordedSlackMessage }
  | { kind: "updated"; message: RecordedSlackMessage }
  | { kind: "deleted"; message: RecordedSlackMessage }
  | { kind: "ephemeral"; ephemeral: RecordedEphemeral }
  | { kind: "response"; response: RecordedResponse };

/** The Slack calls the recorder serves, named as the sandbox's fault plan names them. */
export type RecordingSlackOperation =
  | "postMessage"
  | "updateMessage"
  | "deleteMessage"
  | "postEphemeral"
  | "respond"
  | "userGroupMembers";

export interface RecordingSlackOptions {
  /** Stamps messages and makes their `ts` (`<epoch seconds>.<sequence>`). */
  clock: Clock;
  /** The members of each user group (`S…` → `U…` ids), as usergroups.users.list answers. */
  userGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Called before every call with what it is about: throwing fails the call as Slack would. The sandbox
   * account plugs its fault plan in here.
   */
  beforeCall?: (call: { operation: RecordingSlackOperation; target: string }) => void;
  /** Told of every message posted or updated, ephemeral shown and response sent. */
  onActivity?: (activity: SlackActivity) => void;
}

/**
 * A {@link SlackPort} that records instead of sending: every message with its channel, `ts`, thread and
 * blocks, every update (the earlier versions kept), every ephemeral message and response-URL reply. The
 * embedded runtime's Slack: the demo, the dashboard and tests read what the control plane said.
 *
 * @example
 * const slack = new RecordingSlack({ clock, userGroups: { S0PLATFORMONCALL: ["U024BE7LH"] } });
 * const ref = await slack.postMessage({ channel: "#oncall", text: "started" });
 * await slack.updateMessage({ ...ref, text: "succeeded" });
 * slack.messages[0]?.history.map((v) => v.text); // ["started", "succeeded"]
 */
export class RecordingSlack implements SlackPort {
  readonly #clock: Clock;
  readonly #userGroups: Readonly<Record<string, readonly string[]>>;
  readonly #beforeCall: RecordingSlackOptions["beforeCall"];
  readonly #onActivity: RecordingSlackOptions["onActivity"];
  readonly #messages: RecordedSlackMessage[] = [];
  readonly #ephemerals: RecordedEphemeral[] = [];
  readonly #responses: RecordedResponse[] = [];
  #lastSecond = 0;
  #sequence = 0;

  constructor(options: RecordingSlackOptions) {
    this.#clock = options.clock;
    this.#userGroups = options.userGroups ?? {};
    this.#beforeCall = options.beforeCall;
    this.#onActivity = options.onActivity;
  }

  /** Every message posted, in the order posted, each as it reads now. */
  get messages(): readonly RecordedSlackMessage[] {
    return this.#messages;
  }

  get ephemerals(): readonly RecordedEphemeral[] {
    return this.#ephemerals;
  }

  get responses(): readonly RecordedResponse[] {
    return this.#responses;
  }

  /** The replies in the thread of the message `ts` of `channel`, oldest first. */
  thread(channel: string, ts: string): RecordedSlackMessage[] {
    return this.#messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  async postMessage(input: SlackPostInput): Promise<SlackMessageRef> {
    this.#beforeCall?.({ operation: "postMessage", target: `channel:${input.channel}` });
    const at = this.#now();
    const ts = this.#nextTs();
    // A reply to a reply lands in the thread of the first message, as in Slack: threads are one level deep.
    const parent = input.threadTs
      ? this.#messages.find((m) => m.channel === input.channel && m.ts === input.threadTs)
      : undefined;
    const threadTs = parent?.threadTs ?? input.threadTs;
    const version: SlackMessageVersion = { at, text: input.text, blocks: input.blocks ?? [] };
    const message: RecordedSlackMessage = {
      channel: input.channel,
      ts,
      ...(threadTs ? { threadTs } : {}),
      ...(threadTs && input.broadcast ? { broadcast: true } : {}),
      text: input.text,
      blocks: version.blocks,
      postedAt: at,
      history: [version],
    };
    this.#messages.push(message);
    this.#onActivity?.({ kind: "posted", message });
    return { channel: input.channel, ts };
  }

  async updateMessage(input: SlackMessage & SlackMessageRef): Promise<void> {
    this.#beforeCall?.({ operation: "updateMessage", target: `channel:${input.channel}` });
    const index = this.#messages.findIndex((m) => m.channel === input.channel && m.ts === input.ts);
    const current = this.#messages[index];
    // chat.update answers `message_not_found`.
    if (current === undefined)
      throw new ResourceNotFoundError(`Slack message ${input.ts} in ${input.channel}`);
    const at = this.#now();
    const version: SlackMessageVersion = { at, text: input.text, blocks: input.blocks ?? [] };
    // Messages are replaced, never changed: what a caller read earlier stays as it was.
    const updated: RecordedSlackMessage = {
      ...current,
      text: version.text,
      blocks: version.blocks,
      updatedAt: at,
      history: [...current.history, version],
    };
    this.#messages[index] = updated;
    this.#onActivity?.({ kind: "updated", message: updated });
  }

  async deleteMessage(ref: SlackMessageRef): Promise<void> {
    this.#beforeCall?.({ operation: "deleteMessage", target: `channel:${ref.channel}` });
    const index = this.#messages.findIndex((m) => m.channel === ref.channel && m.ts === ref.ts);
    const current = this.#messages[index];
    // chat.delete answers `message_not_found`.
    if (current === undefined) throw new ResourceNotFoundError(`Slack message ${ref.ts} in ${ref.channel}`);
    this.#messages.splice(index, 1);
    this.#onActivity?.({ kind: "deleted", message: current });
  }

  async postEphemeral(input: SlackMessage & { channel: string; user: string }): Promise<void> {
    this.#beforeCall?.({ operation: "postEphemeral", target: `channel:${input.channel}` });
    const ephemeral: RecordedEphemeral = {
      channel: input.channel,
      user: input.user,
      text: input.text,
      blocks: input.blocks ?? [],
      at: this.#now(),
    };
    this.#ephemerals.push(ephemeral);
    this.#onActivity?.({ kind: "ephemeral", ephemeral });
  }

  async respond(responseUrl: string, message: SlackResponseUrlMessage): Promise<void> {
    this.#beforeCall?.({ operation: "respond", target: `response-url:${responseUrl}` });
    const response: RecordedResponse = {
      responseUrl,
      text: message.text,
      blocks: message.blocks ?? [],
      responseType: message.responseType ?? "ephemeral",
      replaceOriginal: message.replaceOriginal ?? false,
      at: this.#now(),
    };
    this.#responses.push(response);
    this.#onActivity?.({ kind: "response", response });
  }

  async userGroupMembers(groupId: string): Promise<string[]> {
    this.#beforeCall?.({ operation: "userGroupMembers", target: `usergroup:${groupId}` });
    const members = this.#userGroups[groupId];
    // usergroups.users.list answers `no_such_subteam`.
    if (members === undefined) throw new ResourceNotFoundError(`Slack user group ${groupId}`);
    return [...members];
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  /** `<epoch seconds>.<6 digits>`, increasing with every message even when the clock stands still. */
  #nextTs(): string {
    const second = Math.floor(this.#clock.now().getTime() / 1000);
    if (second > this.#lastSecond) {
      this.#lastSecond = second;
      this.#sequence = 0;
    }
    this.#sequence += 1;
    if (this.#sequence > 999_999) {
      // A million messages in one second: borrow the next second rather than repeat a ts.
      this.#lastSecond += 1;
      this.#sequence = 1;
    }
    return `${this.#lastSecond}.${String(this.#sequence).padStart(6, "0")}`;
  }
}
