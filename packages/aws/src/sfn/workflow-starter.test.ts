import type { RunInput, StartWorkflowInput } from "@architech/core";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  ValidationException,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { WorkflowError } from "./errors.ts";
import { executionArnFor, SfnWorkflowStarter } from "./workflow-starter.ts";

const sfn = mockClient(SFNClient);
afterEach(() => {
  sfn.reset();
});

const ROLLBACK_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rollback";
const EXECUTION_NAME = "rollback-checkout-1d3c5e7a9b0c2d4e";
const EXECUTION_ARN = `arn:aws:states:eu-west-1:123456789012:execution:architech-rollback:${EXECUTION_NAME}`;
const NOW = new Date("2026-03-02T10:15:02.000Z");

const runInput: RunInput = {
  runId: "01JNQ0000000000000000000AB",
  policy: "rollback-checkout",
  runbook: "rollback",
  mode: "approve",
  params: { to: "last-known-good" },
  target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
  targetKey: "ecs-service:prod/checkout-api",
  lease: { owner: "01JNQ0000000000000000000AB", token: 1, expiresAt: "2026-03-02T13:15:00.000Z" },
  trigger: { signalId: "5b1a8c2e", type: "alarm", time: "2026-03-02T10:15:00Z", summary: {} },
};

const start: StartWorkflowInput = { runbook: "rollback", executionName: EXECUTION_NAME, input: runInput };

function starter(): SfnWorkflowStarter {
  return new SfnWorkflowStarter({
    client: new SFNClient({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
    stateMachineArns: { rollback: ROLLBACK_ARN },
    clock: { now: () => NOW },
  });
}

function sdkError(name: string, httpStatusCode: number, fault: "client" | "server" = "client") {
  return new SFNServiceException({ name, $fault: fault, $metadata: { httpStatusCode }, message: `${name}!` });
}

async function thrown(call: () => Promise<unknown>): Promise<WorkflowError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WorkflowError)) throw new Error(`expected a WorkflowError, got ${String(error)}`);
  return error;
}

describe("executionArnFor", () => {
  it("names the execution of a state machine, of a version and of an alias alike", () => {
    // Act
    const arns = [ROLLBACK_ARN, `${ROLLBACK_ARN}:3`, `${ROLLBACK_ARN}:live`].map((arn) =>
      executionArnFor(arn, EXECUTION_NAME),
    );

    // Assess
    expect(arns).toEqual([EXECUTION_ARN, EXECUTION_ARN, EXECUTION_ARN]);
  });
});

