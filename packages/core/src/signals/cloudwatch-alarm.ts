import { z } from "zod";
import { arnRegion, arnResourceName } from "./arn.ts";
import { eventBridgeEventSchema } from "./eventbridge.ts";
import {
  type AlarmSignal,
  type AlarmSignalMetric,
  AlarmStateValueSchema,
  type Delivery,
  type EventKind,
} from "./signal.ts";
import { AwsTimestampSchema, isoTimestamp } from "./time.ts";

// --- The alarm as EventBridge and alarm actions describe it (camelCase) -----------------------------

/** An alarm state in a state-change event or alarm action. */
export const CloudWatchAlarmStateSchema = z.object({
  value: AlarmStateValueSchema,
  reason: z.string(),
  /** JSON text: evaluated datapoints and thresholds (metric alarms) or triggering alarms (composite). */
  reasonData: z.string().optional(),
  timestamp: AwsTimestampSchema,
  actionsSuppressedBy: z.string().optional(),
  actionsSuppressedReason: z.string().optional(),
});

/** A metric or metric-math expression of a metric alarm (anomaly bands are expressions too). */
export const CloudWatchAlarmMetricSchema = z.object({
  id: z.string(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.record(z.string(), z.string()).optional(),
      }),
      period: z.number(),
      stat: z.string(),
      unit: z.string().optional(),
    })
    .optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

/** `metrics` for a metric alarm; `alarmRule` (and the actions suppressor) for a composite alarm. */
export const CloudWatchAlarmConfigurationSchema = z
  .object({
    description: z.string().optional(),
    metrics: z.array(CloudWatchAlarmMetricSchema).optional(),
    alarmRule: z.string().optional(),
    actionsSuppressor: z.string().optional(),
    actionsSuppressorWaitPeriod: z.number().optional(),
    actionsSuppressorExtensionPeriod: z.number().optional(),
  })
  .refine((configuration) => configuration.metrics !== undefined || configuration.alarmRule !== undefined, {
    message: "an alarm configuration has either metrics (metric alarm) or an alarmRule (composite alarm)",
  });

const alarmDetail = z.object({
  alarmName: z.string().min(1),
  state: CloudWatchAlarmStateSchema,
  previousState: CloudWatchAlarmStateSchema,
  configuration: CloudWatchAlarmConfigurationSchema,
});

/**
 * EventBridge `CloudWatch Alarm State Change` (metric, metric math, anomaly detection and composite
 * alarms), as CloudWatch sends it to the default bus.
 */
export const CloudWatchAlarmStateChangeEventSchema = eventBridgeEventSchema(
  "aws.cloudwatch",
  "CloudWatch Alarm State Change",
  alarmDetail,
);
export type CloudWatchAlarmStateChangeEvent = z.infer<typeof CloudWatchAlarmStateChangeEventSchema>;

/**
 * The payload of an alarm action that invokes a Lambda function directly (no EventBridge envelope, no
 * event id; `time` uses a `+0000` offset).
 */
export const CloudWatchAlarmActionEventSchema = z.object({
  source: z.literal("aws.cloudwatch"),
  alarmArn: z.string().min(1),
  accountId: z.string().min(1),
  time: AwsTimestampSchema,
  region: z.string().min(1),
  alarmData: alarmDetail,
});
export type CloudWatchAlarmActionEvent = z.infer<typeof CloudWatchAlarmActionEventSchema>;

// --- The alarm as an SNS notification describes it (PascalCase JSON inside Sns.Message) -------------

const SnsDimensionSchema = z.object({ name: z.string(), value: z.string() });

const SnsTriggerMetricSchema = z.object({
  Id: z.string(),
  Expression: z.string().optional(),
  Label: z.string().optional(),
  ReturnData: z.boolean().optional(),
  MetricStat: z
    .object({
      Metric: z.object({
        Dimensions: z.array(SnsDimensionSchema).optional(),
        MetricName: z.string(),
        Namespace: z.string(),
      }),
      Period: z.number(),
      Stat: z.string(),
      Unit: z.string().nullish(),
    })
    .optional(),
});

