import { describe, expect, it } from "vitest";
import type { RunNotice, RunNoticeRef } from "../ports/notifier.ts";
import type { SlackBlock, SlackMessage, SlackPort } from "../ports/slack.ts";
import type { SlackThread, SlackThreadStore } from "../store/slack-thread.ts";
import { alarmEpisodeId, type NotifierFailure, SlackNotifier } from "./slack-notifier.ts";

const NOW = new Date("2026-12-01T10:05:00.000Z");
const ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate";

interface Posted extends SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  broadcast?: boolean;
  versions: SlackMessage[];
}

/** Slack as a list of messages: posts get increasing timestamps, updates replace a message's content. */
function fakeSlack() {
  const messages: Posted[] = [];
  const calls: string[] = [];
  let failing: Error | undefined;
  let posts = 0;
  const port: SlackPort = {
    async postMessage({ channel, threadTs, broadcast, text, blocks }) {
      calls.push("post");
      if (failing) throw failing;
      const ts = `1796119500.${String(++posts).padStart(6, "0")}`;
      messages.push({
        channel,
        ts,
        ...(threadTs ? { threadTs } : {}),
        ...(broadcast ? { broadcast } : {}),
        text,
        ...(blocks ? { blocks } : {}),
        versions: [],
      });
      return { channel, ts };
    },
    async updateMessage({ channel, ts, text, blocks }) {
      calls.push("update");
      if (failing) throw failing;
      const message = messages.find((m) => m.channel === channel && m.ts === ts);
      if (!message) throw new Error("message_not_found");
      message.versions.push({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
      message.text = text;
      message.blocks = blocks;
    },
    async deleteMessage({ channel, ts }) {
      calls.push("delete");
      if (failing) throw failing;
      const index = messages.findIndex((m) => m.channel === channel && m.ts === ts);
      if (index < 0) throw new Error("message_not_found");
      messages.splice(index, 1);
    },
    postEphemeral: async () => {},
    respond: async () => {},
    userGroupMembers: async () => [],
  };
  return {
    port,
    messages,
    calls,
    failWith(error: Error | undefined) {
      failing = error;
    },
  };
}

/** The store's Slack threads in memory: first recorded wins, as the conditional write does. */
function fakeThreads(): SlackThreadStore & { all: Map<string, SlackThread> } {
  const all = new Map<string, SlackThread>();
  return {
    all,
    async recordSlackThread(input) {
      const key = `${input.subject}#${input.id}`;
      const existing = all.get(key);
      if (existing) return { recorded: false, existing };
      const thread: SlackThread = { ...input, createdAt: NOW.toISOString() };
      all.set(key, thread);
      return { recorded: true, thread };
    },
    async getSlackThread({ subject, id }) {
      return all.get(`${subject}#${id}`);
    },
  };
}

function run(overrides: Partial<RunNoticeRef> = {}): RunNoticeRef {
  return {
    runId: "run-1",
    policy: "rollback-on-errors",
    runbook: "rollback",
    targetKey: "ecs-service:prod/checkout-api",
    mode: "auto",
    notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
    trigger: {
      type: "alarm",
      summary: 'alarm "checkout-api-5xx-rate" OK → ALARM',
      alarm: {
        name: "checkout-api-5xx-rate",
        arn: ALARM_ARN,
        since: "2026-12-01T10:00:00.000Z",
        reason: "Threshold Crossed: 1 datapoint [7.2] was greater than the threshold (5.0)",
      },
    },
    ...overrides,
  };
}

const byHand = (overrides: Partial<RunNoticeRef> = {}) =>
  run({
    trigger: { type: "chat-command", summary: "/architech rollback", requestedBy: "U024BE7LH" },
    ...overrides,
  });

function setup() {
  const slack = fakeSlack();
  const threads = fakeThreads();
  const failures: { error: unknown; failure: NotifierFailure }[] = [];
  const notifier = new SlackNotifier({
    slack: slack.port,
    threads,
    clock: { now: () => NOW },
    defaultChannel: "#architech",
    onError: (error, failure) => failures.push({ error, failure }),
  });
  return { slack, threads, failures, notifier };
}

const actionsOf = (blocks: readonly SlackBlock[] | undefined) =>
  (blocks ?? []).filter((b) => b.type === "actions");

describe("SlackNotifier: one message per run", () => {
  it("posts the run's message when it starts and updates that one message when it finishes", async () => {
    const { slack, notifier, threads } = setup();
    const ref = byHand();

    await notifier.announce({ kind: "run-started", run: ref, status: "pending" });
    await notifier.announce({ kind: "run-progress", run: ref, step: "acting: roll back to checkout-api:41" });
    await notifier.announce({
      kind: "run-finished",
      run: ref,
      status: "succeeded",
      reason: "alarm back to OK",
    });

    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message?.channel).toBe("#oncall");
    expect(message?.text).toContain("succeeded — alarm back to OK");
    expect(message?.versions.map((v) => v.text)).toEqual([
      expect.stringContaining("started"),
      expect.stringContaining("acting: roll back to checkout-api:41"),
    ]);
    expect(await threads.getSlackThread({ subject: "run", id: "run-1" })).toMatchObject({ ts: message?.ts });
  });

  it("posts the message at the first notice it gets when the start was never announced", async () => {
    const { slack, notifier } = setup();

    await notifier.announce({
      kind: "run-finished",
      run: byHand(),
      status: "dry-run",
      reason: "would roll back",
    });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain("dry run");
  });

  it("lets a late start announcement change nothing the workflow already said", async () => {
    const { slack, notifier } = setup();
    const ref = byHand();

    await notifier.announce({ kind: "run-progress", run: ref, step: "acting" });
    await notifier.announce({ kind: "run-started", run: ref, status: "pending" });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain("acting");
    expect(slack.calls).toEqual(["post"]);
  });

  it("updates the message another delivery kept first when two race to post it", async () => {
    const { slack, notifier, threads } = setup();
    const ref = byHand();
    await threads.recordSlackThread({
      subject: "run",
      id: "run-1",
      channel: "#oncall",
      ts: "1796119400.000001",
    });
    slack.messages.push({ channel: "#oncall", ts: "1796119400.000001", text: "started", versions: [] });
    // The store lost the first lookup's answer: this delivery posts, then finds the record taken.
    const get = threads.getSlackThread;
    threads.getSlackThread = async (key) => (key.subject === "run" ? undefined : get(key));

    await notifier.announce({ kind: "run-finished", run: ref, status: "succeeded", reason: "done" });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.ts).toBe("1796119400.000001");
    expect(slack.messages[0]?.text).toContain("succeeded");
    expect(slack.calls).toEqual(["post", "delete", "update"]);
  });

  it("leaves one message per run and one alarm header when the start and the first step announce at once", async () => {
    const { slack, notifier } = setup();
    const ref = run();

    await Promise.all([
      notifier.announce({ kind: "run-started", run: ref, status: "pending" }),
      notifier.announce({ kind: "run-progress", run: ref, step: "acting: roll back to 41" }),
    ]);

    const headers = slack.messages.filter((m) => m.threadTs === undefined);
    const replies = slack.messages.filter((m) => m.threadTs !== undefined);
    expect(headers).toHaveLength(1);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.threadTs).toBe(headers[0]?.ts);
    expect(replies[0]?.text).toContain("acting");
  });
});

