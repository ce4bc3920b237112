// Public API of @architech/local: the embedded runtime.
export {
  type EmbeddedDynamoDb,
  type EmbeddedDynamoDbOptions,
  startEmbeddedDynamoDb,
} from "./dynamodb/embedded-dynamodb.ts";
export { VirtualClock, type VirtualClockOptions } from "./clock.ts";
export * from "./stepfunctions/index.ts";
