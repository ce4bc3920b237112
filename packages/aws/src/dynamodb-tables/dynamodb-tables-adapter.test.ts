import { ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsDynamoDbTablesAdapter } from "./dynamodb-tables-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new DynamoDBClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const dynamodb = mockClient(client);
afterEach(() => dynamodb.reset());

const adapter = new AwsDynamoDbTablesAdapter({ client });
const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restore-check";

function notFound() {
  return new ResourceNotFoundException({
    $metadata: { httpStatusCode: 400 },
    message: "Requested resource not found",
  });
}

describe("AwsDynamoDbTablesAdapter.describeTable", () => {
  it("describes the table with every page of its tags", async () => {
    dynamodb
      .on(DescribeTableCommand)
      .resolves({
        Table: {
          TableName: "orders-restore-check",
          TableArn: TABLE_ARN,
          TableStatus: "ACTIVE",
          ItemCount: 1204,
          TableSizeBytes: 389_120,
        },
      })
      .on(ListTagsOfResourceCommand, { NextToken: undefined })
      .resolves({ Tags: [{ Key: "owner", Value: "orders" }], NextToken: "p2" })
      .on(ListTagsOfResourceCommand, { NextToken: "p2" })
      .resolves({ Tags: [{ Key: "architech:restore-of", Value: "orders" }] });

    const table = await adapter.describeTable("orders-restore-check");

    expect(table).toEqual({
      tableName: "orders-restore-check",
      tableArn: TABLE_ARN,
      status: "ACTIVE",
      itemCount: 1204,
      sizeBytes: 389_120,
      tags: { owner: "orders", "architech:restore-of": "orders" },
    });
    expect(dynamodb.commandCalls(DescribeTableCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: "orders-restore-check" },
    ]);
    expect(dynamodb.commandCalls(ListTagsOfResourceCommand).map((call) => call.args[0].input)).toEqual([
      { ResourceArn: TABLE_ARN, NextToken: undefined },
      { ResourceArn: TABLE_ARN, NextToken: "p2" },
    ]);
  });

  it("answers undefined for a table that does not exist", async () => {
    dynamodb.on(DescribeTableCommand).rejects(notFound());

    await expect(adapter.describeTable("gone")).resolves.toBeUndefined();
    expect(dynamodb.commandCalls(ListTagsOfResourceCommand)).toHaveLength(0);
  });

  it("surfaces throttling as a TransientPortError", async () => {
    const throttled = new ProvisionedThroughputExceededException({
      $metadata: { httpStatusCode: 400 },
      message: "Rate exceeded",
    });
    dynamodb.on(DescribeTableCommand).rejects(throttled);

    await expect(adapter.describeTable("orders")).rejects.toBeInstanceOf(TransientPortError);
  });
});

describe("AwsDynamoDbTablesAdapter.sampleItems", () => {
  it("scans up to the limit and unmarshalls the items", async () => {
    dynamodb.on(ScanCommand).resolves({
      Items: [
        { pk: { S: "ORDER#1" }, total: { N: "42.5" }, paid: { BOOL: true }, lines: { L: [{ S: "sku-1" }] } },
        { pk: { S: "ORDER#2" }, note: { NULL: true } },
      ],
    });

    const items = await adapter.sampleItems("orders-restore-check", 2);

    expect(items).toEqual([
      { pk: "ORDER#1", total: 42.5, paid: true, lines: ["sku-1"] },
      { pk: "ORDER#2", note: null },
    ]);
    expect(dynamodb.commandCalls(ScanCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: "orders-restore-check", Limit: 2 },
    ]);
  });

  it("reads nothing for a limit below one", async () => {
    await expect(adapter.sampleItems("orders-restore-check", 0)).resolves.toEqual([]);
    expect(dynamodb.calls()).toHaveLength(0);
  });
});

describe("AwsDynamoDbTablesAdapter.deleteTable", () => {
  it("deletes the table", async () => {
    dynamodb.on(DeleteTableCommand).resolves({});

    await adapter.deleteTable("orders-restore-check");

    expect(dynamodb.commandCalls(DeleteTableCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: "orders-restore-check" },
    ]);
  });

  it("reports a missing table as ResourceNotFoundError", async () => {
    dynamodb.on(DeleteTableCommand).rejects(notFound());

    const error = await adapter.deleteTable("gone").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("DynamoDB table gone");
  });
});
