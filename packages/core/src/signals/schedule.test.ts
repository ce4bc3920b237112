import { describe, expect, it } from "vitest";
import { normalizeEvent } from "./normalize.ts";
import {
  SCHEDULER_CONTEXT_ATTRIBUTES,
  SchedulerInputSchema,
  scheduleTargetInput,
  substituteSchedulerContext,
} from "./schedule.ts";
import { readEventFixture, signalOf } from "./test-support.ts";

describe("EventBridge Scheduled Event (rule with a schedule expression)", () => {
  it("reads the rule name and ARN; the scheduled time is the event time", () => {
    // Prepare
    const event = readEventFixture("scheduled/scheduled-event.json");

    // Act
    const signal = signalOf(normalizeEvent(event), "schedule");

    // Assess
    expect(signal).toMatchObject({
      id: "9a4e1c7b-3f58-4d20-b6e9-0c2d8a5f1e73",
      trigger: "eventbridge-rule",
      scheduleName: "architech-nightly-cleanup",
      scheduleArn: "arn:aws:events:eu-west-1:123456789012:rule/architech-nightly-cleanup",
      scheduleGroup: null,
      scheduledTime: "2026-03-02T02:00:00.000Z",
      policy: null,
      account: "123456789012",
      region: "eu-west-1",
    });
  });

  it("accepts the documentation sample that has no version field", () => {
    const event = readEventFixture("scheduled/scheduled-event.json") as Record<string, unknown>;
    delete event.version;

    expect(normalizeEvent(event).ok).toBe(true);
  });

  it("reads the bus of a rule ARN that names one", () => {
    const event = readEventFixture("scheduled/scheduled-event.json") as { resources: string[] };
    event.resources = ["arn:aws:events:eu-west-1:123456789012:rule/ops-bus/architech-nightly-cleanup"];

    const signal = signalOf(normalizeEvent(event), "schedule");

    expect([signal.scheduleGroup, signal.scheduleName]).toEqual(["ops-bus", "architech-nightly-cleanup"]);
  });
});

describe("EventBridge Scheduler input", () => {
  it("reads schedule, policy and context attributes; the id survives retries of the same occurrence", () => {
    const signal = signalOf(normalizeEvent(readEventFixture("scheduler/schedule-input.json")), "schedule");

    expect(signal).toMatchObject({
      id: "arn:aws:scheduler:eu-west-1:123456789012:schedule/architech/nightly-cleanup@2026-03-02T02:00:00.000Z",
      trigger: "eventbridge-scheduler",
      scheduleName: "nightly-cleanup",
      scheduleGroup: "architech",
      policy: "cleanup-nonprod",
      scheduledTime: "2026-03-02T02:00:00.000Z",
      executionId: "d32c5kddcf5bb8c3",
      attempt: 1,
      account: "123456789012",
      region: "eu-west-1",
      source: { service: "aws.scheduler", kind: "scheduler-input" },
    });
  });

  it("says which context attributes were not substituted", () => {
    const result = normalizeEvent(readEventFixture("scheduler/schedule-input.template.json"));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("MalformedEvent");
    expect(result.error.issues?.map((issue) => issue.path[0])).toEqual([
      "scheduleArn",
      "scheduledTime",
      "executionId",
      "attempt",
    ]);
    expect(result.error.issues?.every((issue) => issue.message.includes("not substituted"))).toBe(true);
  });

  it("builds a target input that, once Scheduler fills it, normalizes to the schedule", () => {
    // Prepare
    const template = scheduleTargetInput({ schedule: "weekly-rightsize", policy: "rightsize-staging" });

    // Act
    const delivered = substituteSchedulerContext(template, {
      scheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/weekly-rightsize",
      scheduledTime: "2022-03-22T18:59:43Z",
      executionId: "d32c5kddcf5bb8c3",
      attemptNumber: 2,
    });
    const signal = signalOf(normalizeEvent(JSON.parse(delivered)), "schedule");

    // Assess
    for (const keyword of Object.values(SCHEDULER_CONTEXT_ATTRIBUTES)) expect(template).toContain(keyword);
    expect(signal).toMatchObject({
      scheduleName: "weekly-rightsize",
      policy: "rightsize-staging",
      scheduleGroup: "default",
      scheduledTime: "2022-03-22T18:59:43.000Z",
      attempt: 2,
    });
  });

  it("leaves the policy out of the input when there is none", () => {
    const input = JSON.parse(scheduleTargetInput({ schedule: "hourly" })) as Record<string, unknown>;

    expect("policy" in input).toBe(false);
  });

  it("accepts the minimal input the local runtime may send", () => {
    const parsed = SchedulerInputSchema.safeParse({
      architech: "schedule",
      schedule: "hourly",
      scheduledTime: "2026-03-02T02:00:00Z",
    });

    expect(parsed.success).toBe(true);
  });

  it("rejects attempt numbers that are not 1, 2, …", () => {
    const base = readEventFixture("scheduler/schedule-input.json") as Record<string, unknown>;

    expect(normalizeEvent({ ...base, attempt: "0" }).ok).toBe(false);
    expect(normalizeEvent({ ...base, attempt: 3 }).ok).toBe(true);
  });
});
