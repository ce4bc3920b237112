import { z } from "zod";
import { toIsoTimestamp } from "./time.ts";

/**
 * The event kinds the control plane turns into signals, named after the payload (not the delivery
 * envelope around it: the same CloudWatch alarm may arrive through EventBridge, an alarm action or SNS).
 */
export const EVENT_KINDS = [
  "cloudwatch-alarm-state-change",
  "cloudwatch-alarm-action",
  "cloudwatch-alarm-sns-message",
  "ecr-image-action",
  "ecs-deployment-state-change",
  "backup-job-state-change",
  "restore-job-state-change",
  "scheduled-event",
  "scheduler-input",
  "budgets-notification",
  "slack-command",
] as const;

export const EventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKindSchema>;

/** Delivery envelopes a payload may come wrapped in, outermost first (`["sqs", "sns"]` = SNS → SQS → Lambda). */
export const EnvelopeSchema = z.enum(["sns", "sqs"]);
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const SIGNAL_TYPES = [
  "alarm",
  "image-push",
  "image-delete",
  "deployment",
  "backup-job",
  "restore-job",
  "schedule",
  "budget-threshold",
  "chat-command",
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

const IsoTimeSchema = z.string().refine((value) => toIsoTimestamp(value) === value, {
  message: "expected a canonical ISO 8601 UTC timestamp",
});

/** Where a signal came from: the emitting service, the payload kind and the envelopes it travelled in. */
export const SignalSourceSchema = z.object({
  /** `aws.cloudwatch`, `aws.ecr`, `aws.ecs`, `aws.backup`, `aws.events`, `aws.scheduler`, `aws.budgets`, `slack`. */
  service: z.string(),
  kind: EventKindSchema,
  envelopes: z.array(EnvelopeSchema),
});
export type SignalSource = z.infer<typeof SignalSourceSchema>;

// Fields every signal carries. `id` is what the router deduplicates on: the EventBridge event id, the
// SNS message id, or (where the delivery has none that survives retries) a key built from the event.
const signalBase = {
  id: z.string().min(1),
  /** When the thing happened, ISO 8601 UTC. */
  time: IsoTimeSchema,
  account: z.string().nullable(),
  region: z.string().nullable(),
  /** ARNs the event names (the EventBridge `resources` field; empty where the delivery has none). */
  resources: z.array(z.string()),
  source: SignalSourceSchema,
  /** The event exactly as it was given to `normalizeEvent`. */
  raw: z.unknown(),
};

export const AlarmStateValueSchema = z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]);
export type AlarmStateValue = z.infer<typeof AlarmStateValueSchema>;

/** One metric (or metric-math expression) an alarm watches, in a single shape for every delivery. */
export const AlarmSignalMetricSchema = z.object({
  id: z.string().nullable(),
  namespace: z.string().nullable(),
  name: z.string().nullable(),
  dimensions: z.record(z.string(), z.string()),
  stat: z.string().nullable(),
  period: z.number().nullable(),
  expression: z.string().nullable(),
  label: z.string().nullable(),
  returnData: z.boolean().nullable(),
});
export type AlarmSignalMetric = z.infer<typeof AlarmSignalMetricSchema>;

export const AlarmSignalSchema = z.object({
  type: z.literal("alarm"),
  ...signalBase,
  alarmName: z.string(),
  alarmArn: z.string().nullable(),
  alarmKind: z.enum(["metric", "composite"]),
  description: z.string().nullable(),
  state: AlarmStateValueSchema,
  previousState: AlarmStateValueSchema.nullable(),
  reason: z.string(),
  /** When the alarm entered `state`. */
  stateChangedAt: IsoTimeSchema,
  metrics: z.array(AlarmSignalMetricSchema),
  /** Dimensions of all watched metrics merged (first wins), e.g. `ClusterName`, `ServiceName`, `FunctionName`. */
  dimensions: z.record(z.string(), z.string()),
  /** The rule of a composite alarm. */
  alarmRule: z.string().nullable(),
  /** Set when a composite alarm's actions were suppressed (`WaitPeriod`, `ExtensionPeriod`, `Alarm`). */
  actionsSuppressedBy: z.string().nullable(),
});
export type AlarmSignal = z.infer<typeof AlarmSignalSchema>;