/** `Trigger` of a metric alarm notification: one metric inline, or `Metrics` for metric math. */
const SnsTriggerSchema = z.object({
  MetricName: z.string().optional(),
  Namespace: z.string().optional(),
  StatisticType: z.string().optional(),
  Statistic: z.string().optional(),
  ExtendedStatistic: z.string().optional(),
  Unit: z.string().nullish(),
  Dimensions: z.array(SnsDimensionSchema).optional(),
  Metrics: z.array(SnsTriggerMetricSchema).optional(),
  Period: z.number().optional(),
  EvaluationPeriods: z.number().optional(),
  ComparisonOperator: z.string().optional(),
  Threshold: z.number().optional(),
  TreatMissingData: z.string().optional(),
});

/**
 * The JSON text CloudWatch publishes to an SNS topic when an alarm changes state (found in
 * `Records[].Sns.Message` of the SNS Lambda event). `Region` is a display name ("US East (N. Virginia)"),
 * not a region code: the code comes from `AlarmArn`.
 */
export const CloudWatchAlarmSnsMessageSchema = z.object({
  AlarmName: z.string().min(1),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string().min(1),
  NewStateValue: AlarmStateValueSchema,
  NewStateReason: z.string(),
  StateChangeTime: AwsTimestampSchema,
  Region: z.string().optional(),
  AlarmArn: z.string().optional(),
  OldStateValue: AlarmStateValueSchema,
  Trigger: SnsTriggerSchema.optional(),
  AlarmRule: z.string().optional(),
});
export type CloudWatchAlarmSnsMessage = z.infer<typeof CloudWatchAlarmSnsMessageSchema>;

// --- Signals ------------------------------------------------------------------------------------------

type AlarmDetail = z.infer<typeof alarmDetail>;

function metricsFromConfiguration(configuration: AlarmDetail["configuration"]): AlarmSignalMetric[] {
  return (configuration.metrics ?? []).map((metric) => ({
    id: metric.id,
    namespace: metric.metricStat?.metric.namespace ?? null,
    name: metric.metricStat?.metric.name ?? null,
    dimensions: metric.metricStat?.metric.dimensions ?? {},
    stat: metric.metricStat?.stat ?? null,
    period: metric.metricStat?.period ?? null,
    expression: metric.expression ?? null,
    label: metric.label ?? null,
    returnData: metric.returnData ?? null,
  }));
}

function mergeDimensions(metrics: AlarmSignalMetric[]): Record<string, string> {
  // A Map, so that dimension names such as "constructor" are data, never inherited properties.
  const merged = new Map<string, string>();
  for (const metric of metrics) {
    for (const [name, value] of Object.entries(metric.dimensions)) {
      if (!merged.has(name)) merged.set(name, value);
    }
  }
  return Object.fromEntries(merged);
}

function alarmFields(detail: AlarmDetail) {
  const metrics = metricsFromConfiguration(detail.configuration);
  return {
    alarmName: detail.alarmName,
    alarmKind: detail.configuration.alarmRule !== undefined ? ("composite" as const) : ("metric" as const),
    description: detail.configuration.description ?? null,
    state: detail.state.value,
    previousState: detail.previousState.value,
    reason: detail.state.reason,
    stateChangedAt: isoTimestamp(detail.state.timestamp),
    metrics,
    dimensions: mergeDimensions(metrics),
    alarmRule: detail.configuration.alarmRule ?? null,
    actionsSuppressedBy: detail.state.actionsSuppressedBy ?? null,
  };
}

function source(kind: EventKind, delivery: Delivery) {
  return { service: "aws.cloudwatch", kind, envelopes: delivery.envelopes };
}

