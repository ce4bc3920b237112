// Public API of @architech/aws: adapters that implement the core ports on AWS SDK v3 clients.
export { type EnsureTableOptions, ensureTable, toCreateTableInput } from "./dynamodb/create-table.ts";
export { createDynamoStore, type DynamoStore, type DynamoStoreOptions } from "./dynamodb/dynamo-store.ts";
export { createEntities, type Entities } from "./dynamodb/entities/index.ts";
export { isConditionalCheckFailed, toStoreError } from "./dynamodb/errors.ts";
