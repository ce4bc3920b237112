import { PortRequestError, TransientPortError } from "@architech/core";
import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  InternalServiceFault,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ScriptedAnswer, scriptedRequestHandler } from "../scripted-http.test-support.ts";
import { AwsCloudWatchAdapter } from "./cloudwatch-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
// The instance, not the class, is mocked: the retry tests below need clients that really send.
const mockedClient = new CloudWatchClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const cloudwatch = mockClient(mockedClient);
afterEach(() => {
  cloudwatch.reset();
  vi.useRealTimers();
});

const ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:";

function adapter(client = mockedClient): AwsCloudWatchAdapter {
  return new AwsCloudWatchAdapter({ client });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail with an Error");
  return error;
}

function sdkError(name: string, httpStatusCode: number, message: string) {
  return new CloudWatchServiceException({ name, $fault: "client", $metadata: { httpStatusCode }, message });
}

/** A single-metric alarm on an ECS service, as DescribeAlarms returns it. */
function serviceAlarm(name: string, cluster: string, service: string): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: `${ALARM_ARN}${name}`,
    ActionsEnabled: true,
    AlarmActions: ["arn:aws:sns:eu-west-1:123456789012:ops"],
    StateValue: "ALARM",
    StateReason:
      "Threshold Crossed: 3 out of the last 3 datapoints [7.1 (02/03/26 10:14:00)] were greater than the threshold (5.0).",
    StateUpdatedTimestamp: new Date("2026-03-02T10:15:00.000Z"),
    StateTransitionedTimestamp: new Date("2026-03-02T10:15:00.000Z"),
    MetricName: "HTTPCode_Target_5XX_Count",
    Namespace: "AWS/ECS",
    Statistic: "Sum",
    Dimensions: [
      { Name: "ClusterName", Value: cluster },
      { Name: "ServiceName", Value: service },
    ],
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 5,
    ComparisonOperator: "GreaterThanThreshold",
  };
}

/** A metric-math alarm: the error rate of an ECS service's load balancer target group. */
const errorRateAlarm: MetricAlarm = {
  AlarmName: "checkout-api-error-rate",
  AlarmArn: `${ALARM_ARN}checkout-api-error-rate`,
  StateValue: "OK",
  StateReason:
    "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].",
  StateUpdatedTimestamp: new Date("2026-03-01T08:00:00.000Z"),
  EvaluationPeriods: 3,
  Threshold: 5,
  ComparisonOperator: "GreaterThanThreshold",
  Dimensions: [],
  Metrics: [
    { Id: "rate", Expression: "100 * errors / requests", Label: "error rate", ReturnData: true },
    {
      Id: "errors",
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "HTTPCode_Target_5XX_Count",
          Dimensions: [
            { Name: "TargetGroup", Value: "targetgroup/checkout-api/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/prod/fedcba9876543210" },
          ],
        },
        Period: 60,
        Stat: "Sum",
      },
    },
    {
      Id: "requests",
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "RequestCount",
          Dimensions: [
            { Name: "TargetGroup", Value: "targetgroup/checkout-api/0123456789abcdef" },
            { Name: "LoadBalancer", Value: "app/prod/fedcba9876543210" },
            { Name: "AvailabilityZone", Value: "eu-west-1a" },
          ],
        },
        Period: 60,
        Stat: "Sum",
      },
    },
  ],
};

