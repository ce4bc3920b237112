import { describe, expect, it, vi } from "vitest";
import type { RouteResult } from "../router/decision.ts";
import {
  type DeferredSlackCommand,
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  replyToDeferredSlackCommand,
  runDeferredSlackCommand,
} from "./deferred.ts";
import { handleSlackCommand } from "./handle-command.ts";
import { SlackSettingsSchema } from "./settings.ts";
import {
  ALICE,
  commandBody,
  commandDeps,
  fakeSlack,
  MemoryStore,
  NOW,
  OPS_CHANNEL,
  RESPONSE_URL,
  RUN_ID,
  signed,
} from "./test-support.ts";

const STARTED: RouteResult = {
  signalId: "trigger-1",
  signalType: "chat-command",
  matched: ["cleanup-by-hand"],
  decisions: [
    {
      kind: "dry-run",
      policy: "cleanup-by-hand",
      runbook: "cleanup",
      target: { type: "account" },
      targetKey: "account:*",
      runId: RUN_ID,
      executionName: "e",
      executionArn: "arn:aws:states:eu-west-1:123456789012:execution:cleanup:e",
      alreadyStarted: false,
    },
  ],
  annotations: [],
};
const ANSWER = `Dry run of cleanup on account:* (policy cleanup-by-hand): run ${RUN_ID}.`;

function jobOf(overrides: Partial<DeferredSlackCommand> = {}): DeferredSlackCommand {
  return {
    kind: "slack-command",
    body: commandBody("cleanup ebs-volumes"),
    timestamp: String(NOW),
    userId: ALICE,
    channelId: OPS_CHANNEL,
    responseUrl: RESPONSE_URL,
    text: "cleanup ebs-volumes",
    requestedAt: new Date(NOW * 1000).toISOString(),
    responseUrlUses: 0,
    ...overrides,
  };
}

/** Deps whose clock reads `minutes` after the command. */
function setUp(minutes = 1) {
  const memory = new MemoryStore(() => new Date(NOW * 1000 + minutes * 60_000));
  const slack = fakeSlack();
  const onError = vi.fn();
  const deps = { ...commandDeps(memory, { result: STARTED }), slack, onError };
  return { memory, slack, onError, deps };
}

describe("runDeferredSlackCommand", () => {
  it("routes the job's verified body and answers through the response URL, counting the use", async () => {
    // Prepare
    const { deps, slack } = setUp();
    const job = jobOf();

    // Act
    const reply = await runDeferredSlackCommand(job, deps);

    // Assess
    expect(deps.deliver).toHaveBeenCalledWith({
      kind: "slack-command",
      body: job.body,
      timestamp: job.timestamp,
    });
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, { text: ANSWER, responseType: "ephemeral" });
    expect(slack.postEphemeral).not.toHaveBeenCalled();
    expect(reply).toEqual({ via: "response-url", responseUrlUses: 1 });
    expect(job.responseUrlUses).toBe(1);
  });

  it("runs what handleSlackCommand deferred, end to end", async () => {
    // Prepare
    const { deps, slack } = setUp();
    const jobs: DeferredSlackCommand[] = [];
    const settings = SlackSettingsSchema.parse({ access: { cleanup: {} } });
    const acknowledged = await handleSlackCommand(signed(commandBody("cleanup ebs-volumes")), {
      ...deps,
      settings,
      defer: async (job) => void jobs.push(JSON.parse(JSON.stringify(job)) as DeferredSlackCommand),
    });

    // Act
    const [job] = jobs;
    if (job === undefined) throw new Error("nothing was deferred");
    await runDeferredSlackCommand(job, { ...deps, settings });

    // Assess
    expect(acknowledged.body).toEqual({
      response_type: "ephemeral",
      text: "Working on `cleanup ebs-volumes`…",
    });
    expect(deps.deliver).toHaveBeenCalledTimes(1);
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, { text: ANSWER, responseType: "ephemeral" });
  });

  it("tells the person when routing failed", async () => {
    // Prepare
    const { deps, slack, onError } = setUp();
    const failure = new Error("StartExecution throttled");
    deps.deliver.mockRejectedValueOnce(failure);

    // Act
    await runDeferredSlackCommand(jobOf(), deps);

    // Assess
    expect(onError).toHaveBeenCalledWith(failure);
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, {
      text: "`cleanup` could not be routed just now; the control plane's log says why; try again.",
      responseType: "ephemeral",
    });
  });

  it("refuses a job that is not one, answering nobody", async () => {
    // Prepare
    const { deps, slack } = setUp();

    // Act
    const run = runDeferredSlackCommand({ ...jobOf(), responseUrl: "not a url" }, deps);

    // Assess
    await expect(run).rejects.toMatchObject({ code: "InvalidDeferredSlackCommand" });
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(slack.respond).not.toHaveBeenCalled();
  });
});

