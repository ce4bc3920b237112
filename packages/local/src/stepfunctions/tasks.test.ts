import { TransientPortError } from "@architech/core";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock.ts";
import { LocalStepFunctions, type StepCall, type StepHandler } from "./index.ts";

const START = new Date("2025-03-01T09:00:00.000Z");
// biome-ignore lint/suspicious/noTemplateCurlyInString: a definition substitution, filled in at deploy time
const STEPS_FUNCTION = "${StepsFunctionArn}";

function runner(definition: object, stepHandler: StepHandler) {
  const clock = new VirtualClock({ start: START, timeScale: 0 });
  return {
    clock,
    stepFunctions: new LocalStepFunctions({ definitions: { test: definition }, stepHandler, clock }),
  };
}

async function run(stepFunctions: LocalStepFunctions, input: unknown) {
  const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "test", input });
  return stepFunctions.waitForExecution(executionArn);
}

function invoke(state: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: { FunctionName: STEPS_FUNCTION, "Payload.$": "$" },
    ...state,
  };
}

describe("LocalStepFunctions Task binding", () => {
  it("hands lambda:invoke the Payload and wraps the result in { StatusCode, Payload } for ResultSelector", async () => {
    // Prepare
    const calls: StepCall[] = [];
    const { stepFunctions } = runner(
      {
        StartAt: "Plan",
        States: {
          Plan: invoke({
            Parameters: {
              FunctionName: STEPS_FUNCTION,
              Payload: { step: "plan", "service.$": "$.service" },
            },
            ResultSelector: { "value.$": "$.Payload", "status.$": "$.StatusCode" },
            ResultPath: "$.plan",
            End: true,
          }),
        },
      },
      async (call) => {
        calls.push(call);
        return { replicas: 3 };
      },
    );

    // Act
    const execution = await run(stepFunctions, { service: "checkout" });

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.output).toEqual({ service: "checkout", plan: { value: { replicas: 3 }, status: 200 } });
    expect(calls).toEqual([
      {
        functionName: STEPS_FUNCTION,
        payload: { step: "plan", service: "checkout" },
        runbook: "test",
        executionArn: execution.executionArn,
        stateName: "Plan",
        resource: "arn:aws:states:::lambda:invoke",
      },
    ]);
  });

  it("binds a Task whose resource is a Lambda ARN: input in, result out", async () => {
    // Prepare
    const calls: StepCall[] = [];
    const { stepFunctions } = runner(
      {
        StartAt: "Double",
        States: {
          Double: {
            Type: "Task",
            Resource: "arn:aws:lambda:eu-west-1:123456789012:function:double",
            ResultPath: "$.doubled",
            End: true,
          },
        },
      },
      async (call) => {
        calls.push(call);
        return (call.payload as { n: number }).n * 2;
      },
    );

    // Act
    const execution = await run(stepFunctions, { n: 21 });

    // Assess
    expect(execution.output).toEqual({ n: 21, doubled: 42 });
    expect(calls[0]?.functionName).toBe("arn:aws:lambda:eu-west-1:123456789012:function:double");
  });

  it("binds the Tasks inside Parallel branches and Map processors", async () => {
    // Prepare
    const { stepFunctions } = runner(
      {
        StartAt: "Both",
        States: {
          Both: {
            Type: "Parallel",
            Branches: [
              { StartAt: "Left", States: { Left: invoke({ OutputPath: "$.Payload", End: true }) } },
              {
                StartAt: "Each",
                States: {
                  Each: {
                    Type: "Map",
                    ItemsPath: "$.items",
                    ItemProcessor: {
                      StartAt: "Item",
                      States: { Item: invoke({ OutputPath: "$.Payload", End: true }) },
                    },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      async (call) => `${call.stateName}:${JSON.stringify(call.payload)}`,
    );

    // Act
    const execution = await run(stepFunctions, { items: [1, 2] });

    // Assess
    expect(execution.output).toEqual([`Left:{"items":[1,2]}`, ["Item:1", "Item:2"]]);
  });

  it("retries a transient error by its name, waiting the retry interval on the virtual clock, then succeeds", async () => {
    // Prepare
    let attempts = 0;
    const { stepFunctions, clock } = runner(
      {
        StartAt: "Act",
        States: {
          Act: invoke({
            OutputPath: "$.Payload",
            Retry: [
              { ErrorEquals: ["TransientPortError"], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 },
            ],
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
            End: true,
          }),
          Failed: { Type: "Fail", Error: "Unexpected" },
        },
      },
      async () => {
        attempts += 1;
        if (attempts < 3) throw new TransientPortError("ECS is throttling");
        return { done: true };
      },
    );

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.output).toEqual({ done: true });
    expect(attempts).toBe(3);
    expect(clock.now().getTime() - START.getTime()).toBe(2_000 + 4_000);
    const history = stepFunctions.getExecutionHistory(execution.executionArn);
    expect(history.filter((event) => event.type === "TaskFailed").map((event) => event.error)).toEqual([
      "TransientPortError",
      "TransientPortError",
    ]);
  });

  it("catches a permanent error by its name into the failure path, with Lambda's error payload as Cause", async () => {
    // Prepare
    class RollbackRefusedError extends Error {
      override name = "RollbackRefusedError";
    }
    let attempts = 0;
    const { stepFunctions } = runner(
      {
        StartAt: "Act",
        States: {
          Act: invoke({
            Retry: [{ ErrorEquals: ["TransientPortError"], MaxAttempts: 3 }],
            Catch: [{ ErrorEquals: ["RollbackRefusedError"], ResultPath: "$.error", Next: "Report" }],
            Next: "Done",
          }),
          Report: {
            Type: "Pass",
            Parameters: { "error.$": "$.error.Error", "details.$": "States.StringToJson($.error.Cause)" },
            Next: "Refused",
          },
          Refused: { Type: "Fail", Error: "Refused", Cause: "the rollback was refused" },
          Done: { Type: "Succeed" },
        },
      },
      async () => {
        attempts += 1;
        throw new RollbackRefusedError("no known-good release");
      },
    );

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(attempts).toBe(1);
    expect(execution).toMatchObject({
      status: "FAILED",
      error: "Refused",
      cause: "the rollback was refused",
    });
    const report = stepFunctions
      .getExecutionHistory(execution.executionArn)
      .find((event) => event.type === "PassStateExited");
    expect(report?.output).toMatchObject({
      error: "RollbackRefusedError",
      details: { errorType: "RollbackRefusedError", errorMessage: "no known-good release" },
    });
  });

  it("fails the execution with the error name and message when nothing catches it", async () => {
    // Prepare
    const { stepFunctions } = runner({ StartAt: "Act", States: { Act: invoke({ End: true }) } }, async () => {
      throw new TransientPortError("still throttled");
    });

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("TransientPortError");
    expect(JSON.parse(execution.cause ?? "")).toMatchObject({ errorMessage: "still throttled" });
  });

  it("gives States.TaskFailed every task error", async () => {
    // Prepare
    const { stepFunctions } = runner(
      {
        StartAt: "Act",
        States: {
          Act: invoke({ Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Recovered" }], End: true }),
          Recovered: { Type: "Pass", Result: "recovered", End: true },
        },
      },
      async () => {
        throw new Error("boom");
      },
    );

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(execution.output).toBe("recovered");
  });
});
