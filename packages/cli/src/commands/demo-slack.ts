import { signSlackRequest } from "@architech/core";

/** What the control plane answered a person in Slack: the HTTP status and the reply's text. */
export interface SlackReply {
  status: number;
  text: string;
}

/**
 * A person in Slack, as the demo plays them: slash commands and button clicks sent to the embedded
 * runtime's `/slack/*` endpoints exactly as Slack sends them — form-encoded, signed with the app's signing
 * secret over the raw body at the current time.
 *
 * @example
 * const oncall = new SlackPerson({ url, signingSecret, userId: "U024BE7LH", channelId: "C0DEPLOYMENTS" });
 * const reply = await oncall.command("approve approval-01J…");
 */
export class SlackPerson {
  readonly #url: string;
  readonly #signingSecret: string;
  readonly userId: string;
  readonly #channelId: string;
  #triggers = 0;

  constructor(options: { url: string; signingSecret: string; userId: string; channelId: string }) {
    this.#url = options.url;
    this.#signingSecret = options.signingSecret;
    this.userId = options.userId;
    this.#channelId = options.channelId;
  }

  /** Types `/architech <text>` in the person's channel. */
  command(text: string): Promise<SlackReply> {
    const body = new URLSearchParams({
      team_id: "T0DEMO0001",
      team_domain: "architech-demo",
      channel_id: this.#channelId,
      user_id: this.userId,
      command: "/architech",
      text,
      response_url: "https://hooks.slack.com/commands/T0DEMO0001/1/demo",
      trigger_id: `demo.${this.userId}.${++this.#triggers}`,
      api_app_id: "A0DEMO0001",
    }).toString();
    return this.#post("/slack/commands", body);
  }

  /** Clicks Approve or Deny on an approval message (the button's value is the approval id). */
  click(action: "approve" | "deny", approvalId: string): Promise<SlackReply> {
    const payload = {
      type: "block_actions",
      user: { id: this.userId, team_id: "T0DEMO0001" },
      api_app_id: "A0DEMO0001",
      team: { id: "T0DEMO0001", domain: "architech-demo" },
      channel: { id: this.#channelId },
      trigger_id: `demo.${this.userId}.${++this.#triggers}`,
      response_url: "https://hooks.slack.com/actions/T0DEMO0001/1/demo",
      actions: [{ type: "button", action_id: action, block_id: "decision", value: approvalId }],
    };
    return this.#post(
      "/slack/interactions",
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    );
  }

  async #post(path: string, body: string): Promise<SlackReply> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${this.#url}${path}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signSlackRequest({ signingSecret: this.#signingSecret, timestamp, body }),
      },
    });
    const answer = (await response.json()) as { text?: unknown };
    return { status: response.status, text: typeof answer.text === "string" ? answer.text : "" };
  }
}
