import { tableDefinition } from "@architech/core";
import { describe, expect, it } from "vitest";
import { toCreateTableInput } from "./create-table.ts";

describe("toCreateTableInput", () => {
  it("builds an on-demand table with every key attribute and index of the definition", () => {
    // Act
    const input = toCreateTableInput("architech");

    // Assess
    expect(input).toMatchObject({
      TableName: "architech",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    });
    expect(input.AttributeDefinitions).toHaveLength(tableDefinition.attributes.length);
    expect(input.GlobalSecondaryIndexes).toContainEqual({
      IndexName: "gsi2",
      KeySchema: [
        { AttributeName: "gsi2pk", KeyType: "HASH" },
        { AttributeName: "gsi2sk", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    });
    // Every key attribute the indexes use is declared, and nothing else (DynamoDB rejects extras).
    const used = new Set([
      "pk",
      "sk",
      ...tableDefinition.globalSecondaryIndexes.flatMap((gsi) => [gsi.partitionKey, gsi.sortKey]),
    ]);
    expect(new Set(input.AttributeDefinitions?.map((a) => a.AttributeName))).toEqual(used);
  });
});
