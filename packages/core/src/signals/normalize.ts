import type { z } from "zod";
import {
  BackupJobStateChangeEventSchema,
  backupJobSignalFromEvent,
  RestoreJobStateChangeEventSchema,
  restoreJobSignalFromEvent,
} from "./backup.ts";
import {
  BUDGETS_NOTIFICATION_HEADING,
  BudgetsNotificationTextSchema,
  budgetSignalFromMessage,
} from "./budgets.ts";
import {
  alarmSignalFromAction,
  alarmSignalFromSnsMessage,
  alarmSignalFromStateChange,
  CloudWatchAlarmActionEventSchema,
  CloudWatchAlarmSnsMessageSchema,
  CloudWatchAlarmStateChangeEventSchema,
} from "./cloudwatch-alarm.ts";
import { EcrImageActionEventSchema, imageSignalFromEcrAction } from "./ecr-image-action.ts";
import { deploymentSignalFromEcsEvent, EcsDeploymentStateChangeEventSchema } from "./ecs-deployment.ts";
import { SnsLambdaEventSchema, SnsNotificationSchema, SqsLambdaEventSchema } from "./envelopes.ts";
import {
  ScheduledEventSchema,
  SchedulerInputSchema,
  scheduleSignalFromRuleEvent,
  scheduleSignalFromSchedulerInput,
} from "./schedule.ts";
import type { Delivery, Envelope, EventKind, Signal } from "./signal.ts";
import {
  formatIssuePath,
  malformed,
  type NormalizeResult,
  type SignalError,
  SignalNormalizationError,
  toSignalIssues,
} from "./signal-error.ts";
import {
  chatCommandSignalFromSlack,
  parseFormBody,
  SlackCommandInputSchema,
  SlackSlashCommandSchema,
} from "./slack-command.ts";
import { epochToIsoTimestamp } from "./time.ts";

type Path = (string | number)[];

/** The EventBridge events that are signals, by `source` and `detail-type`. */
const EVENTBRIDGE_KINDS: ReadonlyMap<string, EventKind> = new Map<string, EventKind>([
  [eventBridgeKey("aws.cloudwatch", "CloudWatch Alarm State Change"), "cloudwatch-alarm-state-change"],
  [eventBridgeKey("aws.ecr", "ECR Image Action"), "ecr-image-action"],
  [eventBridgeKey("aws.ecs", "ECS Deployment State Change"), "ecs-deployment-state-change"],
  [eventBridgeKey("aws.backup", "Backup Job State Change"), "backup-job-state-change"],
  [eventBridgeKey("aws.backup", "Restore Job State Change"), "restore-job-state-change"],
  [eventBridgeKey("aws.events", "Scheduled Event"), "scheduled-event"],
]);

function eventBridgeKey(source: string, detailType: string): string {
  return JSON.stringify([source, detailType]);
}

/** How each kind is named in messages. */
const KIND_LABELS: Record<EventKind, string> = {
  "cloudwatch-alarm-state-change": "CloudWatch Alarm State Change event",
  "cloudwatch-alarm-action": "CloudWatch alarm action payload",
  "cloudwatch-alarm-sns-message": "CloudWatch alarm SNS notification",
  "ecr-image-action": "ECR Image Action event",
  "ecs-deployment-state-change": "ECS Deployment State Change event",
  "backup-job-state-change": "Backup Job State Change event",
  "restore-job-state-change": "Restore Job State Change event",
  "scheduled-event": "Scheduled Event",
  "scheduler-input": "EventBridge Scheduler input",
  "budgets-notification": "AWS Budgets notification",
  "slack-command": "Slack slash command",
};

type Step<T> = { ok: true; value: T } | { ok: false; error: SignalError };

