import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDynamoStore } from "@architech/aws";
import { tableDefinition } from "@architech/core";
import { startEmbeddedDynamoDb } from "@architech/local";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe("embedded DynamoDB", () => {
  it("serves the table from the core definition on a loopback port", async () => {
    // Prepare
    const db = await startEmbeddedDynamoDb({ tableName: "architech-test" });

    // Act
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.tableName }));
    await db.stop();

    // Assess
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((gsi) => gsi.IndexName).sort()).toEqual(
      tableDefinition.globalSecondaryIndexes.map((gsi) => gsi.indexName),
    );
  });

  it("keeps the data in a directory across restarts when given a path", async () => {
    // Prepare
    directory = await mkdtemp(join(tmpdir(), "architech-dynalite-"));
    const first = await startEmbeddedDynamoDb({ path: directory });
    const store = createDynamoStore({ client: first.client, tableName: first.tableName });
    await store.claimDedupe({ policy: "p", key: "event-1", runId: "run-1", ttlMs: 60_000 });
    await first.stop();

    // Act
    const second = await startEmbeddedDynamoDb({ path: directory });
    const again = await createDynamoStore({ client: second.client, tableName: second.tableName }).claimDedupe(
      {
        policy: "p",
        key: "event-1",
        runId: "run-2",
        ttlMs: 60_000,
      },
    );
    await second.stop();

    // Assess
    expect(again).toMatchObject({ claimed: false, runId: "run-1" });
  });
});
