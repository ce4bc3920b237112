// Typed signals: one zod schema per event kind, exactly as AWS (or Slack) sends it, and normalizeEvent,
// which turns any of them into the Signal union a router acts on.
export { type Arn, parseArn, parseEcsServiceArn } from "./arn.ts";
export {
  type BackupJobStateChangeEvent,
  BackupJobStateChangeEventSchema,
  BackupJobStateSchema,
  type RestoreJobStateChangeEvent,
  RestoreJobStateChangeEventSchema,
  RestoreJobStateSchema,
} from "./backup.ts";
export {
  BUDGETS_NOTIFICATION_HEADING,
  type BudgetAmount,
  BudgetAmountSchema,
  type BudgetsMessage,
  type BudgetsMessageParse,
  BudgetsMessageSchema,
  BudgetsNotificationTextSchema,
  parseBudgetsMessage,
} from "./budgets.ts";
export {
  type CloudWatchAlarmActionEvent,
  CloudWatchAlarmActionEventSchema,
  CloudWatchAlarmConfigurationSchema,
  CloudWatchAlarmMetricSchema,
  type CloudWatchAlarmSnsMessage,
  CloudWatchAlarmSnsMessageSchema,
  type CloudWatchAlarmStateChangeEvent,
  CloudWatchAlarmStateChangeEventSchema,
  CloudWatchAlarmStateSchema,
} from "./cloudwatch-alarm.ts";
export {
  COMMAND_OPTIONS,
  type CommandArgumentsResult,
  type CommandGrammar,
  type CommandOptionName,
  type CommandOptions,
  chatCommandWords,
  commandUsage,
  MAX_REASON_LENGTH,
  type ParsedCommandArguments,
  parseChatCommand,
  parseCommandArguments,
  type TokenizeResult,
  tokenizeCommandText,
} from "./command-args.ts";
export { describeSignal } from "./describe.ts";
export { type EcrImageActionEvent, EcrImageActionEventSchema } from "./ecr-image-action.ts";
export { type EcsDeploymentStateChangeEvent, EcsDeploymentStateChangeEventSchema } from "./ecs-deployment.ts";
export {
  type SnsLambdaEvent,
  SnsLambdaEventSchema,
  type SnsNotification,
  SnsNotificationSchema,
  type SqsLambdaEvent,
  SqsLambdaEventSchema,
} from "./envelopes.ts";
export { parseEventText } from "./event-text.ts";
export { EventBridgeEnvelopeSchema, eventBridgeEventSchema } from "./eventbridge.ts";
export {
  detectEventKind,
  type EventKindDetection,
  normalizeEvent,
  normalizeEventOrThrow,
  normalizeRecords,
} from "./normalize.ts";
export {
  SCHEDULER_CONTEXT_ATTRIBUTES,
  type ScheduledEvent,
  ScheduledEventSchema,
  type SchedulerInput,
  SchedulerInputSchema,
  scheduleTargetInput,
  substituteSchedulerContext,
} from "./schedule.ts";
export {
  type AlarmSignal,
  type AlarmSignalMetric,
  AlarmSignalMetricSchema,
  AlarmSignalSchema,
  type AlarmStateValue,
  AlarmStateValueSchema,
  type BackupJobSignal,
  BackupJobSignalSchema,
  type BudgetPeriod,
  BudgetPeriodSchema,
  type BudgetThresholdSignal,
  BudgetThresholdSignalSchema,
  type ChatCommandSignal,
  ChatCommandSignalSchema,
  type DeploymentSignal,
  DeploymentSignalSchema,
  type Envelope,
  EnvelopeSchema,
  EVENT_KINDS,
  type EventKind,
  EventKindSchema,
  type ImageDeleteSignal,
  ImageDeleteSignalSchema,
  type ImagePushSignal,
  ImagePushSignalSchema,
  type RestoreJobSignal,
  RestoreJobSignalSchema,
  type ScheduleSignal,
  ScheduleSignalSchema,
  SIGNAL_TYPES,
  type Signal,
  SignalSchema,
  type SignalSource,
  SignalSourceSchema,
  type SignalType,
} from "./signal.ts";
export {
  formatIssuePath,
  type NormalizeResult,
  SIGNAL_ERROR_CODES,
  type SignalError,
  type SignalErrorCode,
  type SignalIssue,
  SignalNormalizationError,
} from "./signal-error.ts";
export {
  looksLikeSlashCommandBody,
  parseFormBody,
  type SlackCommandInput,
  SlackCommandInputSchema,
  type SlackSlashCommand,
  SlackSlashCommandSchema,
} from "./slack-command.ts";
export { toIsoTimestamp } from "./time.ts";