describe("SlackNotifier: alarm threads", () => {
  it("threads the runs of one alarm episode under one header, and starts another for the next episode", async () => {
    const { slack, notifier, threads } = setup();
    const first = run();
    const second = run({ runId: "run-2", policy: "page-on-errors" });
    const nextEpisode = run({
      runId: "run-3",
      trigger: {
        ...first.trigger,
        alarm: { name: "checkout-api-5xx-rate", arn: ALARM_ARN, since: "2026-12-01T12:00:00.000Z" },
      },
    });

    await notifier.announce({ kind: "run-started", run: first, status: "pending" });
    await notifier.announce({ kind: "run-started", run: second, status: "pending" });
    await notifier.announce({ kind: "run-started", run: nextEpisode, status: "pending" });

    const headers = slack.messages.filter((m) => m.threadTs === undefined);
    expect(headers.map((h) => h.text)).toEqual([
      expect.stringContaining("Alarm checkout-api-5xx-rate in ALARM since 2026-12-01T10:00:00.000Z"),
      expect.stringContaining("since 2026-12-01T12:00:00.000Z"),
    ]);
    const replies = slack.messages.filter((m) => m.threadTs !== undefined);
    expect(replies.map((r) => r.threadTs)).toEqual([headers[0]?.ts, headers[0]?.ts, headers[1]?.ts]);
    expect(
      await threads.getSlackThread({
        subject: "alarm",
        id: alarmEpisodeId({ arn: ALARM_ARN, since: "2026-12-01T10:00:00.000Z" }),
      }),
    ).toMatchObject({ ts: headers[0]?.ts });
  });

  it("puts a run's approval in the alarm's thread, beside the run's message", async () => {
    const { slack, notifier } = setup();
    const ref = run({ mode: "approve" });

    await notifier.announce({ kind: "run-started", run: ref, status: "awaiting-approval" });
    await notifier.announce({
      kind: "approval-requested",
      run: ref,
      approvalId: "approval-run-1",
      expiresAt: "2026-12-01T11:05:00.000Z",
      plan: { summary: "roll back", why: "alarm", changes: [], planHash: "sha256:abc" },
    });

    const [header, runMessage, approval] = slack.messages;
    expect(runMessage?.threadTs).toBe(header?.ts);
    expect(approval?.threadTs).toBe(header?.ts);
    // Shown in the channel too: an approval must not wait unseen in a thread; the run's message need not.
    expect(approval?.broadcast).toBe(true);
    expect(runMessage?.broadcast).toBeUndefined();
  });
});

