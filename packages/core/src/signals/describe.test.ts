import { describe, expect, it } from "vitest";
import { describeSignal } from "./describe.ts";
import { parseEventText } from "./event-text.ts";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixtureText } from "./test-support.ts";

function describeFixture(file: string): string {
  const result = normalizeEvent(parseEventText(readEventFixtureText(file)));
  if (!result.ok) throw new Error(result.error.message);
  return describeSignal(result.signal);
}

describe("describeSignal", () => {
  it.each([
    [
      "cloudwatch/alarm-state-change.metric.alarm.json",
      'alarm "checkout-api-cpu-high" OK → ALARM [ClusterName=prod ServiceName=checkout-api] (123456789012/eu-west-1, 2026-03-02T10:15:00.000Z)',
    ],
    [
      "ecr/image-action.push.success.json",
      "image-push checkout-api:v1.42.0@sha256:3c5a9f1e7b2d4c8a6e0f9b1d3a5c7e9f2b4d6a8c0e1f3a5b7c9d1e3f5a7b9c2d SUCCESS (123456789012/eu-west-1, 2026-03-02T09:41:12.000Z)",
    ],
    [
      "ecs/deployment-state-change.rollback.json",
      "deployment prod/checkout-api ecs-svc/6150392847561029384 IN_PROGRESS (rollback) (123456789012/eu-west-1, 2026-03-02T10:03:21.000Z)",
    ],
    [
      "backup/restore-job-state-change.failed.json",
      "restore-job 3C8E1A5F-7B2D-4F90-9E6A-1D4C7B2E8F35 FAILED EBS (123456789012/eu-west-1, 2026-03-02T03:02:16.000Z)",
    ],
    [
      "scheduler/schedule-input.json",
      "schedule nightly-cleanup policy=cleanup-nonprod eventbridge-scheduler at 2026-03-02T02:00:00.000Z (123456789012/eu-west-1)",
    ],
    [
      "budgets/sns.actual.monthly.json",
      'budget-threshold "platform nonprod" ACTUAL $512.37 > $480.00 = 85.4% of $600.00, monthly (123456789012/us-east-1, 2026-03-02T06:12:40.518Z)',
    ],
    [
      "slack/command.txt",
      "chat-command /architech rollback checkout-api --cluster prod by ana in #ops-incidents",
    ],
  ])("summarises %s", (file, line) => {
    expect(describeFixture(file)).toBe(line);
  });
});

describe("parseEventText", () => {
  it("parses JSON and leaves other text as it is", () => {
    expect(parseEventText(' {"a": 1}\n')).toEqual({ a: 1 });
    expect(parseEventText("AWS Budget Notification March 02, 2026")).toBe(
      "AWS Budget Notification March 02, 2026",
    );
  });

  it("throws a SyntaxError for broken JSON", () => {
    expect(() => parseEventText('{"source": ')).toThrow(SyntaxError);
  });
});
