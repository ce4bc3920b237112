// Public API of @architech/local: the embedded runtime.

export { VirtualClock, type VirtualClockOptions } from "./clock.ts";
export {
  type EmbeddedDynamoDb,
  type EmbeddedDynamoDbOptions,
  startEmbeddedDynamoDb,
} from "./dynamodb/embedded-dynamodb.ts";
export { type SeedReleaseHistoryOptions, seedReleaseHistory } from "./release-history.ts";
export * from "./runtime/index.ts";
export type { SandboxNotifierFailure } from "./sandbox/account.ts";
export * from "./sandbox/index.ts";
export * from "./slack/index.ts";
export * from "./stepfunctions/index.ts";