describe("SlackNotifier: approvals", () => {
  const requested = (ref: RunNoticeRef): RunNotice => ({
    kind: "approval-requested",
    run: ref,
    approvalId: "approval-run-1",
    expiresAt: "2026-12-01T11:05:00.000Z",
    escalateAt: "2026-12-01T10:20:00.000Z",
    plan: {
      summary: "roll ecs-service:prod/checkout-api back from checkout-api:42 to checkout-api:41",
      why: "requested by U024BE7LH",
      changes: [
        {
          target: "ecs-service:prod/checkout-api",
          action: "roll back",
          from: "checkout-api:42",
          to: "checkout-api:41",
        },
      ],
      planHash: `sha256:${"a".repeat(64)}`,
    },
  });

  it("posts the approval in the run's thread with buttons carrying only its id, once", async () => {
    const { slack, notifier, threads } = setup();
    const ref = byHand({ mode: "approve" });

    await notifier.announce(requested(ref));
    await notifier.announce(requested(ref));

    const [runMessage, approval, ...more] = slack.messages;
    expect(more).toEqual([]);
    expect(runMessage?.text).toContain("awaiting approval");
    expect(approval?.threadTs).toBe(runMessage?.ts);
    const buttons = actionsOf(approval?.blocks).flatMap(
      (b) => b.elements as { action_id: string; value: string }[],
    );
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ["approve", "approval-run-1"],
      ["deny", "approval-run-1"],
    ]);
    expect(await threads.getSlackThread({ subject: "approval", id: "approval-run-1" })).toMatchObject({
      ts: approval?.ts,
    });
  });

  it("takes the buttons off once decided, saying who decided", async () => {
    const { slack, notifier } = setup();
    const ref = byHand({ mode: "approve" });
    await notifier.announce(requested(ref));

    await notifier.announce({
      kind: "approval-decided",
      run: ref,
      approvalId: "approval-run-1",
      decision: "approved",
      by: "U024BE7LH",
    });

    const approval = slack.messages[1];
    expect(actionsOf(approval?.blocks)).toEqual([]);
    expect(approval?.text).toContain("approved by <@U024BE7LH>");
    expect(approval?.versions).toHaveLength(1);
  });

  it("says an expired approval counts as denied", async () => {
    const { slack, notifier } = setup();
    const ref = byHand({ mode: "approve" });
    await notifier.announce(requested(ref));

    await notifier.announce({
      kind: "approval-decided",
      run: ref,
      approvalId: "approval-run-1",
      decision: "expired",
      by: "architech",
    });

    expect(slack.messages[1]?.text).toContain("expired (denied)");
    expect(actionsOf(slack.messages[1]?.blocks)).toEqual([]);
  });

  it("mentions the on-call in the run's thread when an approval waits too long", async () => {
    const { slack, notifier } = setup();
    const ref = byHand({ mode: "approve" });
    await notifier.announce(requested(ref));

    await notifier.announce({
      kind: "approval-escalated",
      run: ref,
      approvalId: "approval-run-1",
      expiresAt: "2026-12-01T11:05:00.000Z",
    });

    const escalation = slack.messages[2];
    expect(escalation?.threadTs).toBe(slack.messages[0]?.ts);
    expect(escalation?.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> /);
  });
});