const imageFields = {
  ...signalBase,
  repositoryName: z.string(),
  imageDigest: z.string(),
  imageTag: z.string().nullable(),
  result: z.enum(["SUCCESS", "FAILURE"]),
};
export const ImagePushSignalSchema = z.object({ type: z.literal("image-push"), ...imageFields });
export type ImagePushSignal = z.infer<typeof ImagePushSignalSchema>;
export const ImageDeleteSignalSchema = z.object({ type: z.literal("image-delete"), ...imageFields });
export type ImageDeleteSignal = z.infer<typeof ImageDeleteSignalSchema>;

export const DeploymentSignalSchema = z.object({
  type: z.literal("deployment"),
  ...signalBase,
  eventName: z.enum([
    "SERVICE_DEPLOYMENT_IN_PROGRESS",
    "SERVICE_DEPLOYMENT_COMPLETED",
    "SERVICE_DEPLOYMENT_FAILED",
  ]),
  status: z.enum(["IN_PROGRESS", "COMPLETED", "FAILED"]),
  eventType: z.string(),
  deploymentId: z.string(),
  serviceArn: z.string(),
  /** Null for a legacy short-format service ARN, which does not name its cluster. */
  clusterName: z.string().nullable(),
  serviceName: z.string(),
  reason: z.string(),
  /** ECS sends IN_PROGRESS for rollbacks too; only the reason tells them apart. */
  isRollback: z.boolean(),
  updatedAt: IsoTimeSchema,
});
export type DeploymentSignal = z.infer<typeof DeploymentSignalSchema>;

const jobTimings = {
  createdAt: IsoTimeSchema.nullable(),
  completedAt: IsoTimeSchema.nullable(),
  /** From creation to completion, whole seconds; null until the job completes. */
  durationSeconds: z.number().nullable(),
  percentDone: z.number().nullable(),
  backupSizeBytes: z.number().nullable(),
};

export const BackupJobSignalSchema = z.object({
  type: z.literal("backup-job"),
  ...signalBase,
  backupJobId: z.string(),
  state: z.string(),
  statusMessage: z.string().nullable(),
  /** The console's "Completed with issues": COMPLETED with a status message. */
  completedWithIssues: z.boolean(),
  resourceArn: z.string().nullable(),
  resourceType: z.string().nullable(),
  recoveryPointArn: z.string().nullable(),
  backupVaultName: z.string().nullable(),
  backupVaultArn: z.string().nullable(),
  startBy: IsoTimeSchema.nullable(),
  ...jobTimings,
});
export type BackupJobSignal = z.infer<typeof BackupJobSignalSchema>;

export const RestoreJobSignalSchema = z.object({
  type: z.literal("restore-job"),
  ...signalBase,
  restoreJobId: z.string(),
  state: z.string(),
  statusMessage: z.string().nullable(),
  sourceResourceArn: z.string().nullable(),
  createdResourceArn: z.string().nullable(),
  resourceType: z.string().nullable(),
  recoveryPointArn: z.string().nullable(),
  backupVaultName: z.string().nullable(),
  backupVaultArn: z.string().nullable(),
  /** Set for jobs started by an AWS Backup restore testing plan. */
  restoreTestingPlanArn: z.string().nullable(),
  ...jobTimings,
});
export type RestoreJobSignal = z.infer<typeof RestoreJobSignalSchema>;