describe("SfnWorkflowStarter.startWorkflow", () => {
  it("starts the runbook's state machine with the execution name and the JSON input", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });

    // Act
    const result = await starter().startWorkflow(start);

    // Assess
    expect(result).toEqual({ executionArn: EXECUTION_ARN, alreadyStarted: false });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: ROLLBACK_ARN, name: EXECUTION_NAME, input: JSON.stringify(runInput) },
    ]);
    expect(JSON.parse(calls[0]?.args[0].input.input ?? "")).toEqual(runInput);
  });

  it("reports alreadyStarted when an idempotent start answers with an execution that began earlier", async () => {
    // Prepare: same name and input while the first execution runs: Step Functions answers with it.
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, startDate: new Date("2026-03-02T10:15:00.000Z") });

    // Act
    const result = await starter().startWorkflow(start);

    // Assess
    expect(result).toEqual({ executionArn: EXECUTION_ARN, alreadyStarted: true });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it("returns the existing execution on ExecutionAlreadyExists, found with DescribeExecution", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(
      new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${EXECUTION_ARN}'`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: ROLLBACK_ARN,
      name: EXECUTION_NAME,
      status: "SUCCEEDED",
      startDate: new Date("2026-03-01T10:00:00Z"),
    });

    // Act
    const result = await starter().startWorkflow(start);

    // Assess
    expect(result).toEqual({ executionArn: EXECUTION_ARN, alreadyStarted: true });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
    ]);
  });

  it("fails permanently when the name is taken but the state machine has no such execution", async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} }));

    // Act
    const error = await thrown(() => starter().startWorkflow(start));

    // Assess
    expect(error.code).toBe("WorkflowStartRejected");
    expect(error.transient).toBe(false);
  });

  it("is transient when looking up the existing execution is throttled", async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));
    sfn.on(DescribeExecutionCommand).rejects(sdkError("ThrottlingException", 400));

    // Act
    const error = await thrown(() => starter().startWorkflow(start));

    // Assess
    expect(error.code).toBe("TransientWorkflowStartError");
  });

  it.each([
    ["throttling", sdkError("ThrottlingException", 400)],
    ["a 500", sdkError("InternalFailure", 500, "server")],
    ["a 503 with an unmodelled name", sdkError("SomethingNew", 503, "server")],
    ["the open-execution quota", sdkError("ExecutionLimitExceeded", 400)],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["a timeout", Object.assign(new Error("Request timed out"), { name: "TimeoutError" })],
  ])("turns %s into a transient error that carries the cause", async (_label, failure) => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(failure);

    // Act
    const error = await thrown(() => starter().startWorkflow(start));

    // Assess
    expect(error.code).toBe("TransientWorkflowStartError");
    expect(error.transient).toBe(true);
    expect(error.cause).toBe(failure);
  });

  it("turns a missing state machine into a permanent StateMachineNotFound naming it", async () => {
    // Prepare
    const failure = new StateMachineDoesNotExist({
      message: `State Machine Does Not Exist: '${ROLLBACK_ARN}'`,
      $metadata: { httpStatusCode: 400 },
    });
    sfn.on(StartExecutionCommand).rejects(failure);

    // Act
    const error = await thrown(() => starter().startWorkflow(start));

    // Assess
    expect(error.code).toBe("StateMachineNotFound");
    expect(error.transient).toBe(false);
    expect(error.message).toContain(ROLLBACK_ARN);
    expect(error.cause).toBe(failure);
  });

  it.each([
    ["InvalidName", new InvalidName({ message: "Invalid Name: 'a b'", $metadata: {} })],
    [
      "InvalidExecutionInput",
      new InvalidExecutionInput({ message: "Invalid Execution Input", $metadata: {} }),
    ],
    ["ValidationException", new ValidationException({ message: "1 validation error", $metadata: {} })],
    ["AccessDeniedException", sdkError("AccessDeniedException", 400)],
  ])(
    "turns %s into a permanent WorkflowStartRejected saying what Step Functions answered",
    async (name, failure) => {
      // Prepare
      sfn.on(StartExecutionCommand).rejects(failure);

      // Act
      const error = await thrown(() => starter().startWorkflow(start));

      // Assess
      expect(error.code).toBe("WorkflowStartRejected");
      expect(error.transient).toBe(false);
      expect(error.message).toContain(name);
      expect(error.message).toContain(EXECUTION_NAME);
    },
  );

  it("fails permanently, without calling Step Functions, for a runbook with no state machine", async () => {
    // Act
    const error = await thrown(() => starter().startWorkflow({ ...start, runbook: "cleanup" }));

    // Assess
    expect(error.code).toBe("StateMachineNotConfigured");
    expect(error.message).toBe("no state machine is configured for runbook cleanup (configured: rollback)");
    expect(sfn.calls()).toHaveLength(0);
  });

  it("refuses a configured ARN that is not a state machine's", () => {
    // Act
    const construct = () =>
      new SfnWorkflowStarter({
        client: new SFNClient({}),
        stateMachineArns: { rollback: "arn:aws:lambda:eu-west-1:123456789012:function:rollback" },
      });

    // Assess
    expect(construct).toThrow(/runbook rollback is not a state machine ARN/);
  });
});

describe("SfnWorkflowStarter.stopWorkflow", () => {
  it("stops the execution with the cause", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).resolves({ stopDate: NOW });

    // Act
    await starter().stopWorkflow(EXECUTION_ARN, "triggering alarm returned to OK");

    // Assess
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN, cause: "triggering alarm returned to OK" },
    ]);
  });

  it("treats an execution that has already ended as stopped", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(sdkError("ValidationException", 400));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: "SUCCEEDED" });

    // Act
    const stopping = starter().stopWorkflow(EXECUTION_ARN, "triggering alarm returned to OK");

    // Assess
    await expect(stopping).resolves.toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
    ]);
  });

  it("treats an execution Step Functions no longer knows as stopped", async () => {
    // Prepare
    sfn
      .on(StopExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} }));

    // Act
    const stopping = starter().stopWorkflow(EXECUTION_ARN, "triggering alarm returned to OK");

    // Assess
    await expect(stopping).resolves.toBeUndefined();
  });

  it("fails permanently when a running execution cannot be stopped", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(sdkError("AccessDeniedException", 400));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: "RUNNING" });

    // Act
    const error = await thrown(() => starter().stopWorkflow(EXECUTION_ARN, "alarm OK"));

    // Assess
    expect(error.code).toBe("WorkflowStopRejected");
    expect(error.message).toContain("AccessDeniedException");
  });

  it("is transient when Step Functions throttles the stop", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(sdkError("ThrottlingException", 400));

    // Act
    const error = await thrown(() => starter().stopWorkflow(EXECUTION_ARN, "alarm OK"));

    // Assess
    expect(error.code).toBe("TransientWorkflowStopError");
    expect(error.transient).toBe(true);
  });
});
