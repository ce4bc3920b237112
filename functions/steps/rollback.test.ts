import { configureStepsRuntime, ensureTable } from "@architech/aws";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "@architech/local";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context } from "../events/test-support.ts";
import { handler } from "./rollback.ts";

const cloudwatch = new CloudWatchClient({ region: "eu-west-1", maxAttempts: 1 });
const cloudwatchMock = mockClient(cloudwatch);

const run = {
  runId: "run-1",
  policy: "rollback-on-error-alarms",
  runbook: "rollback",
  mode: "auto",
  params: {},
  target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
  targetKey: "ecs-service:prod/checkout-api",
  lease: { owner: "run-1", token: 1, expiresAt: "2026-12-01T12:00:00.000Z" },
  trigger: { signalId: "e1", type: "alarm", time: "2026-12-01T10:00:00.000Z", summary: {} },
};
const recheck = {
  step: "recheck-alarm",
  run,
  state: { plan: { value: { alarmName: "checkout-api-5xx-rate" } } },
};

let db: EmbeddedDynamoDb;
beforeAll(async () => {
  db = await startEmbeddedDynamoDb();
  await ensureTable({ client: db.client, tableName: "architech-steps" });
  configureStepsRuntime({
    env: { TABLE_NAME: "architech-steps", POWERTOOLS_LOG_LEVEL: "SILENT" },
    dynamodb: db.client,
    ecs: new ECSClient({ region: "eu-west-1" }),
    lambda: new LambdaClient({ region: "eu-west-1" }),
    cloudwatch,
  });
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  cloudwatchMock.reset();
});

describe("rollback step function", () => {
  it("runs the step named in the Task's payload against AWS", async () => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: "checkout-api-5xx-rate",
          AlarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate",
          StateValue: "ALARM",
          StateReason: "Threshold Crossed",
          StateUpdatedTimestamp: new Date("2026-12-01T09:58:00Z"),
          Dimensions: [{ Name: "ClusterName", Value: "prod" }],
        },
      ],
    });

    const result = await handler(recheck, context);

    expect(result).toMatchObject({ firing: true, state: "ALARM" });
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toMatchObject({
      AlarmNames: ["checkout-api-5xx-rate"],
    });
  });

  it("throws throttling as TransientPortError, the name the workflow's Retry matches", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "Throttling",
      $metadata: { httpStatusCode: 400 },
    });
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(throttled);

    await expect(handler(recheck, context)).rejects.toMatchObject({ name: "TransientPortError" });
  });

  it("refuses an unknown step, naming the valid ones", async () => {
    await expect(handler({ ...recheck, step: "roll-forward" }, context)).rejects.toMatchObject({
      name: "RunbookStepError",
      message: expect.stringContaining("its steps: plan, recheck-alarm, apply"),
    });
  });
});
