import {
  type DynamoDbTablesPort,
  PortRequestError,
  ResourceNotFoundError,
  type TableDescription,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import { generateItem, settleRestoreJobs, type TableRecord } from "./resources.ts";

export function tableTarget(name: string): string {
  return `dynamodb-table:${name}`;
}

function toTable(table: TableRecord): TableDescription {
  return {
    tableName: table.name,
    tableArn: table.arn,
    status: "ACTIVE",
    itemCount: table.itemCount,
    sizeBytes: table.sizeBytes,
    tags: { ...table.tags },
  };
}

/**
 * DynamoDB tables: the seeded ones, and the copies restore jobs create once they complete. Items are
 * generated: item n of a restored copy is item n of its source.
 */
export function createSandboxDynamoDb(ctx: SandboxContext): DynamoDbTablesPort {
  const { estate } = ctx;
  const { tables } = estate.resources;
  const settle = () => settleRestoreJobs(estate.resources, estate.region, estate.account, ctx.now());
  const call = (
    operation: "dynamodb.describeTable" | "dynamodb.sampleItems" | "dynamodb.deleteTable",
    name: string,
  ) => ({
    operation,
    target: tableTarget(name),
    resource: `DynamoDB table ${name}`,
  });

  return {
    async describeTable(tableName) {
      try {
        ctx.read(call("dynamodb.describeTable", tableName));
      } catch (error) {
        // The port answers a missing table with undefined.
        if (error instanceof ResourceNotFoundError) return undefined;
        throw error;
      }
      settle();
      const table = tables.get(tableName);
      return table === undefined ? undefined : toTable(table);
    },

    async sampleItems(tableName, limit) {
      ctx.read(call("dynamodb.sampleItems", tableName));
      if (!Number.isInteger(limit) || limit < 0) {
        throw new PortRequestError(
          `ValidationException: limit must be a whole number of at least 0 (${limit})`,
        );
      }
      settle();
      const table = tables.get(tableName);
      if (table === undefined) throw new ResourceNotFoundError(`DynamoDB table ${tableName}`);
      return Array.from({ length: Math.min(limit, table.itemCount) }, (_, i) =>
        generateItem(table.itemsOf, i, estate.start),
      );
    },

    async deleteTable(tableName) {
      ctx.mutate(call("dynamodb.deleteTable", tableName), (entry) => {
        settle();
        const table = tables.get(tableName);
        if (table === undefined) throw new ResourceNotFoundError(`DynamoDB table ${tableName}`);
        entry.before = {
          itemCount: table.itemCount,
          ...(table.restoredBy ? { restoredBy: table.restoredBy } : {}),
        };
        if (table.deletionProtection) {
          throw new PortRequestError(
            `ValidationException: Resource cannot be deleted as it is currently protected against deletion (${tableName})`,
          );
        }
        tables.delete(tableName);
        entry.after = { status: "deleted" };
      });
    },
  };
}