describe("SlackNotifier: failures and the on-call", () => {
  it("pages the on-call with a reply when a run whose message exists fails (an edit notifies nobody)", async () => {
    const { slack, notifier } = setup();
    const ref = byHand();
    await notifier.announce({ kind: "run-started", run: ref, status: "pending" });

    await notifier.announce({
      kind: "run-finished",
      run: ref,
      status: "failed",
      reason: "alarm still ALARM",
    });

    const [runMessage, page] = slack.messages;
    expect(runMessage?.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> .*failed — alarm still ALARM/);
    expect(page?.threadTs).toBe(runMessage?.ts);
    expect(page?.text).toContain("<!subteam^S0PLATFORMONCALL>");
    expect(slack.messages).toHaveLength(2);
  });

  it("mentions the on-call in the message itself when the failure is its first post", async () => {
    const { slack, notifier } = setup();

    await notifier.announce({ kind: "run-finished", run: byHand(), status: "failed", reason: "denied" });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain("<!subteam^S0PLATFORMONCALL>");
  });

  it("says a circuit-breaker trip once, mentioning the on-call, in the default channel without notify", async () => {
    const { slack, notifier } = setup();

    await notifier.announce({
      kind: "circuit-breaker",
      policy: "rollback-on-errors",
      detail: "3 failures in 1h",
    });
    await notifier.announce({
      kind: "circuit-breaker",
      policy: "rollback-on-errors",
      notify: { slack: "#oncall", oncall: "U024BE7LH" },
      detail: "3 failures in 1h",
    });

    expect(slack.messages.map((m) => m.channel)).toEqual(["#architech", "#oncall"]);
    expect(slack.messages[0]?.text).not.toContain("<@");
    expect(slack.messages[1]?.text).toMatch(/^<@U024BE7LH> /);
  });
});

describe("SlackNotifier: a run never fails because Slack did", () => {
  it("swallows a Slack failure and reports it to onError", async () => {
    const { slack, notifier, failures } = setup();
    const error = new Error("ratelimited");
    slack.failWith(error);

    await expect(
      notifier.announce({ kind: "run-finished", run: byHand(), status: "succeeded", reason: "ok" }),
    ).resolves.toBeUndefined();
    await expect(
      notifier.notify({ channel: "#ops", text: "report", severity: "info" }),
    ).resolves.toBeUndefined();

    expect(failures).toEqual([
      { error, failure: { kind: "run-finished", channel: "#oncall", runId: "run-1" } },
      { error, failure: { kind: "notify", channel: "#ops" } },
    ]);
  });

  it("swallows a failing store and a failing onError hook alike", async () => {
    const slack = fakeSlack();
    const notifier = new SlackNotifier({
      slack: slack.port,
      threads: {
        recordSlackThread: async () => {
          throw new Error("TransientStoreError");
        },
        getSlackThread: async () => {
          throw new Error("TransientStoreError");
        },
      },
      clock: { now: () => NOW },
      defaultChannel: "#architech",
      onError: () => {
        throw new Error("the hook fails too");
      },
    });

    await expect(
      notifier.announce({ kind: "run-started", run: byHand(), status: "pending" }),
    ).resolves.toBeUndefined();
  });

  it("refuses options without a default channel or an onError hook", () => {
    const base = { slack: fakeSlack().port, threads: fakeThreads(), clock: { now: () => NOW } };

    expect(() => new SlackNotifier({ ...base, defaultChannel: " ", onError: () => {} })).toThrow(
      /defaultChannel/,
    );
    expect(
      () => new SlackNotifier({ ...base, defaultChannel: "#x", onError: undefined as unknown as () => void }),
    ).toThrow(/onError/);
  });
});

describe("SlackNotifier: reports and digests (notify)", () => {
  it("replies in the run's thread with the blocks given, the fallback escaped and mentioning the on-call", async () => {
    const { slack, notifier } = setup();
    await notifier.announce({ kind: "run-started", run: byHand({ runId: "run-9" }), status: "pending" });
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*digest*" } }];

    await notifier.notify({
      channel: "#oncall",
      runId: "run-9",
      severity: "failure",
      mention: "S0PLATFORMONCALL",
      text: "RPO <breached> & late",
      blocks,
    });

    const report = slack.messages[1];
    expect(report).toMatchObject({ threadTs: slack.messages[0]?.ts, blocks });
    expect(report?.text).toBe("<!subteam^S0PLATFORMONCALL> RPO &lt;breached&gt; &amp; late");
  });

  it("posts a plain notification as a report at the top of its channel", async () => {
    const { slack, notifier } = setup();

    await notifier.notify({
      channel: "#ops",
      runId: "run-unknown",
      text: "3 volumes marked\ndetail",
      severity: "info",
    });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ channel: "#ops", text: "3 volumes marked\ndetail" });
    expect(slack.messages[0]?.threadTs).toBeUndefined();
    expect(slack.messages[0]?.blocks?.[0]).toMatchObject({
      type: "header",
      text: { text: "3 volumes marked" },
    });
  });
});
