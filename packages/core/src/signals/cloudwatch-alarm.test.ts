import { describe, expect, it } from "vitest";
import { CloudWatchAlarmStateChangeEventSchema } from "./cloudwatch-alarm.ts";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixture, signalOf } from "./test-support.ts";

describe("CloudWatch alarm state change (EventBridge)", () => {
  it("reads a metric alarm going OK → ALARM with its service dimensions", () => {
    // Prepare
    const event = readEventFixture("cloudwatch/alarm-state-change.metric.alarm.json");

    // Act
    const signal = signalOf(normalizeEvent(event), "alarm");

    // Assess
    expect(signal).toMatchObject({
      id: "5b1a8c2e-7d43-4f0b-9e61-2c8d4a7f3b10",
      time: "2026-03-02T10:15:00.000Z",
      account: "123456789012",
      region: "eu-west-1",
      alarmName: "checkout-api-cpu-high",
      alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-cpu-high",
      alarmKind: "metric",
      state: "ALARM",
      previousState: "OK",
      stateChangedAt: "2026-03-02T10:14:59.873Z",
      dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
      alarmRule: null,
      source: { service: "aws.cloudwatch", kind: "cloudwatch-alarm-state-change", envelopes: [] },
    });
    expect(signal.reason).toContain("was greater than the threshold (80.0)");
    expect(signal.metrics).toEqual([
      {
        id: "8f2c61d4-2b7e-4c1a-a9de-51f0c3e8b7a2",
        namespace: "AWS/ECS",
        name: "CPUUtilization",
        dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
        stat: "Average",
        period: 300,
        expression: null,
        label: null,
        returnData: true,
      },
    ]);
    expect(signal.raw).toBe(event);
  });

  it.each([
    ["alarm-state-change.metric.ok.json", "ALARM", "OK"],
    ["alarm-state-change.metric.insufficient-data.json", "OK", "INSUFFICIENT_DATA"],
    ["alarm-state-change.metric-math.alarm.json", "INSUFFICIENT_DATA", "ALARM"],
  ])("reads %s as %s → %s", (file, previousState, state) => {
    const signal = signalOf(normalizeEvent(readEventFixture(`cloudwatch/${file}`)), "alarm");

    expect([signal.previousState, signal.state]).toEqual([previousState, state]);
  });

  it("keeps metric-math expressions and merges the dimensions of the metrics they use", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("cloudwatch/alarm-state-change.metric-math.alarm.json")),
      "alarm",
    );

    expect(signal.metrics.map((metric) => [metric.id, metric.expression, metric.name])).toEqual([
      ["e1", "100 * errors / invocations", null],
      ["errors", null, "Errors"],
      ["invocations", null, "Invocations"],
    ]);
    expect(signal.dimensions).toEqual({ FunctionName: "order-processor", Resource: "order-processor:live" });
  });

  it("reads an anomaly detection alarm: the band is an expression beside the metric", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("cloudwatch/alarm-state-change.anomaly-detection.alarm.json")),
      "alarm",
    );

    expect(signal.alarmName).toBe("checkout-api latency anomaly");
    expect(signal.metrics.find((metric) => metric.id === "ad1")?.expression).toBe(
      "ANOMALY_DETECTION_BAND(m1, 2)",
    );
    expect(signal.dimensions.TargetGroup).toBe("targetgroup/checkout-api/0a1b2c3d4e5f6a7b");
  });

  it("treats dimension names as data, even names of object properties", () => {
    const event = readEventFixture("cloudwatch/alarm-state-change.metric.alarm.json") as {
      detail: {
        configuration: { metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] };
      };
    };
    const metric = event.detail.configuration.metrics[0];
    if (!metric) throw new Error("fixture has a metric");
    metric.metricStat.metric.dimensions = { constructor: "a", toString: "b" };

    const signal = signalOf(normalizeEvent(event), "alarm");

    expect(signal.dimensions).toEqual({ constructor: "a", toString: "b" });
  });

  it("reads a composite alarm with its rule and suppressed actions", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("cloudwatch/alarm-state-change.composite.alarm.json")),
      "alarm",
    );

    expect(signal).toMatchObject({
      alarmKind: "composite",
      alarmRule: 'ALARM("checkout-api-cpu-high") OR ALARM("checkout-api-error-rate")',
      actionsSuppressedBy: "WaitPeriod",
      metrics: [],
      dimensions: {},
    });
  });

  it("rejects an alarm state the schema does not know, naming the field", () => {
    // Prepare
    const event = readEventFixture("cloudwatch/alarm-state-change.metric.alarm.json") as {
      detail: { state: { value: string } };
    };
    event.detail.state.value = "FIRING";

    // Act
    const result = normalizeEvent(event);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("MalformedEvent");
    expect(result.error.kind).toBe("cloudwatch-alarm-state-change");
    expect(result.error.issues?.map((issue) => issue.path)).toEqual([["detail", "state", "value"]]);
    expect(result.error.message).toContain("detail.state.value");
  });

  it("requires metrics or an alarm rule in the configuration", () => {
    const event = readEventFixture("cloudwatch/alarm-state-change.metric.alarm.json") as {
      detail: { configuration: Record<string, unknown> };
    };
    event.detail.configuration = { description: "no metrics" };

    const parsed = CloudWatchAlarmStateChangeEventSchema.safeParse(event);

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["detail", "configuration"]);
  });
});

describe("CloudWatch alarm action (alarm invokes Lambda directly)", () => {
  it("reads the payload, which has no event id: the identity is the alarm and the state change time", () => {
    const event = readEventFixture("cloudwatch/alarm-action.metric.json");

    const signal = signalOf(normalizeEvent(event), "alarm");

    expect(signal).toMatchObject({
      id: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:order-processor-error-rate@2026-03-02T11:02:31.207Z",
      time: "2026-03-02T11:02:31.207Z",
      account: "123456789012",
      region: "eu-west-1",
      alarmName: "order-processor-error-rate",
      state: "ALARM",
      previousState: "OK",
      dimensions: { FunctionName: "order-processor", Resource: "order-processor:live" },
      source: { kind: "cloudwatch-alarm-action", envelopes: [] },
    });
  });
});

describe("CloudWatch alarm notification through SNS", () => {
  it("reads the JSON message, taking the region from the alarm ARN (the Region field is a display name)", () => {
    const event = readEventFixture("cloudwatch/sns.alarm.json");

    const signal = signalOf(normalizeEvent(event), "alarm");

    expect(signal).toMatchObject({
      id: "6a0c3e1f-9d27-5b84-a1c6-2e8f4b7d9c03",
      time: "2026-03-02T10:14:59.873Z",
      account: "123456789012",
      region: "eu-west-1",
      alarmName: "checkout-api-cpu-high",
      alarmArn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-cpu-high",
      state: "ALARM",
      previousState: "OK",
      description: "checkout-api CPU above 80% for 5 minutes",
      dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
      source: { kind: "cloudwatch-alarm-sns-message", envelopes: ["sns"] },
    });
    expect(signal.metrics[0]).toMatchObject({
      namespace: "AWS/ECS",
      name: "CPUUtilization",
      stat: "AVERAGE",
      period: 300,
    });
  });

  it("points issue paths into the SNS message", () => {
    const event = readEventFixture("cloudwatch/sns.alarm.json") as {
      Records: { Sns: { Message: string } }[];
    };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    delete message.NewStateValue;
    record.Sns.Message = JSON.stringify(message);

    const result = normalizeEvent(event);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("MalformedEvent");
    expect(result.error.issues?.[0]?.path).toEqual(["Records", 0, "Sns", "Message", "NewStateValue"]);
  });
});