interface Payload {
  value: unknown;
  /** Where the payload sits in the input, for issue paths. */
  path: Path;
  delivery: Delivery;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** A JSON object inside a string (SNS messages, SQS bodies); anything else stays text. */
function parseEmbeddedJson(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return text;
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}

function envelopeError(label: string, issues: readonly z.core.$ZodIssue[], prefix: Path): SignalError {
  const signalIssues = toSignalIssues(issues, prefix);
  const first = signalIssues[0];
  const where = first ? `${formatIssuePath(first.path)}: ${first.message}` : "no details";
  return { code: "MalformedEvent", message: `${label} is malformed: ${where}`, issues: signalIssues };
}

/** Takes SNS and SQS envelopes off, keeping what they say about the delivery. */
function unwrap(raw: unknown): Step<Payload> {
  if (!isRecord(raw)) {
    return {
      ok: false,
      error: { code: "NotAnObject", message: `an event is a JSON object, got ${describeValue(raw)}` },
    };
  }
  const envelopes: Envelope[] = [];
  const delivery: Delivery = { envelopes, raw };
  let value: unknown = raw;
  let path: Path = [];

  const openSnsNotification = (document: Record<string, unknown>, at: Path): SignalError | undefined => {
    const parsed = SnsNotificationSchema.safeParse(document);
    if (!parsed.success) return envelopeError("SNS notification", parsed.error.issues, at);
    envelopes.push("sns");
    delivery.sns = {
      messageId: parsed.data.MessageId,
      timestamp: parsed.data.Timestamp,
      topicArn: parsed.data.TopicArn,
      subject: parsed.data.Subject ?? null,
    };
    value = parseEmbeddedJson(parsed.data.Message);
    path = [...at, "Message"];
    return undefined;
  };

  if (Array.isArray(raw.Records)) {
    const records: unknown[] = raw.Records;
    if (records.length === 0) {
      return { ok: false, error: { code: "MalformedEvent", message: "the Records batch is empty" } };
    }
    if (records.length > 1) {
      return {
        ok: false,
        error: {
          code: "MultipleRecords",
          message: `the event holds ${records.length} records; normalize them one by one with normalizeRecords`,
        },
      };
    }
    const record = records[0];
    if (isRecord(record) && record.EventSource === "aws:sns") {
      const parsed = SnsLambdaEventSchema.safeParse(raw);
      if (!parsed.success) {
        return { ok: false, error: envelopeError("SNS Lambda event", parsed.error.issues, []) };
      }
      const sns = parsed.data.Records[0]?.Sns;
      if (sns === undefined) {
        return { ok: false, error: { code: "MalformedEvent", message: "the SNS record is missing" } };
      }
      envelopes.push("sns");
      delivery.sns = {
        messageId: sns.MessageId,
        timestamp: sns.Timestamp,
        topicArn: sns.TopicArn,
        subject: sns.Subject ?? null,
      };
      value = parseEmbeddedJson(sns.Message);
      path = ["Records", 0, "Sns", "Message"];
    } else if (isRecord(record) && record.eventSource === "aws:sqs") {
      const parsed = SqsLambdaEventSchema.safeParse(raw);
      if (!parsed.success) {
        return { ok: false, error: envelopeError("SQS Lambda event", parsed.error.issues, []) };
      }
      const message = parsed.data.Records[0];
      if (message === undefined) {
        return { ok: false, error: { code: "MalformedEvent", message: "the SQS record is missing" } };
      }
      envelopes.push("sqs");
      const sentAt = message.attributes?.SentTimestamp;
      delivery.sqs = {
        messageId: message.messageId,
        region: message.awsRegion ?? null,
        sentAt: sentAt === undefined ? null : (epochToIsoTimestamp(Number(sentAt), "milliseconds") ?? null),
      };
      value = parseEmbeddedJson(message.body);
      path = ["Records", 0, "body"];
      // SNS → SQS without raw message delivery: the body is the SNS notification document.
      if (isRecord(value) && value.Type === "Notification" && typeof value.Message === "string") {
        const error = openSnsNotification(value, path);
        if (error) return { ok: false, error };
      }
    } else {
      return {
        ok: false,
        error: {
          code: "UnknownEventKind",
          message: "a Records batch that is neither an SNS nor an SQS Lambda event",
        },
      };
    }
  } else if (raw.Type === "Notification" && typeof raw.Message === "string") {
    const error = openSnsNotification(raw, []);
    if (error) return { ok: false, error };
  }
  return { ok: true, value: { value, path, delivery } };
}

/** Which supported kind a payload is, or why it is none. */
function classify(payload: Payload): Step<EventKind> {
  const { value, delivery } = payload;
  const carried =
    delivery.envelopes.length > 0 ? ` (in the ${delivery.envelopes.join("/").toUpperCase()} message)` : "";
  if (typeof value === "string") {
    if (value.trimStart().startsWith(BUDGETS_NOTIFICATION_HEADING)) {
      return { ok: true, value: "budgets-notification" };
    }
    return {
      ok: false,
      error: {
        code: "UnknownEventKind",
        message: `a text message${carried} that is not an AWS Budgets notification`,
      },
    };
  }
  if (!isRecord(value)) {
    return {
      ok: false,
      error: {
        code: "NotAnObject",
        message: `an event is a JSON object, got ${describeValue(value)}${carried}`,
      },
    };
  }
  if ("detail-type" in value) {
    const source = value.source;
    const detailType = value["detail-type"];
    if (typeof source !== "string" || typeof detailType !== "string") {
      return {
        ok: false,
        error: {
          code: "MalformedEvent",
          message: "an EventBridge event needs a string source and detail-type",
        },
      };
    }
    const kind = EVENTBRIDGE_KINDS.get(eventBridgeKey(source, detailType));
    if (kind !== undefined) return { ok: true, value: kind };
    return {
      ok: false,
      error: {
        code: "UnsupportedEventKind",
        message: `"${detailType}" events from ${source} are not signals Architech acts on`,
        eventSource: source,
        detailType,
      },
    };
  }
  if (value.source === "aws.cloudwatch" && "alarmData" in value) {
    return { ok: true, value: "cloudwatch-alarm-action" };
  }
  if ("AlarmName" in value && ("NewStateValue" in value || "AlarmArn" in value)) {
    return { ok: true, value: "cloudwatch-alarm-sns-message" };
  }
  if (value.architech === "schedule") return { ok: true, value: "scheduler-input" };
  if (value.kind === "slack-command") return { ok: true, value: "slack-command" };
  return {
    ok: false,
    error: {
      code: "UnknownEventKind",
      message: `not an event Architech knows${carried}: no EventBridge detail-type, alarm, schedule, Budgets or Slack shape`,
    },
  };
}

function parseAs<Schema extends z.ZodType>(
  kind: EventKind,
  schema: Schema,
  payload: Payload,
  build: (data: z.output<Schema>) => Signal,
): NormalizeResult {
  const parsed = schema.safeParse(payload.value);
  if (!parsed.success) {
    return {
      ok: false,
      error: malformed(kind, KIND_LABELS[kind], toSignalIssues(parsed.error.issues, payload.path)),
    };
  }
  return { ok: true, signal: build(parsed.data) };
}

function normalizeSlackCommand(payload: Payload): NormalizeResult {
  const kind = "slack-command";
  const input = SlackCommandInputSchema.safeParse(payload.value);
  if (!input.success) {
    return {
      ok: false,
      error: malformed(kind, KIND_LABELS[kind], toSignalIssues(input.error.issues, payload.path)),
    };
  }
  const fields = SlackSlashCommandSchema.safeParse(parseFormBody(input.data.body));
  if (!fields.success) {
    return {
      ok: false,
      error: malformed(
        kind,
        KIND_LABELS[kind],
        toSignalIssues(fields.error.issues, [...payload.path, "body"]),
      ),
    };
  }
  return { ok: true, signal: chatCommandSignalFromSlack(fields.data, input.data, payload.delivery) };
}

function normalizePayload(kind: EventKind, payload: Payload): NormalizeResult {
  const delivery = payload.delivery;
  switch (kind) {
    case "cloudwatch-alarm-state-change":
      return parseAs(kind, CloudWatchAlarmStateChangeEventSchema, payload, (event) =>
        alarmSignalFromStateChange(event, delivery),
      );
    case "cloudwatch-alarm-action":
      return parseAs(kind, CloudWatchAlarmActionEventSchema, payload, (event) =>
        alarmSignalFromAction(event, delivery),
      );
    case "cloudwatch-alarm-sns-message":
      return parseAs(kind, CloudWatchAlarmSnsMessageSchema, payload, (message) =>
        alarmSignalFromSnsMessage(message, delivery),
      );
    case "ecr-image-action":
      return parseAs(kind, EcrImageActionEventSchema, payload, (event) =>
        imageSignalFromEcrAction(event, delivery),
      );
    case "ecs-deployment-state-change":
      return parseAs(kind, EcsDeploymentStateChangeEventSchema, payload, (event) =>
        deploymentSignalFromEcsEvent(event, delivery),
      );
    case "backup-job-state-change":
      return parseAs(kind, BackupJobStateChangeEventSchema, payload, (event) =>
        backupJobSignalFromEvent(event, delivery),
      );
    case "restore-job-state-change":
      return parseAs(kind, RestoreJobStateChangeEventSchema, payload, (event) =>
        restoreJobSignalFromEvent(event, delivery),
      );
    case "scheduled-event":
      return parseAs(kind, ScheduledEventSchema, payload, (event) =>
        scheduleSignalFromRuleEvent(event, delivery),
      );
    case "scheduler-input":
      return parseAs(kind, SchedulerInputSchema, payload, (input) =>
        scheduleSignalFromSchedulerInput(input, delivery),
      );
    case "budgets-notification":
      return parseAs(kind, BudgetsNotificationTextSchema, payload, (message) =>
        budgetSignalFromMessage(message, delivery),
      );
    case "slack-command":
      return normalizeSlackCommand(payload);
  }
}

/** Whether an input is a supported event (and which), or the error `normalizeEvent` would give before validating. */
export type EventKindDetection =
  | { supported: true; kind: EventKind; envelopes: Envelope[] }
  | { supported: false; error: SignalError };

/**
 * Says which kind of event an input is, after taking SNS/SQS envelopes off, without validating its
 * fields. Unsupported AWS events (e.g. `ECR Image Scan`) come back with an `UnsupportedEventKind` error
 * naming their detail-type.
 *
 * @example
 * const detected = detectEventKind(event);
 * if (detected.supported) logger.info("event", { kind: detected.kind, via: detected.envelopes });
 */
export function detectEventKind(raw: unknown): EventKindDetection {
  try {
    const unwrapped = unwrap(raw);
    if (!unwrapped.ok) return { supported: false, error: unwrapped.error };
    const kind = classify(unwrapped.value);
    if (!kind.ok) return { supported: false, error: kind.error };
    return { supported: true, kind: kind.value, envelopes: unwrapped.value.delivery.envelopes };
  } catch (cause) {
    return { supported: false, error: unreadable(cause) };
  }
}

function unreadable(cause: unknown): SignalError {
  // Only an input built to defeat reading (a throwing getter, a revoked proxy) gets here.
  return {
    code: "MalformedEvent",
    message: `the event could not be read: ${cause instanceof Error ? cause.message : String(cause)}`,
  };
}

/**
 * Turns any event the control plane reacts to — EventBridge events from CloudWatch, ECR, ECS, AWS Backup
 * and scheduled rules; CloudWatch alarm actions; CloudWatch alarm and AWS Budgets notifications through
 * SNS (or SNS → SQS); EventBridge Scheduler inputs; Slack slash commands — into a typed {@link Signal}.
 * Never throws: anything else is a typed {@link SignalError} (`NotAnObject`, `UnknownEventKind`,
 * `UnsupportedEventKind`, `MalformedEvent` with the failing field paths, `MultipleRecords`).
 *
 * @example
 * const result = normalizeEvent(event);
 * if (!result.ok) return logger.warn("ignored event", { error: result.error });
 * if (result.signal.type === "alarm" && result.signal.state === "ALARM") await route(result.signal);
 */
export function normalizeEvent(raw: unknown): NormalizeResult {
  try {
    const unwrapped = unwrap(raw);
    if (!unwrapped.ok) return { ok: false, error: unwrapped.error };
    const kind = classify(unwrapped.value);
    if (!kind.ok) return { ok: false, error: kind.error };
    return normalizePayload(kind.value, unwrapped.value);
  } catch (cause) {
    return { ok: false, error: unreadable(cause) };
  }
}

/**
 * Normalizes each record of an SQS (or SNS) batch on its own; any other input gives one result. Each
 * signal's `raw` is the single-record event, and issue paths point into the original batch.
 *
 * @example
 * const failures = normalizeRecords(sqsEvent).flatMap((result, index) => (result.ok ? [] : [index]));
 */
export function normalizeRecords(raw: unknown): NormalizeResult[] {
  if (!isRecord(raw) || !Array.isArray(raw.Records) || raw.Records.length <= 1) return [normalizeEvent(raw)];
  const records: unknown[] = raw.Records;
  return records.map((record, index) => {
    const result = normalizeEvent({ ...raw, Records: [record] });
    if (result.ok || result.error.issues === undefined) return result;
    const issues = result.error.issues.map((issue) =>
      issue.path[0] === "Records" && issue.path[1] === 0
        ? { ...issue, path: ["Records", index, ...issue.path.slice(2)] }
        : issue,
    );
    return { ok: false, error: { ...result.error, issues } };
  });
}

/**
 * Like {@link normalizeEvent}, for handlers that let a bad event fail the invocation.
 *
 * @example
 * export const handler = async (event: unknown) => route(normalizeEventOrThrow(event));
 */
export function normalizeEventOrThrow(raw: unknown): Signal {
  const result = normalizeEvent(raw);
  if (!result.ok) throw new SignalNormalizationError(result.error);
  return result.signal;
}
