import { describe, expect, it } from "vitest";
import { parseEventText } from "./event-text.ts";
import { normalizeEvent } from "./normalize.ts";
import { looksLikeSlashCommandBody, parseFormBody } from "./slack-command.ts";
import { readEventFixture, readEventFixtureText, signalOf } from "./test-support.ts";

describe("Slack slash command", () => {
  it("reads the form body: command, text, user, channel, team and response URL", () => {
    // Prepare
    const input = readEventFixture("slack/command.json");

    // Act
    const signal = signalOf(normalizeEvent(input), "chat-command");

    // Assess
    expect(signal).toMatchObject({
      id: "8421736590123.1029384756.f1e2d3c4b5a69788a0b1c2d3e4f5a6b7",
      time: "2026-03-02T10:15:00.000Z",
      account: null,
      region: null,
      platform: "slack",
      command: "/architech",
      text: "rollback checkout-api --cluster prod",
      args: ["rollback", "checkout-api", "--cluster", "prod"],
      userId: "U0B7C8D9E",
      userName: "ana",
      channelId: "C0F4E5D6A",
      channelName: "ops-incidents",
      teamId: "T0A1B2C3D",
      teamDomain: "example-ops",
      enterpriseId: "E0A1B2C3D",
      apiAppId: "A0C1D2E3F",
      responseUrl: "https://hooks.slack.com/commands/T0A1B2C3D/8421736590/xYz9AbC8dEf7GhI6jKl5MnO4",
      triggerId: "8421736590123.1029384756.f1e2d3c4b5a69788a0b1c2d3e4f5a6b7",
      source: { service: "slack", kind: "slack-command", envelopes: [] },
    });
  });

  it("has no time without the request timestamp", () => {
    const body = readEventFixtureText("slack/command.txt");

    const signal = signalOf(normalizeEvent({ kind: "slack-command", body }), "chat-command");

    expect(signal.time).toBeNull();
  });

  it("reads Slack's documented example body, whose text is empty", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
      "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
      "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
      "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    const signal = signalOf(
      normalizeEvent({ kind: "slack-command", body, timestamp: "1531420618" }),
      "chat-command",
    );

    expect([signal.command, signal.text, signal.args, signal.apiAppId, signal.time]).toEqual([
      "/webhook-collect",
      "",
      [],
      null,
      "2018-07-12T18:36:58.000Z",
    ]);
  });

  it("names the missing fields, inside the body", () => {
    const body = "team_id=T1&user_id=U1&command=%2Farchitech&text=status";

    const result = normalizeEvent({ kind: "slack-command", body });

    expect(result).toMatchObject({ ok: false, error: { code: "MalformedEvent", kind: "slack-command" } });
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path.join("."))).toEqual([
      "body.channel_id",
      "body.response_url",
      "body.trigger_id",
    ]);
  });

  it("decodes + as a space and keeps the first of repeated keys", () => {
    expect(parseFormBody("text=a+b%2Bc&text=ignored")).toEqual({ text: "a b+c" });
  });

  it("recognises a captured form body in a fixture file", () => {
    const text = readEventFixtureText("slack/command.txt");

    expect(looksLikeSlashCommandBody(text)).toBe(true);
    expect(parseEventText(text)).toEqual({ kind: "slack-command", body: text.trim() });
    expect(looksLikeSlashCommandBody('{"command":"/x","team_id":"T"}')).toBe(false);
  });
});
