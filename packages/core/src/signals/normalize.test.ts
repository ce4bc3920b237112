import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArchitechError } from "../errors.ts";
import { parseEventText } from "./event-text.ts";
import { detectEventKind, normalizeEvent, normalizeEventOrThrow, normalizeRecords } from "./normalize.ts";
import { SignalSchema, type SignalType } from "./signal.ts";
import { SIGNAL_ERROR_CODES, type SignalErrorCode, SignalNormalizationError } from "./signal-error.ts";
import { listEventFixtures, readEventFixture, readEventFixtureText } from "./test-support.ts";

// What every file under test/events/ must give: a signal type, or an error code.
const expectedOutcomes: Record<string, SignalType | SignalErrorCode> = {
  "backup/backup-job-state-change.completed.json": "backup-job",
  "backup/backup-job-state-change.failed.json": "backup-job",
  "backup/restore-job-state-change.completed.json": "restore-job",
  "backup/restore-job-state-change.created.json": "restore-job",
  "backup/restore-job-state-change.failed.json": "restore-job",
  "backup/restore-job-state-change.running.json": "restore-job",
  "budgets/message.actual.monthly.txt": "NotAnObject",
  "budgets/sns.actual.daily.json": "budget-threshold",
  "budgets/sns.actual.monthly.json": "budget-threshold",
  "budgets/sns.forecasted.monthly.json": "budget-threshold",
  "budgets/sqs.forecasted.monthly.json": "budget-threshold",
  "cloudwatch/alarm-action.metric.json": "alarm",
  "cloudwatch/alarm-config-change.update.json": "UnsupportedEventKind",
  "cloudwatch/alarm-state-change.checkout-api-5xx-rate.alarm.json": "alarm",
  "cloudwatch/alarm-state-change.anomaly-detection.alarm.json": "alarm",
  "cloudwatch/alarm-state-change.composite.alarm.json": "alarm",
  "cloudwatch/alarm-state-change.metric-math.alarm.json": "alarm",
  "cloudwatch/alarm-state-change.metric.alarm.json": "alarm",
  "cloudwatch/alarm-state-change.metric.insufficient-data.json": "alarm",
  "cloudwatch/alarm-state-change.metric.ok.json": "alarm",
  "cloudwatch/sns.alarm.json": "alarm",
  "ecr/image-action.delete.success.json": "image-delete",
  "ecr/image-action.push.failure.json": "image-push",
  "ecr/image-action.push.success.json": "image-push",
  "ecr/image-scan.complete.json": "UnsupportedEventKind",
  "ecs/deployment-state-change.completed.json": "deployment",
  "ecs/deployment-state-change.failed.json": "deployment",
  "ecs/deployment-state-change.in-progress.json": "deployment",
  "ecs/deployment-state-change.rollback.json": "deployment",
  "ecs/service-action.steady-state.json": "UnsupportedEventKind",
  "scheduled/scheduled-event.json": "schedule",
  "scheduler/schedule-input.json": "schedule",
  "scheduler/schedule-input.template.json": "MalformedEvent",
  "slack/command.json": "chat-command",
  "slack/command.txt": "chat-command",
};

describe("the project's event fixtures", () => {
  it("has an expected outcome for every file and a file for every expectation", () => {
    expect(listEventFixtures()).toEqual(Object.keys(expectedOutcomes).sort());
  });

  it.each(Object.entries(expectedOutcomes))("%s gives %s", (file, expected) => {
    // Act
    const result = normalizeEvent(parseEventText(readEventFixtureText(file)));

    // Assess
    if (result.ok) {
      expect(result.signal.type).toBe(expected);
      // A signal is itself valid against the published signal schema (what a store or a replay reads back).
      const reparsed = SignalSchema.safeParse(JSON.parse(JSON.stringify(result.signal)));
      expect(reparsed.error?.issues ?? []).toEqual([]);
    } else {
      expect(result.error.code).toBe(expected);
    }
  });
});

