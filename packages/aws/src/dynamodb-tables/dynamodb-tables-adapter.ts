import { type DynamoDbTablesPort, PortRequestError, type TableDescription } from "@architech/core";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTagsOfResourceCommand,
  ScanCommand,
  type TableDescription as SdkTableDescription,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { isPortError, sdkErrorName, toPortError } from "../errors.ts";

export interface AwsDynamoDbTablesAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: DynamoDBClient;
}

const TABLE_STATUSES = new Set<string>([
  "CREATING",
  "UPDATING",
  "DELETING",
  "ACTIVE",
  "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
  "ARCHIVING",
  "ARCHIVED",
]);

/**
 * {@link DynamoDbTablesPort} on the DynamoDB control and data plane: describing a (restored) table,
 * sampling its items, deleting it. Errors are port errors: a missing table is a `ResourceNotFoundError`
 * (`describeTable` answers undefined instead), throttling a `TransientPortError`.
 *
 * @example
 * const tables = new AwsDynamoDbTablesAdapter({ client: new DynamoDBClient({ maxAttempts: 5 }) });
 * const restored = await tables.describeTable("orders-restore-check");
 */
export class AwsDynamoDbTablesAdapter implements DynamoDbTablesPort {
  readonly #client: DynamoDBClient;

  constructor(options: AwsDynamoDbTablesAdapterOptions) {
    this.#client = options.client;
  }

  async describeTable(tableName: string): Promise<TableDescription | undefined> {
    const table = await this.#unlessMissing("DescribeTable", tableName, async () => {
      const output = await this.#client.send(new DescribeTableCommand({ TableName: tableName }));
      return output.Table;
    });
    if (table === undefined) return undefined;
    const tableArn = required(table.TableArn, `the ARN of ${tableResource(tableName)}`);
    const tags = await this.#unlessMissing("ListTagsOfResource", tableName, () => this.#listTags(tableArn));
    // Deleted between the two calls.
    if (tags === undefined) return undefined;
    return toTableDescription(table, tableName, tableArn, tags);
  }

  async sampleItems(tableName: string, limit: number): Promise<Record<string, unknown>[]> {
    // DynamoDB refuses a Limit below 1.
    if (limit < 1) return [];
    const output = await this.#send("Scan", tableResource(tableName), () =>
      this.#client.send(new ScanCommand({ TableName: tableName, Limit: limit })),
    );
    return (output.Items ?? []).map((item) => unmarshall(item));
  }

  async deleteTable(tableName: string): Promise<void> {
    await this.#send("DeleteTable", tableResource(tableName), () =>
      this.#client.send(new DeleteTableCommand({ TableName: tableName })),
    );
  }

  async #listTags(ResourceArn: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let NextToken: string | undefined;
    do {
      const page = await this.#client.send(new ListTagsOfResourceCommand({ ResourceArn, NextToken }));
      for (const tag of page.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return tags;
  }

  /** Runs `call`; a missing table answers undefined, other failures are port errors. */
  async #unlessMissing<T>(action: string, tableName: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (!isPortError(error) && sdkErrorName(error) === "ResourceNotFoundException") return undefined;
      throw toPortError(error, tableResource(tableName), { action });
    }
  }

  async #send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, resource, { action });
    }
  }
}

function tableResource(tableName: string): string {
  return `DynamoDB table ${tableName}`;
}

function toTableDescription(
  table: SdkTableDescription,
  tableName: string,
  tableArn: string,
  tags: Record<string, string>,
): TableDescription {
  const resource = tableResource(tableName);
  const status = required(table.TableStatus, `the status of ${resource}`);
  if (!isTableStatus(status)) throw new PortRequestError(`${resource} has an unknown status ${status}`);
  return {
    tableName: table.TableName ?? tableName,
    tableArn,
    status,
    itemCount: table.ItemCount ?? 0,
    sizeBytes: table.TableSizeBytes ?? 0,
    tags,
  };
}

function isTableStatus(status: string): status is TableDescription["status"] {
  return TABLE_STATUSES.has(status);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`DynamoDB answered without ${what}`);
  return value;
}
