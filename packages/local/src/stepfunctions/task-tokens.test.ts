import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock.ts";
import { LocalStepFunctions, LocalStepFunctionsError, type StepCall } from "./index.ts";

const START = new Date("2025-03-01T09:00:00.000Z");
// biome-ignore lint/suspicious/noTemplateCurlyInString: a definition substitution, filled in at deploy time
const STEPS_FUNCTION = "${StepsFunctionArn}";

/** Asks for approval and waits for the decision, as the rollback runbook does. */
function approvalDefinition(approval: Record<string, unknown> = {}): object {
  return {
    StartAt: "RequestApproval",
    States: {
      RequestApproval: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: STEPS_FUNCTION,
          Payload: { step: "request-approval", "run.$": "$.run", "taskToken.$": "$$.Task.Token" },
        },
        TimeoutSeconds: 900,
        ResultPath: "$.approval",
        Catch: [
          { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Denied" },
          { ErrorEquals: ["States.Timeout"], ResultPath: "$.error", Next: "Expired" },
        ],
        Next: "Approved",
        ...approval,
      },
      Approved: { Type: "Pass", Result: "approved", ResultPath: "$.outcome", End: true },
      Denied: { Type: "Pass", Result: "denied", ResultPath: "$.outcome", End: true },
      Expired: { Type: "Pass", Result: "expired", ResultPath: "$.outcome", End: true },
    },
  };
}

/** A runner whose step handler stores each task token, as the approval step stores it with the Approval. */
async function startApproval(definition = approvalDefinition()) {
  const clock = new VirtualClock({ start: START, timeScale: 0 });
  const calls: StepCall[] = [];
  let stored: (token: string) => void = () => {};
  const tokenStored = new Promise<string>((resolve) => {
    stored = resolve;
  });
  const stepFunctions = new LocalStepFunctions({
    definitions: { approval: definition },
    clock,
    stepHandler: async (call) => {
      calls.push(call);
      if (call.taskToken !== undefined) stored(call.taskToken);
      return { requested: true };
    },
  });
  const { executionArn } = await stepFunctions.startExecution({
    stateMachineName: "approval",
    input: { run: { runId: "run-1" } },
  });
  return { stepFunctions, clock, calls, executionArn, token: await tokenStored };
}

describe("LocalStepFunctions .waitForTaskToken", () => {
  it("resolves $$.Task.Token in the Parameters and hands the same token to the step handler", async () => {
    // Act
    const { calls, token } = await startApproval();

    // Assess
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(calls[0]?.payload).toEqual({
      step: "request-approval",
      run: { runId: "run-1" },
      taskToken: token,
    });
    expect(calls[0]?.taskToken).toBe(token);
  });

  it("waits until sendTaskSuccess and takes its output as the task result", async () => {
    // Prepare
    const { stepFunctions, executionArn, token } = await startApproval();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const whileWaiting = stepFunctions.describeExecution(executionArn).status;

    // Act
    await stepFunctions.sendTaskSuccess(token, { approvedBy: "U123" });
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(whileWaiting).toBe("RUNNING");
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.output).toEqual({
      run: { runId: "run-1" },
      approval: { approvedBy: "U123" },
      outcome: "approved",
    });
  });

  it("fails the task with sendTaskFailure's error and cause, which Catch matches", async () => {
    // Prepare
    const { stepFunctions, executionArn, token } = await startApproval();

    // Act
    await stepFunctions.sendTaskFailure(token, "ApprovalDenied", "denied by U123");
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(execution.output).toMatchObject({
      error: { Error: "ApprovalDenied", Cause: "denied by U123" },
      outcome: "denied",
    });
    const failed = stepFunctions
      .getExecutionHistory(executionArn)
      .find((event) => event.type === "TaskFailed");
    expect(failed).toMatchObject({
      stateName: "RequestApproval",
      error: "ApprovalDenied",
      cause: "denied by U123",
    });
  });

  it("times out with States.Timeout once TimeoutSeconds pass on the clock, which States.TaskFailed does not catch", async () => {
    // Prepare
    const { stepFunctions, clock, executionArn, token } = await startApproval();

    // Act
    clock.advance(899_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const before = stepFunctions.describeExecution(executionArn).status;
    clock.advance(1_000);
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(before).toBe("RUNNING");
    expect(execution.output).toMatchObject({ error: { Error: "States.Timeout" }, outcome: "expired" });
    const timedOut = stepFunctions
      .getExecutionHistory(executionArn)
      .find((event) => event.type === "TaskTimedOut");
    expect(timedOut?.timestamp.toISOString()).toBe("2025-03-01T09:15:00.000Z");
    await expect(stepFunctions.sendTaskSuccess(token, {})).rejects.toMatchObject({ code: "TaskTimedOut" });
  });

  it("reads the timeout from TimeoutSecondsPath", async () => {
    // Prepare
    const definition = approvalDefinition({
      TimeoutSeconds: undefined,
      TimeoutSecondsPath: "$.run.timeoutSeconds",
    });
    const clock = new VirtualClock({ start: START, timeScale: 0 });
    const stepFunctions = new LocalStepFunctions({
      definitions: { approval: JSON.parse(JSON.stringify(definition)) },
      clock,
      stepHandler: async () => null,
    });
    const { executionArn } = await stepFunctions.startExecution({
      stateMachineName: "approval",
      input: { run: { timeoutSeconds: 60 } },
    });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(60_000);
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(execution.output).toMatchObject({ outcome: "expired" });
  });

  it("times out when no heartbeat comes within HeartbeatSeconds, and a heartbeat restarts the countdown", async () => {
    // Prepare
    const { stepFunctions, clock, executionArn, token } = await startApproval(
      approvalDefinition({ HeartbeatSeconds: 120 }),
    );

    // Act
    clock.advance(100_000);
    await stepFunctions.sendTaskHeartbeat(token);
    clock.advance(100_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const afterHeartbeat = stepFunctions.describeExecution(executionArn).status;
    clock.advance(20_000);
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(afterHeartbeat).toBe("RUNNING");
    expect(execution.output).toMatchObject({ outcome: "expired" });
    expect(execution.stopDate?.toISOString()).toBe("2025-03-01T09:03:40.000Z");
  });

  it("refuses an unknown token and a second answer", async () => {
    // Prepare
    const { stepFunctions, token } = await startApproval();
    await stepFunctions.sendTaskSuccess(token, { approvedBy: "U123" });

    // Act
    const unknown = stepFunctions.sendTaskSuccess("not-a-token", {});
    const second = stepFunctions.sendTaskFailure(token, "ApprovalDenied");

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(LocalStepFunctionsError);
    await expect(unknown).rejects.toMatchObject({ code: "TaskDoesNotExist" });
    await expect(second).rejects.toMatchObject({ code: "TaskTimedOut" });
  });
});
