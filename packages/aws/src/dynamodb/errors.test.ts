import { StoreError } from "@architech/core";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createDynamoStore } from "./dynamo-store.ts";
import { toStoreError } from "./errors.ts";

const documentClient = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  documentClient.reset();
});

function store() {
  return createDynamoStore({
    client: new DynamoDBClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    }),
    tableName: "architech",
    clock: { now: () => new Date("2024-05-01T12:00:00Z") },
  });
}

const run = {
  id: "run-1",
  policy: "rollback-api",
  runbook: "rollback",
  target: "ecs-service:prod/api",
  signal: { type: "alarm" },
  mode: "auto" as const,
};

async function thrown(call: () => Promise<unknown>): Promise<StoreError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(error)}`);
  return error;
}

describe("DynamoDB error mapping", () => {
  it("turns throttling into a retryable TransientStoreError", async () => {
    // Prepare
    documentClient.on(PutCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: "Rate of requests exceeds the allowed throughput",
        $metadata: {},
      }),
    );

    // Act
    const error = await thrown(() => store().createRun(run));

    // Assess
    expect(error.code).toBe("TransientStoreError");
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/^createRun: /);
  });

  it("turns ThrottlingException on a conditional update into TransientStoreError, not a lost contest", async () => {
    // Prepare
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: {},
    });
    documentClient.on(UpdateCommand).rejects(throttled);

    // Act
    const error = await thrown(() => store().acquireLease({ target: "t", owner: "o", ttlMs: 1000 }));

    // Assess
    expect(error.code).toBe("TransientStoreError");
  });

  it("reports a lost conditional write as the contended result", async () => {
    // Prepare
    documentClient
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }),
      );
    documentClient.on(GetCommand).resolves({
      Item: {
        pk: "$architech#target_t",
        sk: "$lease_1",
        __edb_e__: "lease",
        __edb_v__: "1",
        target: "t",
        owner: "someone-else",
        token: 7,
        acquiredAt: "2024-05-01T11:59:00.000Z",
        expiresAt: "2024-05-01T12:01:00.000Z",
        released: false,
      },
    });

    // Act
    const result = await store().acquireLease({ target: "t", owner: "o", ttlMs: 1000 });

    // Assess
    expect(result).toEqual({
      acquired: false,
      heldBy: "someone-else",
      expiresAt: "2024-05-01T12:01:00.000Z",
      token: 7,
    });
  });

  it("names a missing table and DynamoDB's item-size refusal", async () => {
    // Prepare
    documentClient
      .on(GetCommand)
      .rejects(new ResourceNotFoundException({ message: "Requested resource not found", $metadata: {} }));
    documentClient.on(PutCommand).rejects(
      Object.assign(new Error("Item size has exceeded the maximum allowed size"), {
        name: "ValidationException",
        $metadata: {},
      }),
    );

    // Act
    const missing = await thrown(() => store().getRun("run-1"));
    const tooLarge = await thrown(() => store().createRun(run));

    // Assess
    expect(missing.code).toBe("StoreTableNotFound");
    expect(tooLarge.code).toBe("ItemTooLarge");
    expect(tooLarge.transient).toBe(false);
  });

  it("classifies network failures and 5xx as transient and unknown errors as unexpected", () => {
    // Prepare
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const serverError = Object.assign(new Error("boom"), {
      name: "InternalServerError",
      $metadata: { httpStatusCode: 500 },
    });
    const bug = new TypeError("x is not a function");
    const already = new StoreError("ItemTooLarge", "kept");

    // Act
    const mapped = [reset, serverError, bug, already].map((error) => toStoreError(error, "op"));

    // Assess
    expect(mapped.map((error) => error.code)).toEqual([
      "TransientStoreError",
      "TransientStoreError",
      "UnexpectedStoreError",
      "ItemTooLarge",
    ]);
    expect(mapped[3]).toBe(already);
    expect(mapped[2]?.cause).toBe(bug);
  });
});
