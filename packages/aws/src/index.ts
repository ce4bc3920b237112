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
} from "./lambda/config.ts";
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
export { WorkflowError, type WorkflowErrorCode } from "./sfn/errors.ts";
export {
  executionArnFor,
  SfnWorkflowStarter,
  type SfnWorkflowStarterOptions,
  START_DATE_TOLERANCE_MS,
} from "./sfn/workflow-starter.ts";
