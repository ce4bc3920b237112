import { type TableDefinition, tableDefinition } from "@architech/core";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";

/**
 * Turns the core {@link TableDefinition} into a DynamoDB `CreateTable` request.
 *
 * @example
 * const input = toCreateTableInput("architech");
 * await client.send(new CreateTableCommand(input));
 */
export function toCreateTableInput(
  tableName: string,
  definition: TableDefinition = tableDefinition,
): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: definition.billingMode,
    AttributeDefinitions: definition.attributes.map((attribute) => ({
      AttributeName: attribute.name,
      AttributeType: attribute.type,
    })),
    KeySchema: [
      { AttributeName: definition.partitionKey, KeyType: "HASH" },
      { AttributeName: definition.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}

/** Options of {@link ensureTable}. */
export interface EnsureTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly definition?: TableDefinition;
  /** How long to wait for the table (and its indexes) to become ACTIVE. Default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * Creates the table when it does not exist yet, waits until it and its indexes are ACTIVE, and turns on
 * TTL where the endpoint supports it (dynalite does not, which is fine: nothing relies on TTL deletion).
 * Meant for the embedded runtime and DynamoDB Local; in AWS the stack owns the table.
 *
 * @example
 * await ensureTable({ client: new DynamoDBClient({ endpoint }), tableName: "architech" });
 */
export async function ensureTable(options: EnsureTableOptions): Promise<void> {
  const { client, tableName, definition = tableDefinition, timeoutMs = 30_000 } = options;
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(tableName, definition)));
  } catch (error) {
    if ((error as { name?: unknown }).name !== "ResourceInUseException") throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((gsi) => gsi.IndexStatus === "ACTIVE");
    if (Table?.TableStatus === "ACTIVE" && indexesActive) break;
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    // dynalite has no UpdateTimeToLive; a table whose TTL is already on answers ValidationException.
    if (name !== "UnknownOperationException" && name !== "ValidationException") throw error;
  }
}