describe("AwsCloudWatchAdapter.describeAlarm", () => {
  it("describes a metric alarm with the dimensions of its metric", async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [serviceAlarm("checkout-api-5xx", "prod", "checkout-api")],
      CompositeAlarms: [],
    });

    // Act
    const alarm = await adapter().describeAlarm("checkout-api-5xx");

    // Assess
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)).toEqual([
      { AlarmNames: ["checkout-api-5xx"], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] },
    ]);
    expect(alarm).toEqual({
      name: "checkout-api-5xx",
      arn: `${ALARM_ARN}checkout-api-5xx`,
      state: "ALARM",
      stateReason:
        "Threshold Crossed: 3 out of the last 3 datapoints [7.1 (02/03/26 10:14:00)] were greater than the threshold (5.0).",
      stateUpdatedAt: "2026-03-02T10:15:00.000Z",
      dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
    });
  });

  it("merges the dimensions of every metric a metric-math alarm reads", async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [errorRateAlarm] });

    // Act
    const alarm = await adapter().describeAlarm("checkout-api-error-rate");

    // Assess
    expect(alarm?.dimensions).toEqual({
      TargetGroup: "targetgroup/checkout-api/0123456789abcdef",
      LoadBalancer: "app/prod/fedcba9876543210",
      AvailabilityZone: "eu-west-1a",
    });
    expect(alarm?.state).toBe("OK");
  });

  it("describes a composite alarm, which watches no metric of its own", async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [],
      CompositeAlarms: [
        {
          AlarmName: "checkout-api-unhealthy",
          AlarmArn: `${ALARM_ARN}checkout-api-unhealthy`,
          AlarmRule: 'ALARM("checkout-api-5xx") OR ALARM("checkout-api-latency")',
          StateValue: "ALARM",
          StateReason:
            "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx transitioned to ALARM",
          StateUpdatedTimestamp: new Date("2026-03-02T10:15:05.000Z"),
        },
      ],
    });

    // Act
    const alarm = await adapter().describeAlarm("checkout-api-unhealthy");

    // Assess
    expect(alarm).toEqual({
      name: "checkout-api-unhealthy",
      arn: `${ALARM_ARN}checkout-api-unhealthy`,
      state: "ALARM",
      stateReason: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx transitioned to ALARM",
      stateUpdatedAt: "2026-03-02T10:15:05.000Z",
      dimensions: {},
    });
  });

  it("answers undefined when there is no such alarm", async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    // Act
    const alarm = await adapter().describeAlarm("ghost");

    // Assess
    expect(alarm).toBeUndefined();
  });

  it.each([
    ["Throttling", sdkError("Throttling", 400, "Rate exceeded")],
    [
      "an internal fault",
      new InternalServiceFault({ message: "Internal failure", $metadata: { httpStatusCode: 500 } }),
    ],
  ])("turns %s into a TransientPortError that carries the cause", async (_label, failure) => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().describeAlarm("checkout-api-5xx"));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });

  it("turns access denied into a PortRequestError naming the call and the alarm", async () => {
    // Prepare
    const message =
      "User: arn:aws:sts::123456789012:assumed-role/architech-steps/rollback is not authorized to perform: cloudwatch:DescribeAlarms";
    cloudwatch.on(DescribeAlarmsCommand).rejects(sdkError("AccessDenied", 403, message));

    // Act
    const error = await rejection(adapter().describeAlarm("checkout-api-5xx"));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      `DescribeAlarms on CloudWatch alarm checkout-api-5xx was refused: AccessDenied: ${message}`,
    );
  });
});

describe("AwsCloudWatchAdapter.listAlarmsForDimensions", () => {
  it("reads every page and keeps the alarms with a metric carrying all the dimensions", async () => {
    // Prepare
    cloudwatch
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({
        MetricAlarms: [
          serviceAlarm("checkout-api-5xx", "prod", "checkout-api"),
          serviceAlarm("cart-5xx", "prod", "cart"),
          { ...serviceAlarm("prod-cpu", "prod", "x"), Dimensions: [{ Name: "ClusterName", Value: "prod" }] },
        ],
        NextToken: "page-2",
      })
      .on(DescribeAlarmsCommand, { NextToken: "page-2" })
      .resolves({
        MetricAlarms: [
          serviceAlarm("staging-checkout-api-5xx", "staging", "checkout-api"),
          {
            ...errorRateAlarm,
            AlarmName: "checkout-api-latency-p95",
            Metrics: [
              {
                Id: "m1",
                ReturnData: true,
                MetricStat: {
                  Metric: {
                    Namespace: "ECS/ContainerInsights",
                    MetricName: "CpuUtilized",
                    Dimensions: [
                      { Name: "ServiceName", Value: "checkout-api" },
                      { Name: "ClusterName", Value: "prod" },
                    ],
                  },
                  Period: 60,
                  Stat: "p95",
                },
              },
            ],
          },
        ],
        NextToken: "page-3",
      })
      .on(DescribeAlarmsCommand, { NextToken: "page-3" })
      .resolves({ MetricAlarms: [] });

    // Act
    const alarms = await adapter().listAlarmsForDimensions({
      ClusterName: "prod",
      ServiceName: "checkout-api",
    });

    // Assess
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)).toEqual([
      { AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken: undefined },
      { AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken: "page-2" },
      { AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken: "page-3" },
    ]);
    expect(alarms.map((alarm) => [alarm.name, alarm.dimensions])).toEqual([
      ["checkout-api-5xx", { ClusterName: "prod", ServiceName: "checkout-api" }],
      ["checkout-api-latency-p95", { ServiceName: "checkout-api", ClusterName: "prod" }],
    ]);
  });

  it("surfaces throttling on a later page as a TransientPortError", async () => {
    // Prepare
    const failure = sdkError("Throttling", 400, "Rate exceeded");
    cloudwatch
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({
        MetricAlarms: [serviceAlarm("checkout-api-5xx", "prod", "checkout-api")],
        NextToken: "page-2",
      })
      .on(DescribeAlarmsCommand, { NextToken: "page-2" })
      .rejects(failure);

    // Act
    const error = await rejection(adapter().listAlarmsForDimensions({ ServiceName: "checkout-api" }));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });
});