describe("replyToDeferredSlackCommand", () => {
  it("uses the response URL five times, then posts ephemerally in the channel", async () => {
    // Prepare
    const { deps, slack } = setUp();
    const job = jobOf();

    // Act
    const replies = [];
    for (let i = 0; i < RESPONSE_URL_MAX_USES + 1; i++) {
      replies.push(await replyToDeferredSlackCommand(job, { text: `update ${i}` }, deps));
    }

    // Assess
    expect(replies.map((r) => r.via)).toEqual([
      "response-url",
      "response-url",
      "response-url",
      "response-url",
      "response-url",
      "ephemeral",
    ]);
    expect(slack.respond).toHaveBeenCalledTimes(RESPONSE_URL_MAX_USES);
    expect(slack.postEphemeral).toHaveBeenCalledWith({ text: "update 5", channel: OPS_CHANNEL, user: ALICE });
    expect(job.responseUrlUses).toBe(RESPONSE_URL_MAX_USES);
  });

  it("counts the uses already made by an earlier attempt of the same job", async () => {
    // Prepare
    const { deps, slack } = setUp();

    // Act
    const reply = await replyToDeferredSlackCommand(jobOf({ responseUrlUses: 5 }), { text: "done" }, deps);

    // Assess
    expect(reply).toEqual({ via: "ephemeral", responseUrlUses: 5 });
    expect(slack.respond).not.toHaveBeenCalled();
  });

  it("posts ephemerally once 30 minutes have passed since the command", async () => {
    // Prepare
    const justInTime = setUp(RESPONSE_URL_LIFETIME_MS / 60_000 - 1);
    const tooLate = setUp(RESPONSE_URL_LIFETIME_MS / 60_000);

    // Act
    const early = await replyToDeferredSlackCommand(jobOf(), { text: "done" }, justInTime.deps);
    const late = await replyToDeferredSlackCommand(jobOf(), { text: "done" }, tooLate.deps);

    // Assess
    expect(early.via).toBe("response-url");
    expect(late).toEqual({ via: "ephemeral", responseUrlUses: 0 });
    expect(tooLate.slack.respond).not.toHaveBeenCalled();
    expect(tooLate.slack.postEphemeral).toHaveBeenCalledWith({
      text: "done",
      channel: OPS_CHANNEL,
      user: ALICE,
    });
  });

  it("counts 30 minutes from the earlier of Slack's timestamp and the arrival", async () => {
    // Prepare: Slack's clock is 2 minutes behind the arrival, and 29 minutes have passed since arrival.
    const { deps, slack } = setUp(29);
    const job = jobOf({ timestamp: String(NOW - 120) });

    // Act
    const reply = await replyToDeferredSlackCommand(job, { text: "done" }, deps);

    // Assess
    expect(reply.via).toBe("ephemeral");
    expect(slack.respond).not.toHaveBeenCalled();
  });

  it("falls back to an ephemeral message when the response URL refuses, and says so", async () => {
    // Prepare
    const { deps, slack, onError } = setUp();
    slack.respond.mockRejectedValueOnce(new Error("used_url"));

    // Act
    const reply = await replyToDeferredSlackCommand(jobOf(), { text: "done" }, deps);

    // Assess
    expect(reply).toEqual({ via: "ephemeral", responseUrlUses: 1 });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "used_url" }));
    expect(slack.postEphemeral).toHaveBeenCalledTimes(1);
  });

  it("reports, and does not throw, when nothing reaches the person", async () => {
    // Prepare
    const { deps, slack, onError } = setUp(45);
    slack.postEphemeral.mockRejectedValueOnce(new Error("channel_not_found"));

    // Act
    const reply = await replyToDeferredSlackCommand(jobOf(), { text: "done" }, deps);

    // Assess
    expect(reply).toEqual({ via: "none", responseUrlUses: 0 });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "channel_not_found" }));
  });
});