export function alarmSignalFromStateChange(
  event: CloudWatchAlarmStateChangeEvent,
  delivery: Delivery,
): AlarmSignal {
  const resources = event.resources ?? [];
  return {
    type: "alarm",
    id: event.id,
    time: isoTimestamp(event.time),
    account: event.account,
    region: event.region,
    resources,
    source: source("cloudwatch-alarm-state-change", delivery),
    raw: delivery.raw,
    alarmArn: resources.find((arn) => arnResourceName(arn, "alarm:") !== null) ?? null,
    ...alarmFields(event.detail),
  };
}

export function alarmSignalFromAction(event: CloudWatchAlarmActionEvent, delivery: Delivery): AlarmSignal {
  const fields = alarmFields(event.alarmData);
  return {
    type: "alarm",
    // Alarm actions carry no event id; one alarm enters one state at one instant, so that pair is the identity.
    id: `${event.alarmArn}@${fields.stateChangedAt}`,
    time: isoTimestamp(event.time),
    account: event.accountId,
    region: event.region,
    resources: [event.alarmArn],
    source: source("cloudwatch-alarm-action", delivery),
    raw: delivery.raw,
    alarmArn: event.alarmArn,
    ...fields,
  };
}

function metricsFromTrigger(trigger: CloudWatchAlarmSnsMessage["Trigger"]): AlarmSignalMetric[] {
  if (trigger === undefined) return [];
  const dimensions = (list: { name: string; value: string }[] | undefined) =>
    Object.fromEntries((list ?? []).map(({ name, value }) => [name, value]));
  if (trigger.Metrics !== undefined) {
    return trigger.Metrics.map((metric) => ({
      id: metric.Id,
      namespace: metric.MetricStat?.Metric.Namespace ?? null,
      name: metric.MetricStat?.Metric.MetricName ?? null,
      dimensions: dimensions(metric.MetricStat?.Metric.Dimensions),
      stat: metric.MetricStat?.Stat ?? null,
      period: metric.MetricStat?.Period ?? null,
      expression: metric.Expression ?? null,
      label: metric.Label ?? null,
      returnData: metric.ReturnData ?? null,
    }));
  }
  if (trigger.MetricName === undefined) return [];
  return [
    {
      id: null,
      namespace: trigger.Namespace ?? null,
      name: trigger.MetricName,
      dimensions: dimensions(trigger.Dimensions),
      stat: trigger.Statistic ?? trigger.ExtendedStatistic ?? null,
      period: trigger.Period ?? null,
      expression: null,
      label: null,
      returnData: null,
    },
  ];
}

export function alarmSignalFromSnsMessage(
  message: CloudWatchAlarmSnsMessage,
  delivery: Delivery,
): AlarmSignal {
  const metrics = metricsFromTrigger(message.Trigger);
  const stateChangedAt = isoTimestamp(message.StateChangeTime);
  const alarmArn = message.AlarmArn ?? null;
  return {
    type: "alarm",
    id: delivery.sns?.messageId ?? `${alarmArn ?? message.AlarmName}@${stateChangedAt}`,
    time: stateChangedAt,
    account: message.AWSAccountId,
    region: arnRegion(message.AlarmArn) ?? arnRegion(delivery.sns?.topicArn) ?? delivery.sqs?.region ?? null,
    resources: alarmArn === null ? [] : [alarmArn],
    source: source("cloudwatch-alarm-sns-message", delivery),
    raw: delivery.raw,
    alarmName: message.AlarmName,
    alarmArn,
    alarmKind: message.AlarmRule !== undefined ? "composite" : "metric",
    description: message.AlarmDescription ?? null,
    state: message.NewStateValue,
    previousState: message.OldStateValue,
    reason: message.NewStateReason,
    stateChangedAt,
    metrics,
    dimensions: mergeDimensions(metrics),
    alarmRule: message.AlarmRule ?? null,
    actionsSuppressedBy: null,
  };
}
