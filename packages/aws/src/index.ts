// Public API of @architech/aws: adapters that implement the core ports on AWS SDK v3 clients.

export * from "./adapters.ts";
export { type EnsureTableOptions, ensureTable, toCreateTableInput } from "./dynamodb/create-table.ts";
export { createDynamoStore, type DynamoStore, type DynamoStoreOptions } from "./dynamodb/dynamo-store.ts";
export { createEntities, type Entities } from "./dynamodb/entities/index.ts";
export { isConditionalCheckFailed, toStoreError } from "./dynamodb/errors.ts";
export {
  ConfigError,
  type LambdaConfig,
  readLambdaConfig,
  readStepsConfig,
  SLACK_BOT_TOKEN_PARAMETER,
  type StepsConfig,
} from "./lambda/config.ts";
export {
  type EscalationHandler,
  type EscalationHandlerResult,
  escalationHandler,
} from "./lambda/escalation-handler.ts";
export { LogNotifier } from "./lambda/log-notifier.ts";
export { createLambdaNotifier, type LambdaNotifierOptions } from "./lambda/notifier.ts";
export {
  configureOpsAlarmRuntime,
  createOpsAlarmRuntime,
  type OpsAlarmHandlerResult,
  type OpsAlarmRuntime,
  type OpsAlarmRuntimeOptions,
  opsAlarmHandler,
  opsAlarmRuntime,
} from "./lambda/ops-alarm-handler.ts";
export { routeRecords } from "./lambda/route-records.ts";
export {
  createRouterDeps,
  type RouterDepsOptions,
  sortableRunIds,
  systemClock,
} from "./lambda/router-deps.ts";
export {
  type RouteFunction,
  type RouterHandler,
  type RouterHandlerResult,
  routerErrors,
  routerHandler,
} from "./lambda/router-handler.ts";
export {
  configureLambdaRuntime,
  createLambdaRuntime,
  type LambdaRuntime,
  type LambdaRuntimeOptions,
  lambdaRuntime,
} from "./lambda/runtime.ts";
export {
  forgetSecureParameters,
  readSecureParameter,
  type SecureParameterOptions,
} from "./lambda/secure-parameter.ts";
export {
  DEFERRED_SLACK_COMMAND_KEY,
  type DeferredSlackCommandEvent,
  type SlackCommandHandler,
  type SlackEndpointOptions,
  slackCommandHandler,
  slackInteractionHandler,
} from "./lambda/slack-endpoints.ts";
export {
  forgetSlackSigningSecrets,
  lowerCaseHeaders,
  rawBodyOf,
  SLACK_SIGNING_SECRET_PARAMETER,
  type SlackFunctionUrlHandler,
  type SlackHandle,
  type SlackHandlerOptions,
  slackFunctionUrlHandler,
  slackSigningSecret,
} from "./lambda/slack-handler.ts";
export {
  allStepPorts,
  cleanupStepPorts,
  rightsizeStepPorts,
  rollbackStepPorts,
  type StepClients,
  type StepPorts,
  type StepPortsBuilder,
  type StepPortsContext,
  verifyBackupStepPorts,
} from "./lambda/step-ports.ts";
export {
  configureStepsRuntime,
  createStepsRuntime,
  type StepsRuntime,
  type StepsRuntimeOptions,
  stepsHandler,
} from "./lambda/steps-handler.ts";
export { SfnApprovalResumer } from "./sfn/approval-resumer.ts";
export { WorkflowError, type WorkflowErrorCode } from "./sfn/errors.ts";
export {
  executionArnFor,
  SfnWorkflowStarter,
  type SfnWorkflowStarterOptions,
  START_DATE_TOLERANCE_MS,
} from "./sfn/workflow-starter.ts";
export { type SlackCall, slackErrorCode, toSlackPortError } from "./slack/slack-errors.ts";
export { type SlackFromEnvironmentOptions, slackFromEnvironment } from "./slack/slack-from-environment.ts";
export {
  createSlackWebClient,
  LAMBDA_SLACK_RETRY_POLICY,
  SLACK_RESPONSE_URL_ORIGIN,
  type SlackWebClientOptions,
  WebApiSlack,
  type WebApiSlackOptions,
} from "./slack/web-api-slack.ts";
