import { ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  CloudWatchLogsClient,
  CloudWatchLogsServiceException,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsLogsAdapter } from "./logs-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new CloudWatchLogsClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const logs = mockClient(client);
afterEach(() => logs.reset());

const adapter = new AwsLogsAdapter({ client });
const GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:";

function sdkError(name: string, message: string, httpStatusCode = 400) {
  return new CloudWatchLogsServiceException({
    name,
    $fault: "client",
    $metadata: { httpStatusCode },
    message,
  });
}

describe("AwsLogsAdapter.listLogGroups", () => {
  it("follows every page and reads each group's tags by its ARN without the trailing :*", async () => {
    logs
      .on(DescribeLogGroupsCommand, { nextToken: undefined })
      .resolves({
        logGroups: [
          {
            logGroupName: "/ecs/checkout-api",
            arn: `${GROUP_ARN}/ecs/checkout-api:*`,
            creationTime: Date.parse("2025-10-01T12:00:00.000Z"),
            storedBytes: 73_400_320,
          },
        ],
        nextToken: "p2",
      })
      .on(DescribeLogGroupsCommand, { nextToken: "p2" })
      .resolves({
        logGroups: [
          {
            logGroupName: "/aws/lambda/billing",
            arn: `${GROUP_ARN}/aws/lambda/billing:*`,
            logGroupArn: `${GROUP_ARN}/aws/lambda/billing`,
            creationTime: Date.parse("2026-01-10T00:00:00.000Z"),
            retentionInDays: 30,
          },
        ],
      })
      .on(ListTagsForResourceCommand, { resourceArn: `${GROUP_ARN}/ecs/checkout-api` })
      .resolves({ tags: { owner: "payments" } })
      .on(ListTagsForResourceCommand, { resourceArn: `${GROUP_ARN}/aws/lambda/billing` })
      .resolves({});

    const groups = await adapter.listLogGroups();

    expect(groups).toEqual([
      {
        logGroupName: "/ecs/checkout-api",
        arn: `${GROUP_ARN}/ecs/checkout-api`,
        createdAt: "2025-10-01T12:00:00.000Z",
        storedBytes: 73_400_320,
        tags: { owner: "payments" },
      },
      {
        logGroupName: "/aws/lambda/billing",
        arn: `${GROUP_ARN}/aws/lambda/billing`,
        retentionInDays: 30,
        createdAt: "2026-01-10T00:00:00.000Z",
        storedBytes: 0,
        tags: {},
      },
    ]);
    expect(logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { nextToken: undefined },
      { nextToken: "p2" },
    ]);
    expect(logs.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input)).toEqual([
      { resourceArn: `${GROUP_ARN}/ecs/checkout-api` },
      { resourceArn: `${GROUP_ARN}/aws/lambda/billing` },
    ]);
  });

  it("leaves out a group deleted between listing and reading its tags", async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: "/gone", arn: `${GROUP_ARN}/gone:*`, creationTime: 0 }] })
      .on(ListTagsForResourceCommand)
      .rejects(sdkError("ResourceNotFoundException", "The specified log group does not exist."));

    await expect(adapter.listLogGroups()).resolves.toEqual([]);
  });

  it("surfaces throttling as a TransientPortError", async () => {
    logs.on(DescribeLogGroupsCommand).rejects(sdkError("ThrottlingException", "Rate exceeded"));

    await expect(adapter.listLogGroups()).rejects.toBeInstanceOf(TransientPortError);
  });
});

describe("AwsLogsAdapter.putRetentionPolicy", () => {
  it("sets the group's retention", async () => {
    logs.on(PutRetentionPolicyCommand).resolves({});

    await adapter.putRetentionPolicy("/ecs/checkout-api", 90);

    expect(logs.commandCalls(PutRetentionPolicyCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: "/ecs/checkout-api", retentionInDays: 90 },
    ]);
  });

  it("reports a missing group as ResourceNotFoundError", async () => {
    logs
      .on(PutRetentionPolicyCommand)
      .rejects(sdkError("ResourceNotFoundException", "The specified log group does not exist."));

    const error = await adapter.putRetentionPolicy("/gone", 90).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("CloudWatch log group /gone");
  });
});