describe("AwsCloudWatchAdapter.getMetricStatistics", () => {
  const query = {
    namespace: "AWS/ECS",
    metricName: "CPUUtilization",
    dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
    start: "2026-02-23T00:00:00.000Z",
    end: "2026-03-02T00:00:00.000Z",
    periodSeconds: 3600,
    statistics: ["Maximum", "p95"],
  };
  const metric = {
    Namespace: "AWS/ECS",
    MetricName: "CPUUtilization",
    Dimensions: [
      { Name: "ClusterName", Value: "prod" },
      { Name: "ServiceName", Value: "checkout-api" },
    ],
  };
  const hour = (n: number) => new Date(Date.parse("2026-02-23T00:00:00.000Z") + n * 3_600_000);

  it("asks for one query per statistic, reads every page and merges them by time, oldest first", async () => {
    // Prepare
    cloudwatch
      .on(GetMetricDataCommand, { NextToken: undefined })
      .resolves({
        MetricDataResults: [
          {
            Id: "m0",
            Label: "Maximum",
            Timestamps: [hour(0), hour(1)],
            Values: [40.5, 61.25],
            StatusCode: "PartialData",
          },
          { Id: "m1", Label: "p95", Timestamps: [hour(0)], Values: [30], StatusCode: "PartialData" },
        ],
        NextToken: "t2",
      })
      .on(GetMetricDataCommand, { NextToken: "t2" })
      .resolves({
        MetricDataResults: [
          { Id: "m0", Timestamps: [hour(2)], Values: [12], StatusCode: "Complete" },
          { Id: "m1", Timestamps: [hour(2), hour(1)], Values: [10.5, 55], StatusCode: "Complete" },
        ],
      });

    // Act
    const datapoints = await adapter().getMetricStatistics(query);

    // Assess
    const expectedInput = {
      MetricDataQueries: [
        { Id: "m0", MetricStat: { Metric: metric, Period: 3600, Stat: "Maximum" } },
        { Id: "m1", MetricStat: { Metric: metric, Period: 3600, Stat: "p95" } },
      ],
      StartTime: new Date("2026-02-23T00:00:00.000Z"),
      EndTime: new Date("2026-03-02T00:00:00.000Z"),
      ScanBy: "TimestampAscending",
    };
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input)).toEqual([
      { ...expectedInput, NextToken: undefined },
      { ...expectedInput, NextToken: "t2" },
    ]);
    expect(datapoints).toEqual([
      { timestamp: "2026-02-23T00:00:00.000Z", values: { Maximum: 40.5, p95: 30 } },
      { timestamp: "2026-02-23T01:00:00.000Z", values: { Maximum: 61.25, p95: 55 } },
      { timestamp: "2026-02-23T02:00:00.000Z", values: { Maximum: 12, p95: 10.5 } },
    ]);
  });

  it("answers no datapoints for a metric without data", async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "m0", Timestamps: [], Values: [], StatusCode: "Complete" },
        { Id: "m1", Timestamps: [], Values: [], StatusCode: "Complete" },
      ],
    });

    // Act
    const datapoints = await adapter().getMetricStatistics(query);

    // Assess
    expect(datapoints).toEqual([]);
  });

  it("does not call CloudWatch when no statistic is asked for", async () => {
    // Act
    const datapoints = await adapter().getMetricStatistics({ ...query, statistics: [] });

    // Assess
    expect(datapoints).toEqual([]);
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  it("refuses a start that is not a date, without calling CloudWatch", async () => {
    // Act
    const error = await rejection(adapter().getMetricStatistics({ ...query, start: "last week" }));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "GetMetricData on CloudWatch metric AWS/ECS CPUUtilization: the start time last week is not a date",
    );
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  it("treats a query CloudWatch failed internally as transient", async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "m0", Timestamps: [hour(0)], Values: [1], StatusCode: "Complete" },
        {
          Id: "m1",
          Timestamps: [],
          Values: [],
          StatusCode: "InternalError",
          Messages: [{ Code: "InternalError", Value: "Try again" }],
        },
      ],
    });

    // Act
    const error = await rejection(adapter().getMetricStatistics(query));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.message).toBe(
      "GetMetricData on CloudWatch metric AWS/ECS CPUUtilization: p95 failed inside CloudWatch (InternalError: Try again)",
    );
  });

  it("refuses a query CloudWatch forbids", async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "m0", StatusCode: "Forbidden" }],
    });

    // Act
    const error = await rejection(adapter().getMetricStatistics(query));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "GetMetricData on CloudWatch metric AWS/ECS CPUUtilization: Maximum is forbidden",
    );
  });

  it("surfaces throttling on a later page as a TransientPortError", async () => {
    // Prepare
    const failure = sdkError("Throttling", 400, "Rate exceeded");
    cloudwatch
      .on(GetMetricDataCommand, { NextToken: undefined })
      .resolves({ MetricDataResults: [], NextToken: "t2" })
      .on(GetMetricDataCommand, { NextToken: "t2" })
      .rejects(failure);

    // Act
    const error = await rejection(adapter().getMetricStatistics(query));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });
});

