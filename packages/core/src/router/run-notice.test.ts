import { describe, expect, it } from "vitest";
import { normalizeEvent } from "../signals/normalize.ts";
import type { AlarmSignal } from "../signals/signal.ts";
import { readEventFixture, signalOf } from "../signals/test-support.ts";
import type { RunInput } from "./ports.ts";
import { alarmRefOf, runNoticeRefOf } from "./run-notice.ts";

function alarm(): AlarmSignal {
  return signalOf(
    normalizeEvent(readEventFixture("cloudwatch/alarm-state-change.checkout-api-5xx-rate.alarm.json")),
    "alarm",
  );
}

const INPUT: RunInput = {
  runId: "run-1",
  policy: "rollback-on-error-alarms",
  runbook: "rollback",
  mode: "approve",
  params: {},
  target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
  targetKey: "ecs-service:prod/checkout-api",
  lease: { owner: "run-1", token: 1, expiresAt: "2026-12-01T12:00:00.000Z" },
  notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
  trigger: {
    signalId: "evt-1",
    type: "alarm",
    time: "2026-12-01T10:00:00.000Z",
    summary: {},
    description: 'alarm "checkout-api-5xx-rate" OK → ALARM',
    alarm: {
      name: "checkout-api-5xx-rate",
      arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate",
      since: "2026-12-01T10:00:00.000Z",
    },
  },
};

describe("alarmRefOf", () => {
  it("names the alarm, its ARN and when it entered its state", () => {
    const signal = alarm();

    // The event's time is 10:15:00; the alarm entered ALARM at 10:14:59.873.
    expect(alarmRefOf(signal)).toEqual({
      name: "checkout-api-5xx-rate",
      arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate",
      since: "2026-03-02T10:14:59.873Z",
      reason: expect.stringMatching(/^Threshold Crossed: .* OK -> ALARM transition\)\.$/),
    });
  });

  it("builds the ARN CloudWatch gives an alarm when the delivery left it out", () => {
    const signal = { ...alarm(), alarmArn: null, account: "123456789012", region: "eu-west-1" };

    expect(alarmRefOf(signal)?.arn).toBe(
      `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${signal.alarmName}`,
    );
  });

  it("gives no thread to join when neither the ARN nor the account is known", () => {
    expect(alarmRefOf({ ...alarm(), alarmArn: null, account: null })).toBeUndefined();
  });
});

describe("runNoticeRefOf", () => {
  it("is the run as its notices name it: policy, target, mode, where to notify, what triggered it", () => {
    expect(runNoticeRefOf(INPUT)).toEqual({
      runId: "run-1",
      policy: "rollback-on-error-alarms",
      runbook: "rollback",
      targetKey: "ecs-service:prod/checkout-api",
      mode: "approve",
      notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
      trigger: {
        type: "alarm",
        summary: 'alarm "checkout-api-5xx-rate" OK → ALARM',
        alarm: INPUT.trigger.alarm,
      },
    });
  });

  it("names the person who asked for a run", () => {
    const { alarm: _alarm, ...trigger } = INPUT.trigger;
    const input: RunInput = {
      ...INPUT,
      trigger: {
        ...trigger,
        type: "chat-command",
        description: "chat-command /architech rollback",
        requestedBy: "U024BE7LH",
      },
    };

    expect(runNoticeRefOf(input).trigger).toEqual({
      type: "chat-command",
      summary: "chat-command /architech rollback",
      requestedBy: "U024BE7LH",
    });
  });

  it("reads an input written before descriptions were kept", () => {
    const { notify: _notify, ...input } = INPUT;
    const ref = runNoticeRefOf({
      ...input,
      trigger: { signalId: "evt-1", type: "schedule", time: "t", summary: {} },
    });

    expect(ref.notify).toBeUndefined();
    expect(ref.trigger).toEqual({ type: "schedule", summary: "schedule evt-1" });
  });
});
