import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "./fake-slack.test-support.ts";
import { slackErrorCode } from "./slack-errors.ts";
import { createSlackWebClient, WebApiSlack, type WebApiSlackOptions } from "./web-api-slack.ts";

const TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
const RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1234567890/abcdefABCDEF123456";
const BLOCKS = [
  { type: "section", text: { type: "mrkdwn", text: "*Rolling back* `checkout-api` to `:41`" } },
  {
    type: "actions",
    elements: [
      { type: "button", action_id: "approve", value: "apr-1", text: { type: "plain_text", text: "Approve" } },
    ],
  },
];

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

/** A clock the test moves by hand. */
function manualClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The adapter on the fake: the waits it would sleep are recorded, not slept. */
function slackOnFake(options: Partial<WebApiSlackOptions> = {}) {
  const waits: number[] = [];
  const slack = new WebApiSlack({
    client: createSlackWebClient(TOKEN, { slackApiUrl: `${fake.url}/api/` }),
    sleep: async (ms) => {
      waits.push(ms);
    },
    // Response URLs are Slack's; this fetch carries them to the fake and keeps the URL asked for.
    fetch: (input, init) => {
      const url = new URL(String(input));
      return fetch(`${fake.url}${url.pathname}${url.search}`, init);
    },
    ...options,
  });
  return { slack, waits };
}

