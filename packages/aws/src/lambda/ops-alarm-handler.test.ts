import { readFileSync } from "node:fs";
import type { SlackPort } from "@architech/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SNSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from "vitest";
import { ConfigError } from "./config.ts";
import { createOpsAlarmRuntime, type OpsAlarmRuntimeOptions, opsAlarmHandler } from "./ops-alarm-handler.ts";

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "architech-ops-alarm-notice",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:architech-ops-alarm-notice",
  memoryLimitInMB: "512",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  logGroupName: "/aws/lambda/architech-ops-alarm-notice",
  logStreamName: "2026/03/02/[$LATEST]abcdef",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const ENV = {
  TABLE_NAME: "architech",
  SLACK_BOT_TOKEN_PARAMETER: "/dev/architech/slack-bot-token",
  SLACK_DEFAULT_CHANNEL: "#ops",
  POWERTOOLS_LOG_LEVEL: "INFO",
};

/** A real CloudWatch alarm notification as SNS delivers it to Lambda (test/events/). */
function fixture(path: string): SNSEvent {
  const url = new URL(`../../../../test/events/${path}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as SNSEvent;
}

/** The fixture's alarm, its SNS message edited (another state change of the same alarm). */
function alarmEvent(change: Record<string, unknown> = {}): SNSEvent {
  const event = fixture("cloudwatch/sns.alarm.json");
  const record = event.Records[0];
  if (record === undefined) throw new Error("the fixture has no record");
  record.Sns.Message = JSON.stringify({ ...JSON.parse(record.Sns.Message), ...change });
  return event;
}

type FakeSlack = { [K in keyof SlackPort]: Mock<SlackPort[K]> };

function fakeSlack(): FakeSlack {
  return {
    postMessage: vi.fn<SlackPort["postMessage"]>(async (input) => ({
      channel: input.channel,
      ts: "1.000100",
    })),
    updateMessage: vi.fn<SlackPort["updateMessage"]>(async () => undefined),
    deleteMessage: vi.fn<SlackPort["deleteMessage"]>(async () => undefined),
    postEphemeral: vi.fn<SlackPort["postEphemeral"]>(async () => undefined),
    respond: vi.fn<SlackPort["respond"]>(async () => undefined),
    userGroupMembers: vi.fn<SlackPort["userGroupMembers"]>(async () => []),
  };
}

const dynamodb = new DynamoDBClient({ region: "eu-west-1", maxAttempts: 1 });
const dynamodbMock = mockClient(dynamodb);

function handlerWith(options: OpsAlarmRuntimeOptions) {
  const runtime = createOpsAlarmRuntime({ dynamodb, ...options });
  return opsAlarmHandler(() => runtime);
}

let output: string[];
beforeEach(() => {
  dynamodbMock.reset();
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The structured log entries written. */
function logEntries(): Record<string, unknown>[] {
  return output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("opsAlarmHandler", () => {
  it("posts an operational alarm's state change to the default channel, with the console link", async () => {
    const slack = fakeSlack();
    const handler = handlerWith({ env: ENV, slack });

    const result = await handler(alarmEvent(), context);

    expect(result).toEqual({ notified: 1, ignored: 0 });
    expect(slack.postMessage).toHaveBeenCalledTimes(1);
    const posted = slack.postMessage.mock.calls[0]?.[0];
    expect(posted?.channel).toBe("#ops");
    expect(posted?.threadTs).toBeUndefined();
    expect(posted?.blocks?.[0]).toMatchObject({
      type: "header",
      text: { text: "ALARM: checkout-api-cpu-high" },
    });
    const shown = JSON.stringify(posted?.blocks);
    expect(shown).toContain(":x: checkout-api CPU above 80% for 5 minutes");
    expect(shown).toContain("OK → ALARM");
    expect(shown).toContain(
      "<https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-cpu-high|",
    );
    expect(posted?.text).toMatch(/^ALARM: checkout-api-cpu-high \(OK → ALARM\): Threshold Crossed/);
    // A notice that is not about a run reads nothing from the table.
    expect(dynamodbMock.calls()).toHaveLength(0);
    expect(logEntries()).toContainEqual(
      expect.objectContaining({
        message: "operational alarm changed state",
        alarm: "checkout-api-cpu-high",
        from: "OK",
        to: "ALARM",
        function_request_id: context.awsRequestId,
      }),
    );
  });

  it("posts a recovery to OK as information", async () => {
    const slack = fakeSlack();
    const handler = handlerWith({ env: ENV, slack });

    await handler(
      alarmEvent({ OldStateValue: "ALARM", NewStateValue: "OK", NewStateReason: "back below" }),
      context,
    );

    const posted = slack.postMessage.mock.calls[0]?.[0];
    expect(posted?.blocks?.[0]).toMatchObject({ text: { text: "OK: checkout-api-cpu-high" } });
    expect(JSON.stringify(posted?.blocks)).toContain(":information_source: checkout-api CPU above 80%");
    expect(JSON.stringify(posted?.blocks)).toContain("ALARM → OK");
  });

  it("logs a Slack delivery that fails instead of failing the invocation", async () => {
    const slack = fakeSlack();
    slack.postMessage.mockRejectedValue(new Error("channel_not_found"));
    const handler = handlerWith({ env: ENV, slack });

    const result = await handler(alarmEvent(), context);

    expect(result).toEqual({ notified: 1, ignored: 0 });
    expect(logEntries()).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "Slack delivery failed; the run carries on",
        failure: { kind: "notify", channel: "#ops" },
      }),
    );
  });

  it("skips and logs a record that is not a CloudWatch alarm notification", async () => {
    const slack = fakeSlack();
    const handler = handlerWith({ env: ENV, slack });

    const result = await handler(fixture("budgets/sns.actual.monthly.json"), context);

    expect(result).toEqual({ notified: 0, ignored: 1 });
    expect(slack.postMessage).not.toHaveBeenCalled();
    expect(logEntries()).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "not a CloudWatch alarm notification; ignored",
        signalType: "budget-threshold",
      }),
    );
  });

  it("writes the notice to the function's log when no Slack bot token is configured", async () => {
    const { SLACK_BOT_TOKEN_PARAMETER: _, ...withoutSlack } = ENV;
    const handler = handlerWith({ env: withoutSlack });

    await handler(alarmEvent(), context);

    expect(logEntries()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: expect.stringMatching(/^ALARM: checkout-api-cpu-high \(OK → ALARM\)/),
        notification: expect.objectContaining({ channel: "#ops", severity: "failure" }),
      }),
    );
  });

  it("fails at cold start, naming the variable, when the table is not configured", () => {
    expect(() => createOpsAlarmRuntime({ env: { SLACK_DEFAULT_CHANNEL: "#ops" }, dynamodb })).toThrow(
      ConfigError,
    );
    expect(() => createOpsAlarmRuntime({ env: {}, dynamodb })).toThrow(/TABLE_NAME is required/);
  });
});
