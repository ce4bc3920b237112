export interface TableDescription {
  tableName: string;
  tableArn: string;
  status:
    | "CREATING"
    | "UPDATING"
    | "DELETING"
    | "ACTIVE"
    | "INACCESSIBLE_ENCRYPTION_CREDENTIALS"
    | "ARCHIVING"
    | "ARCHIVED";
  /** DynamoDB's item count (refreshed about every six hours on AWS). */
  itemCount: number;
  sizeBytes: number;
  tags: Record<string, string>;
}

/** DynamoDB tables, for checking a restored table against its source and deleting it afterwards. */
export interface DynamoDbTablesPort {
  /** Undefined when there is no such table. */
  describeTable(tableName: string): Promise<TableDescription | undefined>;
  /** Up to `limit` items, read with a Scan. */
  sampleItems(tableName: string, limit: number): Promise<Record<string, unknown>[]>;
  deleteTable(tableName: string): Promise<void>;
}
