import { ArchitechError, PolicyIndex, type RouteResult, type RouterDeps } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "./config.ts";
import { routerHandler } from "./router-handler.ts";
import type { LambdaRuntime } from "./runtime.ts";

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "architech-ingest",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:architech-ingest",
  memoryLimitInMB: "512",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  logGroupName: "/aws/lambda/architech-ingest",
  logStreamName: "2026/03/02/[$LATEST]abcdef",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const started: RouteResult = {
  signalId: "evt-1",
  signalType: "alarm",
  matched: ["rollback-checkout", "page-oncall"],
  decisions: [
    {
      kind: "start",
      policy: "rollback-checkout",
      runbook: "rollback",
      target: { type: "ecs-service", cluster: "prod", service: "checkout" },
      targetKey: "ecs-service:prod/checkout",
      runId: "run-1",
      executionName: "rollback-checkout-0123456789abcdef",
      executionArn:
        "arn:aws:states:eu-west-1:123456789012:execution:rollback:rollback-checkout-0123456789abcdef",
      alreadyStarted: false,
    },
    { kind: "suppressed", policy: "page-oncall", reason: "cooldown", detail: "cooling down" },
  ],
  annotations: [],
};
const suppressed: RouteResult = {
  signalId: "evt-2",
  signalType: "alarm",
  matched: ["rollback-checkout"],
  decisions: [
    { kind: "suppressed", policy: "rollback-checkout", reason: "cooldown", detail: "cooling down" },
  ],
  annotations: [],
};

let output: string[];
beforeEach(() => {
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON documents written out: log entries and EMF metric documents. */
function documents(): Record<string, unknown>[] {
  return output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function metricDocuments(name: string): Record<string, unknown>[] {
  return documents().filter((doc) => doc._aws !== undefined && doc[name] !== undefined);
}

function logs(level: string): Record<string, unknown>[] {
  return documents().filter((doc) => doc.level === level);
}

function runtime(serviceName = "architech-test"): LambdaRuntime {
  return {
    config: {
      tableName: "architech",
      stateMachineArns: {},
      policiesDir: "/var/task/policies",
      serviceName,
      metricsNamespace: "ArchitechTest",
      logLevel: "INFO",
      slackDefaultChannel: "#architech",
      slackSettingsFile: "/var/task/config/slack.yaml",
    },
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ serviceName, namespace: "ArchitechTest" }),
    tracer: new Tracer({ serviceName, enabled: false }),
    routerDeps: { policies: new PolicyIndex([]) } as unknown as RouterDeps,
    slack: undefined,
    ssm: () => {
      throw new Error("no SSM in this test");
    },
  };
}

describe("routerHandler", () => {
  it("returns every route result and counts decisions per kind and reason", async () => {
    // Prepare
    const handler = routerHandler(
      async (_event: unknown) => [started, suppressed],
      () => runtime(),
    );

    // Act
    const result = await handler({}, context);

    // Assess
    expect(result).toEqual({ ok: true, results: [started, suppressed] });
    const decisions = metricDocuments("Decisions").map((doc) => ({
      decision: doc.decision,
      reason: doc.reason,
      count: doc.Decisions,
    }));
    expect(decisions).toEqual([
      { decision: "start", reason: "none", count: 1 },
      { decision: "suppressed", reason: "cooldown", count: 2 },
    ]);
    expect(metricDocuments("Decisions")[0]).toMatchObject({
      service: "architech-test",
      _aws: {
        CloudWatchMetrics: [{ Namespace: "ArchitechTest", Dimensions: [["service", "decision", "reason"]] }],
      },
    });
    expect(metricDocuments("Signals").map((doc) => doc.Signals)).toEqual([2]);
  });

  it("logs each routed signal with the Lambda context", async () => {
    // Prepare
    const handler = routerHandler(
      async (_event: unknown) => started,
      () => runtime(),
    );

    // Act
    await handler({}, context);

    // Assess
    expect(logs("INFO").find((doc) => doc.message === "routed")).toMatchObject({
      signalId: "evt-1",
      matched: ["rollback-checkout", "page-oncall"],
      function_request_id: context.awsRequestId,
      function_name: "architech-ingest",
    });
  });

  it("rethrows a transient error so that Lambda retries the delivery, and counts it", async () => {
    // Prepare
    const failure = new ArchitechError("TransientStoreError", "createRun: DynamoDB is unavailable");
    const handler = routerHandler(
      async (_event: unknown): Promise<RouteResult> => Promise.reject(failure),
      () => runtime(),
    );

    // Act
    const invocation = handler({}, context);

    // Assess
    await expect(invocation).rejects.toBe(failure);
    expect(metricDocuments("TransientFailures").map((doc) => doc.TransientFailures)).toEqual([1]);
    expect(logs("WARN").map((doc) => doc.message)).toContain(
      "transient failure: the delivery will be retried",
    );
  });

  it("returns a permanent error as a failed result, logged and counted, instead of throwing", async () => {
    // Prepare
    const failure = new ArchitechError("StateMachineNotFound", "the state machine does not exist");
    const handler = routerHandler(
      async (_event: unknown): Promise<RouteResult> => Promise.reject(failure),
      () => runtime(),
    );

    // Act
    const result = await handler({}, context);

    // Assess
    expect(result).toEqual({
      ok: false,
      error: { code: "StateMachineNotFound", message: "the state machine does not exist" },
    });
    expect(metricDocuments("PermanentFailures").map((doc) => doc.PermanentFailures)).toEqual([1]);
    expect(logs("ERROR")[0]).toMatchObject({
      message: "permanent failure: the delivery is not retried",
      failure: { code: "StateMachineNotFound" },
    });
  });

  it("maps an unexpected error by its name", async () => {
    // Prepare
    const handler = routerHandler(
      async (_event: unknown): Promise<RouteResult> => {
        throw new TypeError("cannot read properties of undefined");
      },
      () => runtime(),
    );

    // Act
    const result = await handler({}, context);

    // Assess
    expect(result).toEqual({
      ok: false,
      error: { code: "TypeError", message: "cannot read properties of undefined" },
    });
  });

  it("follows the runtime it is given when that runtime is replaced", async () => {
    // Prepare
    let current = runtime("architech-before");
    const handler = routerHandler(
      async (_event: unknown) => suppressed,
      () => current,
    );

    // Act
    await handler({}, context);
    current = runtime("architech-after");
    await handler({}, context);

    // Assess
    expect(
      logs("INFO")
        .filter((doc) => doc.message === "routed")
        .map((doc) => doc.service),
    ).toEqual(["architech-before", "architech-after"]);
  });

  it("fails the invocation when the configuration is wrong, and tries again on the next one", async () => {
    // Prepare
    const build = vi
      .fn<() => LambdaRuntime>()
      .mockImplementationOnce(() => {
        throw new ConfigError(["TABLE_NAME is required"]);
      })
      .mockImplementation(() => runtime());
    const handler = routerHandler(async (_event: unknown) => suppressed, build);

    // Act
    const first = handler({}, context);
    await expect(first).rejects.toThrow("invalid configuration: TABLE_NAME is required");
    const second = await handler({}, context);

    // Assess
    expect(second).toEqual({ ok: true, results: [suppressed] });
  });
});