describe("normalizeEvent errors", () => {
  it.each([
    [null, "null"],
    ["ECR Image Action", "a string"],
    [42, "a number"],
    [[{ source: "aws.ecr" }], "an array"],
    [undefined, "undefined"],
  ])("says %o is not an object", (raw, described) => {
    const result = normalizeEvent(raw);

    expect(result).toEqual({
      ok: false,
      error: { code: "NotAnObject", message: `an event is a JSON object, got ${described}` },
    });
  });

  it("says an object of no known shape is of an unknown kind", () => {
    expect(normalizeEvent({ hello: "world" })).toMatchObject({
      ok: false,
      error: { code: "UnknownEventKind" },
    });
  });

  it("tells unsupported AWS events apart from malformed ones", () => {
    const unsupported = normalizeEvent({ ...(readEventFixture("ecr/image-scan.complete.json") as object) });
    const malformed = normalizeEvent({ source: "aws.ecr", "detail-type": "ECR Image Action", detail: {} });

    expect(unsupported).toMatchObject({ ok: false, error: { code: "UnsupportedEventKind" } });
    expect(malformed).toMatchObject({
      ok: false,
      error: { code: "MalformedEvent", kind: "ecr-image-action" },
    });
  });

  it("does not mistake inherited names for supported kinds", () => {
    const result = normalizeEvent({ source: "__proto__", "detail-type": "toString", detail: {} });

    expect(result).toMatchObject({ ok: false, error: { code: "UnsupportedEventKind" } });
  });

  it("refuses a batch, and normalizeRecords reads each record with paths into the batch", () => {
    // Prepare
    const single = readEventFixture("budgets/sqs.forecasted.monthly.json") as {
      Records: Record<string, unknown>[];
    };
    const [record] = single.Records;
    if (!record) throw new Error("fixture has a record");
    const batch = { Records: [record, { ...record, messageId: "second", body: "{}" }] };

    // Act
    const whole = normalizeEvent(batch);
    const each = normalizeRecords(batch);

    // Assess
    expect(whole).toMatchObject({ ok: false, error: { code: "MultipleRecords" } });
    expect(each.map((result) => (result.ok ? result.signal.type : result.error.code))).toEqual([
      "budget-threshold",
      "UnknownEventKind",
    ]);
  });

  it("rewrites issue paths of a batch to the record's index", () => {
    const single = readEventFixture("cloudwatch/sns.alarm.json") as { Records: Record<string, unknown>[] };
    const [record] = single.Records;
    if (!record) throw new Error("fixture has a record");
    const broken = {
      ...record,
      Sns: { ...(record.Sns as object), Message: '{"AlarmName":"x","AlarmArn":"y"}' },
    };

    const [first, second] = normalizeRecords({ Records: [record, broken] });

    expect(first?.ok).toBe(true);
    expect(second?.ok ? [] : second?.error.issues?.[0]?.path.slice(0, 4)).toEqual([
      "Records",
      1,
      "Sns",
      "Message",
    ]);
  });

  it("reports a broken envelope as malformed with the envelope's paths", () => {
    const event = readEventFixture("budgets/sns.actual.monthly.json") as {
      Records: { Sns: Record<string, unknown> }[];
    };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    delete record.Sns.MessageId;

    const result = normalizeEvent(event);

    expect(result).toMatchObject({ ok: false, error: { code: "MalformedEvent" } });
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([
      ["Records", 0, "Sns", "MessageId"],
    ]);
  });

  it("survives an input whose getters throw", () => {
    const hostile = {
      get source(): string {
        throw new Error("boom");
      },
      "detail-type": "ECR Image Action",
    };

    const result = normalizeEvent(hostile);

    expect(result).toMatchObject({ ok: false, error: { code: "MalformedEvent" } });
    expect(result.ok ? "" : result.error.message).toContain("boom");
  });

  it("never throws and always answers with a signal or a known error code, whatever the input", () => {
    // Random JSON, plus random JSON dressed as each supported kind, so the schemas are exercised too.
    const dressed = fc.record({
      source: fc.constantFrom(
        "aws.cloudwatch",
        "aws.ecr",
        "aws.ecs",
        "aws.backup",
        "aws.events",
        "aws.health",
      ),
      "detail-type": fc.constantFrom(
        "CloudWatch Alarm State Change",
        "ECR Image Action",
        "ECS Deployment State Change",
        "Backup Job State Change",
        "Restore Job State Change",
        "Scheduled Event",
      ),
      detail: fc.jsonValue(),
      resources: fc.anything(),
      time: fc.oneof(fc.string(), fc.constant("2026-03-02T10:15:00Z")),
    });
    const envelopes = fc.oneof(
      fc.record({
        Records: fc.array(fc.record({ EventSource: fc.constant("aws:sns"), Sns: fc.jsonValue() }), {
          maxLength: 2,
        }),
      }),
      fc.record({
        Records: fc.array(fc.record({ eventSource: fc.constant("aws:sqs"), body: fc.string() }), {
          maxLength: 2,
        }),
      }),
      fc.record({ Type: fc.constant("Notification"), Message: fc.string() }),
      fc.record({ kind: fc.constant("slack-command"), body: fc.string() }),
      fc.record({
        architech: fc.constant("schedule"),
        schedule: fc.jsonValue(),
        scheduledTime: fc.jsonValue(),
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), dressed, envelopes), (raw) => {
        const result = normalizeEvent(raw);
        if (result.ok) return SignalSchema.safeParse(result.signal).success;
        return SIGNAL_ERROR_CODES.includes(result.error.code) && result.error.message.length > 0;
      }),
      { numRuns: 2000 },
    );
  });

  it("reads a large event (every element validated) in well under a second", () => {
    // Prepare
    const event = readEventFixture("scheduled/scheduled-event.json") as { resources: string[] };
    const extra = Array.from(
      { length: 50_000 },
      (_, index) => `arn:aws:events:eu-west-1:123456789012:rule/r${index}`,
    );
    event.resources = [...event.resources, ...extra];

    // Act
    const started = performance.now();
    const result = normalizeEvent(event);
    const elapsed = performance.now() - started;

    // Assess
    expect(result.ok && result.signal.resources.length).toBe(50_001);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe("EventBridge events delivered through an SNS topic or an SQS queue target", () => {
  it("reads an event from an SNS message, keeping the event's own id", () => {
    // Prepare
    const event = readEventFixture("ecr/image-action.push.success.json");
    const viaSns = {
      Records: [
        {
          EventSource: "aws:sns",
          EventVersion: "1.0",
          Sns: {
            Type: "Notification",
            MessageId: "0e6a1f7c-3b29-5d84-a2c1-7f9e3b5d1a08",
            TopicArn: "arn:aws:sns:eu-west-1:123456789012:architech-events",
            Message: JSON.stringify(event),
            Timestamp: "2026-03-02T09:41:13.201Z",
          },
        },
      ],
    };

    // Act
    const result = normalizeEvent(viaSns);

    // Assess
    expect(result).toMatchObject({
      ok: true,
      signal: {
        type: "image-push",
        id: "f3a7c2e9-1b5d-4e80-a6c4-9d2b7e1f0a35",
        source: { envelopes: ["sns"] },
      },
    });
  });

  it("reads an event from an SQS message body", () => {
    const event = readEventFixture("ecs/deployment-state-change.failed.json");
    const viaSqs = {
      Records: [
        {
          messageId: "4b1d8e2f-6c37-4a95-b0e8-2d7f1c9a3e56",
          body: JSON.stringify(event),
          eventSource: "aws:sqs",
          awsRegion: "eu-west-1",
        },
      ],
    };

    const result = normalizeEvent(viaSqs);

    expect(result).toMatchObject({
      ok: true,
      signal: { type: "deployment", status: "FAILED", source: { envelopes: ["sqs"] } },
    });
  });
});

describe("detectEventKind", () => {
  it.each([
    ["cloudwatch/alarm-state-change.metric.alarm.json", "cloudwatch-alarm-state-change", []],
    ["cloudwatch/alarm-action.metric.json", "cloudwatch-alarm-action", []],
    ["cloudwatch/sns.alarm.json", "cloudwatch-alarm-sns-message", ["sns"]],
    ["ecr/image-action.push.success.json", "ecr-image-action", []],
    ["ecs/deployment-state-change.failed.json", "ecs-deployment-state-change", []],
    ["backup/backup-job-state-change.completed.json", "backup-job-state-change", []],
    ["backup/restore-job-state-change.created.json", "restore-job-state-change", []],
    ["scheduled/scheduled-event.json", "scheduled-event", []],
    ["scheduler/schedule-input.template.json", "scheduler-input", []],
    ["budgets/sqs.forecasted.monthly.json", "budgets-notification", ["sqs", "sns"]],
    ["slack/command.json", "slack-command", []],
  ])("says %s is %s", (file, kind, envelopes) => {
    expect(detectEventKind(readEventFixture(file))).toEqual({ supported: true, kind, envelopes });
  });

  it("names the detail-type of an unsupported AWS event", () => {
    const detected = detectEventKind(readEventFixture("cloudwatch/alarm-config-change.update.json"));

    expect(detected).toMatchObject({
      supported: false,
      error: {
        code: "UnsupportedEventKind",
        eventSource: "aws.cloudwatch",
        detailType: "CloudWatch Alarm Configuration Change",
      },
    });
  });
});

describe("normalizeEventOrThrow", () => {
  it("returns the signal", () => {
    expect(normalizeEventOrThrow(readEventFixture("ecr/image-action.push.success.json")).type).toBe(
      "image-push",
    );
  });

  it("throws an ArchitechError with the error code and issues", () => {
    const event = readEventFixture("scheduler/schedule-input.template.json");

    const thrown = (() => {
      try {
        normalizeEventOrThrow(event);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    expect(thrown).toBeInstanceOf(SignalNormalizationError);
    expect(thrown).toBeInstanceOf(ArchitechError);
    expect(thrown).toMatchObject({ code: "MalformedEvent", name: "SignalNormalizationError" });
    expect((thrown as SignalNormalizationError).issues).toHaveLength(4);
  });
});