export const ScheduleSignalSchema = z.object({
  type: z.literal("schedule"),
  ...signalBase,
  trigger: z.enum(["eventbridge-rule", "eventbridge-scheduler"]),
  /** The rule name (EventBridge rule) or schedule name (EventBridge Scheduler). */
  scheduleName: z.string(),
  scheduleArn: z.string().nullable(),
  /** The Scheduler schedule group, or the event bus a rule ARN names (null for rules on the default bus). */
  scheduleGroup: z.string().nullable(),
  scheduledTime: IsoTimeSchema,
  /** The policy a Scheduler input names; rules carry none. */
  policy: z.string().nullable(),
  executionId: z.string().nullable(),
  attempt: z.number().nullable(),
});
export type ScheduleSignal = z.infer<typeof ScheduleSignalSchema>;

export const BudgetPeriodSchema = z.enum(["daily", "monthly", "quarterly", "annually"]);
export type BudgetPeriod = z.infer<typeof BudgetPeriodSchema>;

export const BudgetThresholdSignalSchema = z.object({
  type: z.literal("budget-threshold"),
  ...signalBase,
  budgetName: z.string(),
  budgetType: z.string(),
  alertType: z.enum(["ACTUAL", "FORECASTED"]),
  /** Null when the notification's wording names no period Architech knows. */
  period: BudgetPeriodSchema.nullable(),
  /** ISO 4217 code when the amounts carry a known currency symbol, else the symbol or unit as written. */
  currency: z.string().nullable(),
  budgetedAmount: z.number(),
  thresholdAmount: z.number(),
  /** The threshold as a percentage of the budgeted amount (null for a zero budget). */
  thresholdPercent: z.number().nullable(),
  comparison: z.enum([">", "<", "="]),
  /** The actual or forecasted amount that crossed the threshold. */
  amount: z.number(),
  amountPercent: z.number().nullable(),
  actualAmount: z.number().nullable(),
  forecastedAmount: z.number().nullable(),
  subject: z.string().nullable(),
  topicArn: z.string().nullable(),
});
export type BudgetThresholdSignal = z.infer<typeof BudgetThresholdSignalSchema>;

export const ChatCommandSignalSchema = z.object({
  type: z.literal("chat-command"),
  ...signalBase,
  /** From the request's `X-Slack-Request-Timestamp`; null when the input did not carry it. */
  time: IsoTimeSchema.nullable(),
  platform: z.literal("slack"),
  command: z.string(),
  text: z.string(),
  /**
   * `text` split on whitespace, quotes and all. Commands are parsed from `text` with quotes honoured
   * (`chatCommandWords`, `parseChatCommand`), so that `--reason "bad deploy"` stays one argument.
   */
  args: z.array(z.string()),
  userId: z.string(),
  userName: z.string().nullable(),
  channelId: z.string(),
  channelName: z.string().nullable(),
  teamId: z.string(),
  teamDomain: z.string().nullable(),
  enterpriseId: z.string().nullable(),
  apiAppId: z.string().nullable(),
  responseUrl: z.string(),
  triggerId: z.string(),
});
export type ChatCommandSignal = z.infer<typeof ChatCommandSignalSchema>;

/**
 * What a router needs from any event, discriminated on `type`.
 *
 * @example
 * const parsed = SignalSchema.safeParse(JSON.parse(storedSignalJson));
 * if (parsed.success && parsed.data.type === "alarm") console.log(parsed.data.alarmName);
 */
export const SignalSchema = z.discriminatedUnion("type", [
  AlarmSignalSchema,
  ImagePushSignalSchema,
  ImageDeleteSignalSchema,
  DeploymentSignalSchema,
  BackupJobSignalSchema,
  RestoreJobSignalSchema,
  ScheduleSignalSchema,
  BudgetThresholdSignalSchema,
  ChatCommandSignalSchema,
]);
export type Signal = z.infer<typeof SignalSchema>;

/** Context a signal builder gets from the delivery: the envelopes and their metadata. */
export interface Delivery {
  envelopes: Envelope[];
  sns?: { messageId: string; timestamp: string; topicArn: string; subject: string | null };
  sqs?: { messageId: string; region: string | null; sentAt: string | null };
  raw: unknown;
}
