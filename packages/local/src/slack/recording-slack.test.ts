import { ResourceNotFoundError } from "@architech/core";
import { describe, expect, it } from "vitest";
import { manualClock } from "../sandbox/test-clock.ts";
import { RecordingSlack, type RecordingSlackOptions, type SlackActivity } from "./recording-slack.ts";

function setup(options: Partial<RecordingSlackOptions> = {}) {
  const clock = manualClock("2026-12-01T10:00:00.000Z");
  const activity: SlackActivity[] = [];
  const slack = new RecordingSlack({ clock, onActivity: (a) => activity.push(a), ...options });
  return { clock, slack, activity };
}

describe("RecordingSlack", () => {
  it("gives every message a ts that increases, even within one second and when the clock goes back", async () => {
    // Prepare
    const { clock, slack } = setup();

    // Act
    const first = await slack.postMessage({ channel: "#oncall", text: "one" });
    const second = await slack.postMessage({ channel: "#oncall", text: "two" });
    clock.advance(2_000);
    const third = await slack.postMessage({ channel: "#oncall", text: "three" });
    clock.advance(-3_600_000);
    const fourth = await slack.postMessage({ channel: "#oncall", text: "four" });

    // Assess
    expect([first.ts, second.ts, third.ts, fourth.ts]).toEqual([
      "1796119200.000001",
      "1796119200.000002",
      "1796119202.000001",
      "1796119202.000002",
    ]);
  });

  it("keeps every version of an updated message and says what changed", async () => {
    // Prepare
    const { clock, slack, activity } = setup();
    const ref = await slack.postMessage({
      channel: "#oncall",
      text: "started",
      blocks: [{ type: "divider" }],
    });
    clock.advance(60_000);

    // Act
    await slack.updateMessage({ ...ref, text: "succeeded" });

    // Assess
    const [message] = slack.messages;
    expect(message).toMatchObject({
      text: "succeeded",
      blocks: [],
      postedAt: "2026-12-01T10:00:00.000Z",
      updatedAt: "2026-12-01T10:01:00.000Z",
    });
    expect(message?.history.map((v) => [v.at, v.text])).toEqual([
      ["2026-12-01T10:00:00.000Z", "started"],
      ["2026-12-01T10:01:00.000Z", "succeeded"],
    ]);
    expect(activity.map((a) => a.kind)).toEqual(["posted", "updated"]);
  });

  it("threads a reply to a reply under the thread's first message, as Slack does", async () => {
    // Prepare
    const { slack } = setup();
    const head = await slack.postMessage({ channel: "#oncall", text: "alarm" });
    const reply = await slack.postMessage({ channel: "#oncall", text: "run", threadTs: head.ts });

    // Act
    await slack.postMessage({ channel: "#oncall", text: "approval", threadTs: reply.ts });

    // Assess
    expect(slack.thread("#oncall", head.ts).map((m) => m.text)).toEqual(["run", "approval"]);
  });

  it("deletes a message, which then can be neither updated nor deleted again", async () => {
    // Prepare
    const { slack, activity } = setup();
    const kept = await slack.postMessage({ channel: "#oncall", text: "kept" });
    const duplicate = await slack.postMessage({ channel: "#oncall", text: "duplicate" });

    // Act
    await slack.deleteMessage(duplicate);

    // Assess
    expect(slack.messages.map((m) => m.ts)).toEqual([kept.ts]);
    expect(activity.map((a) => a.kind)).toEqual(["posted", "posted", "deleted"]);
    await expect(slack.updateMessage({ ...duplicate, text: "x" })).rejects.toBeInstanceOf(
      ResourceNotFoundError,
    );
    await expect(slack.deleteMessage(duplicate)).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it("refuses to update a message it never posted", async () => {
    // Prepare
    const { slack } = setup();

    // Act
    const update = slack.updateMessage({ channel: "#oncall", ts: "1796119200.000001", text: "x" });

    // Assess
    await expect(update).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it("records ephemeral messages and response-URL replies apart from the channel's messages", async () => {
    // Prepare
    const { slack, activity } = setup();

    // Act
    await slack.postEphemeral({ channel: "#oncall", user: "U024BE7LH", text: "only you" });
    await slack.respond("https://hooks.slack.com/commands/T1/1/x", { text: "done", replaceOriginal: true });

    // Assess
    expect(slack.messages).toEqual([]);
    expect(slack.ephemerals).toEqual([
      { channel: "#oncall", user: "U024BE7LH", text: "only you", blocks: [], at: "2026-12-01T10:00:00.000Z" },
    ]);
    expect(slack.responses).toEqual([
      {
        responseUrl: "https://hooks.slack.com/commands/T1/1/x",
        text: "done",
        blocks: [],
        responseType: "ephemeral",
        replaceOriginal: true,
        at: "2026-12-01T10:00:00.000Z",
      },
    ]);
    expect(activity.map((a) => a.kind)).toEqual(["ephemeral", "response"]);
  });

  it("answers user group members from its map, and an unknown group as Slack does", async () => {
    // Prepare
    const { slack } = setup({ userGroups: { S0PLATFORMONCALL: ["U024BE7LH", "U0ANA00001"] } });

    // Act
    const members = await slack.userGroupMembers("S0PLATFORMONCALL");
    const unknown = slack.userGroupMembers("S0NOBODY0000");

    // Assess
    expect(members).toEqual(["U024BE7LH", "U0ANA00001"]);
    await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it("fails a call when its hook throws, recording nothing", async () => {
    // Prepare
    const { slack } = setup({
      beforeCall: ({ operation }) => {
        if (operation === "postMessage") throw new Error("ratelimited");
      },
    });

    // Act
    const post = slack.postMessage({ channel: "#oncall", text: "x" });

    // Assess
    await expect(post).rejects.toThrow("ratelimited");
    expect(slack.messages).toEqual([]);
  });
});