/** What `call` threw. */
async function thrown(call: () => Promise<unknown>): Promise<Error> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected an error, got ${String(error)}`);
  return error;
}

describe("WebApiSlack.postMessage", () => {
  it("posts text, blocks and the thread with the bot token, and answers where the message lives", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, channel: "C0123456789", ts: "1714564800.000100", message: {} } });

    // Act
    const ref = await slack.postMessage({
      channel: "#deployments",
      text: "Rolling back checkout-api to :41",
      blocks: BLOCKS,
      threadTs: "1714564700.000200",
    });

    // Assess
    expect(ref).toEqual({ channel: "C0123456789", ts: "1714564800.000100" });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/api/chat.postMessage");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(fake.form(0)).toEqual({
      channel: "#deployments",
      text: "Rolling back checkout-api to :41",
      blocks: JSON.stringify(BLOCKS),
      thread_ts: "1714564700.000200",
      unfurl_links: "false",
    });
  });

  it("shows a reply in the channel too when asked to broadcast it", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, channel: "C0123456789", ts: "1714564800.000100", message: {} } });

    // Act
    await slack.postMessage({
      channel: "#deployments",
      text: "Approval needed",
      threadTs: "1714564700.000200",
      broadcast: true,
    });

    // Assess
    expect(fake.form(0)).toMatchObject({ thread_ts: "1714564700.000200", reply_broadcast: "true" });
  });

  it("sends neither blocks nor a thread when the message has none", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, channel: "C0123456789", ts: "1714564800.000100" } });

    // Act
    await slack.postMessage({ channel: "C0123456789", text: "Cleanup found nothing stale" });

    // Assess
    expect(fake.form(0)).toEqual({
      channel: "C0123456789",
      text: "Cleanup found nothing stale",
      unfurl_links: "false",
    });
  });

  it("waits out a short rate limit and posts again", async () => {
    // Prepare
    const { slack, waits } = slackOnFake();
    fake.answer(
      { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } },
      { body: { ok: true, channel: "C0123456789", ts: "1714564800.000100" } },
    );

    // Act
    const ref = await slack.postMessage({ channel: "C0123456789", text: "Rolling back" });

    // Assess
    expect(ref.ts).toBe("1714564800.000100");
    expect(waits).toEqual([1000]);
    expect(fake.requests.map((request) => request.path)).toEqual([
      "/api/chat.postMessage",
      "/api/chat.postMessage",
    ]);
    expect(fake.form(1)).toEqual(fake.form(0));
  });

  it("gives up on a rate limit longer than a function may wait, as a transient error", async () => {
    // Prepare
    const { slack, waits } = slackOnFake();
    fake.answer({ status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } });

    // Act
    const error = await thrown(() => slack.postMessage({ channel: "C0123456789", text: "Rolling back" }));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.message).toBe(
      "chat.postMessage on channel C0123456789 was rate-limited by Slack: retry after 30 s",
    );
    expect(waits).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("stops after two rate-limit waits", async () => {
    // Prepare
    const { slack, waits } = slackOnFake();
    const limited = {
      status: 429,
      headers: { "retry-after": "2" },
      body: { ok: false, error: "ratelimited" },
    };
    fake.answer(limited, limited, limited);

    // Act
    const error = await thrown(() => slack.postMessage({ channel: "C0123456789", text: "Rolling back" }));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(waits).toEqual([2000, 2000]);
    expect(fake.requests).toHaveLength(3);
  });

  it("retries a Slack outage twice, then reports it as transient", async () => {
    // Prepare
    const { slack } = slackOnFake();
    const outage = { status: 503, body: "upstream unavailable" };
    fake.answer(outage, outage, outage);

    // Act
    const error = await thrown(() => slack.postMessage({ channel: "C0123456789", text: "Rolling back" }));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.message).toMatch(/^chat\.postMessage on channel C0123456789: Slack answered HTTP 503/);
    expect(fake.requests).toHaveLength(3);
  });

  it.each([
    ["not_in_channel", PortRequestError, /not a member of that channel \(not_in_channel\): invite it there/],
    [
      "channel_not_found",
      PortRequestError,
      /\(channel_not_found\): check the channel in the policy's notify\.slack/,
    ],
    [
      "invalid_auth",
      PortRequestError,
      /did not accept the bot token \(invalid_auth\).*SLACK_BOT_TOKEN_PARAMETER/,
    ],
    ["token_revoked", PortRequestError, /did not accept the bot token \(token_revoked\)/],
    ["internal_error", TransientPortError, /failed for now \(internal_error\), a retry may succeed/],
  ])("maps Slack's %s at once, without retrying", async (code, type, message) => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: false, error: code } });

    // Act
    const error = await thrown(() => slack.postMessage({ channel: "C0123456789", text: "Rolling back" }));

    // Assess
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(slackErrorCode(error)).toBe(code);
    expect(fake.requests).toHaveLength(1);
  });

  it("names the scope a token lacks", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: false, error: "missing_scope", needed: "chat:write", provided: "commands" } });

    // Act
    const error = await thrown(() => slack.postMessage({ channel: "C0123456789", text: "Rolling back" }));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toMatch(/lacks the scope chat:write \(missing_scope\): add it/);
  });
});

describe("WebApiSlack.deleteMessage", () => {
  it("deletes a message the app posted", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, channel: "C0123456789", ts: "1714564800.000100" } });

    // Act
    await slack.deleteMessage({ channel: "C0123456789", ts: "1714564800.000100" });

    // Assess
    expect(fake.requests[0]?.path).toBe("/api/chat.delete");
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.form(0)).toEqual({ channel: "C0123456789", ts: "1714564800.000100" });
  });
});

describe("WebApiSlack.updateMessage and postEphemeral", () => {
  it("updates the message in place", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, channel: "C0123456789", ts: "1714564800.000100", text: "done" } });

    // Act
    await slack.updateMessage({
      channel: "C0123456789",
      ts: "1714564800.000100",
      text: "Rolled back checkout-api to :41",
      blocks: BLOCKS,
    });

    // Assess
    expect(fake.requests[0]?.path).toBe("/api/chat.update");
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.form(0)).toEqual({
      channel: "C0123456789",
      ts: "1714564800.000100",
      text: "Rolled back checkout-api to :41",
      blocks: JSON.stringify(BLOCKS),
    });
  });

  it("reports a message that is gone as not found, with Slack's code reachable", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: false, error: "message_not_found" } });

    // Act
    const error = await thrown(() =>
      slack.updateMessage({ channel: "C0123456789", ts: "1714564800.000100", text: "done" }),
    );

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe("Slack message 1714564800.000100 in channel C0123456789 does not exist");
    expect(slackErrorCode(error)).toBe("message_not_found");
  });

  it("posts an ephemeral message to one user", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, message_ts: "1714564800.000300" } });

    // Act
    await slack.postEphemeral({
      channel: "C0123456789",
      user: "U024BE7LH",
      text: "Only approvers may approve",
    });

    // Assess
    expect(fake.requests[0]?.path).toBe("/api/chat.postEphemeral");
    expect(fake.form(0)).toEqual({
      channel: "C0123456789",
      user: "U024BE7LH",
      text: "Only approvers may approve",
    });
  });
});

describe("WebApiSlack.userGroupMembers", () => {
  it("lists a group's members once and keeps them for five minutes", async () => {
    // Prepare
    const clock = manualClock("2024-05-01T12:00:00Z");
    const { slack } = slackOnFake({ clock });
    fake.answer(
      { body: { ok: true, users: ["U060R4BJ4", "W123A4BC5"] } },
      { body: { ok: true, users: ["U060R4BJ4"] } },
    );

    // Act
    const first = await slack.userGroupMembers("S0614TZR7");
    clock.advance(299_999);
    const cached = await slack.userGroupMembers("S0614TZR7");
    clock.advance(1);
    const refreshed = await slack.userGroupMembers("S0614TZR7");

    // Assess
    expect(first).toEqual(["U060R4BJ4", "W123A4BC5"]);
    expect(cached).toEqual(first);
    expect(refreshed).toEqual(["U060R4BJ4"]);
    expect(fake.requests.map((request) => request.path)).toEqual([
      "/api/usergroups.users.list",
      "/api/usergroups.users.list",
    ]);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.form(0)).toEqual({ usergroup: "S0614TZR7" });
  });

  it("shares one request between concurrent first reads and keeps groups apart", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: true, users: ["U1"] } }, { body: { ok: true, users: ["U2"] } });

    // Act
    const [a, b, other] = await Promise.all([
      slack.userGroupMembers("S1"),
      slack.userGroupMembers("S1"),
      slack.userGroupMembers("S2"),
    ]);

    // Assess
    expect(a).toEqual(["U1"]);
    expect(b).toEqual(["U1"]);
    expect(other).toEqual(["U2"]);
    expect(fake.requests.map((_, i) => fake.form(i).usergroup)).toEqual(["S1", "S2"]);
  });

  it("does not keep a failed read, and reports an unknown group as not found", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: { ok: false, error: "no_such_subteam" } }, { body: { ok: true, users: ["U1"] } });

    // Act
    const error = await thrown(() => slack.userGroupMembers("S0614TZR7"));
    const retried = await slack.userGroupMembers("S0614TZR7");

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe("Slack user group S0614TZR7 does not exist");
    expect(retried).toEqual(["U1"]);
    expect(fake.requests).toHaveLength(2);
  });
});

describe("WebApiSlack.respond", () => {
  it("POSTs the message as JSON to the response URL, ephemeral and added by default", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: "ok" });

    // Act
    await slack.respond(RESPONSE_URL, { text: "Rollback of checkout-api requested", blocks: BLOCKS });

    // Assess
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/commands/T0001/1234567890/abcdefABCDEF123456");
    expect(request?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? "")).toEqual({
      response_type: "ephemeral",
      replace_original: false,
      text: "Rollback of checkout-api requested",
      blocks: BLOCKS,
    });
  });

  it("can answer in the channel and replace the original message", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ body: "ok" });

    // Act
    await slack.respond(RESPONSE_URL, {
      text: "Approved by <@U024BE7LH>",
      responseType: "in_channel",
      replaceOriginal: true,
    });

    // Assess
    expect(JSON.parse(fake.requests[0]?.body ?? "")).toEqual({
      response_type: "in_channel",
      replace_original: true,
      text: "Approved by <@U024BE7LH>",
    });
  });

  it.each([
    "http://hooks.slack.com/commands/T0001/1/abc",
    "https://hooks.slack.com.attacker.example/commands/T0001/1/abc",
    "https://attacker.example/commands/T0001/1/abc",
    "https://xhooks.slack.com/commands/T0001/1/abc",
    "https://slack.com/api/chat.postMessage",
    "https://hooks.slack.com:8443/commands/T0001/1/abc",
    "https://user:secret@hooks.slack.com/commands/T0001/1/abc",
    "https://169.254.169.254/latest/meta-data/",
    "hooks.slack.com/commands/T0001/1/abc",
  ])("refuses to POST to %s", async (url) => {
    // Prepare
    let fetched = 0;
    const { slack } = slackOnFake({
      fetch: async () => {
        fetched += 1;
        return new Response("ok");
      },
    });

    // Act
    const error = await thrown(() => slack.respond(url, { text: "hello" }));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toMatch(/^response_url (refused|is not a URL)/);
    expect(error.message).not.toContain("secret");
    expect(fetched).toBe(0);
  });

  it("reports a used or expired URL as permanent, a Slack outage as transient, without the URL's path", async () => {
    // Prepare
    const { slack } = slackOnFake();
    fake.answer({ status: 404, body: "expired_url" }, { status: 500, body: "internal_error" });

    // Act
    const expired = await thrown(() => slack.respond(RESPONSE_URL, { text: "late" }));
    const outage = await thrown(() => slack.respond(RESPONSE_URL, { text: "late" }));

    // Assess
    expect(expired).toBeInstanceOf(PortRequestError);
    expect(expired.message).toBe(
      "response_url POST to https://hooks.slack.com: Slack answered HTTP 404 expired_url",
    );
    expect(outage).toBeInstanceOf(TransientPortError);
    for (const error of [expired, outage]) expect(error.message).not.toContain("abcdefABCDEF123456");
    expect(fake.requests).toHaveLength(2);
  });

  it("reports a response URL that cannot be reached as transient", async () => {
    // Prepare
    const { slack } = slackOnFake({
      fetch: async () => {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
        });
      },
    });

    // Act
    const error = await thrown(() => slack.respond(RESPONSE_URL, { text: "hello" }));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.message).toMatch(/did not reach Slack, a retry may succeed: TypeError: fetch failed/);
  });
});