/**
 * The SDK's standard retry runs inside `client.send`, which `mockClient` replaces; these tests answer at
 * the HTTP layer instead, so the real retry middleware and error deserialization run.
 */
describe("AwsCloudWatchAdapter on a client with the SDK's retries", () => {
  function httpClient(maxAttempts: number, answers: ScriptedAnswer[]) {
    const { requestHandler, requests } = scriptedRequestHandler(answers, {
      contentType: "application/x-amz-json-1.0",
      describe: (request) => request.headers["x-amz-target"] ?? "",
    });
    const client = new CloudWatchClient({ region: "eu-west-1", credentials, maxAttempts, requestHandler });
    return { client, requests };
  }

  const throttled = {
    status: 400,
    headers: { "x-amzn-query-error": "Throttling;Sender" },
    body: { __type: "com.amazonaws.monitoring#Throttling", message: "Rate exceeded" },
  };
  const described = {
    status: 200,
    body: {
      MetricAlarms: [
        {
          AlarmName: "checkout-api-5xx",
          AlarmArn: `${ALARM_ARN}checkout-api-5xx`,
          StateValue: "ALARM",
          StateReason: "Threshold Crossed",
          StateUpdatedTimestamp: 1772446500,
          Dimensions: [{ Name: "ServiceName", Value: "checkout-api" }],
        },
      ],
      CompositeAlarms: [],
    },
  };

  it("succeeds when throttling is followed by an answer, after the SDK's backoff", async () => {
    // Prepare
    vi.useFakeTimers();
    const { client, requests } = httpClient(3, [throttled, described]);

    // Act
    const pending = adapter(client).describeAlarm("checkout-api-5xx");
    await vi.runAllTimersAsync();
    const alarm = await pending;

    // Assess
    expect(requests).toEqual([
      "GraniteServiceVersion20100801.DescribeAlarms",
      "GraniteServiceVersion20100801.DescribeAlarms",
    ]);
    expect(alarm?.stateUpdatedAt).toBe("2026-03-02T10:15:00.000Z");
  });

  it("surfaces throttling as a TransientPortError once the SDK's attempts are spent", async () => {
    // Prepare
    const { client, requests } = httpClient(1, [throttled, described]);

    // Act
    const error = await rejection(adapter(client).describeAlarm("checkout-api-5xx"));

    // Assess
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toMatchObject({ name: "Throttling" });
  });
});
