import type { RunInput } from "@architech/core";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock.ts";
import {
  InvalidWorkflowDefinitionError,
  type LocalExecutionEvent,
  LocalStepFunctions,
  type StepHandler,
} from "./index.ts";

const START = new Date("2025-03-01T09:00:00.000Z");
// biome-ignore lint/suspicious/noTemplateCurlyInString: a definition substitution, filled in at deploy time
const ROLLBACK_STEPS_FUNCTION = "${RollbackStepsFunctionArn}";

const planThenWait = {
  StartAt: "Plan",
  States: {
    Plan: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: ROLLBACK_STEPS_FUNCTION, "Payload.$": "$" },
      ResultSelector: { "value.$": "$.Payload" },
      ResultPath: "$.plan",
      Next: "Enough?",
    },
    "Enough?": {
      Type: "Choice",
      Choices: [{ Variable: "$.plan.value.wait", BooleanEquals: false, Next: "Done" }],
      Default: "Settle",
    },
    Settle: { Type: "Wait", Seconds: 60, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

function runner(
  options: {
    stepHandler?: StepHandler;
    onEvent?: (event: LocalExecutionEvent) => void;
    definition?: object;
  } = {},
) {
  const clock = new VirtualClock({ start: START, timeScale: 0 });
  const stepFunctions = new LocalStepFunctions({
    definitions: { rollback: options.definition ?? planThenWait },
    stepHandler: options.stepHandler ?? (async () => ({ wait: true })),
    clock,
    region: "eu-west-1",
    account: "111122223333",
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  return { clock, stepFunctions };
}

const runInput: RunInput = {
  runId: "run-1",
  policy: "rollback-on-5xx",
  runbook: "rollback",
  mode: "auto",
  params: {},
  target: { service: "checkout" },
  targetKey: "ecs:checkout",
  lease: { owner: "run-1", token: 1, expiresAt: "2025-03-01T10:00:00.000Z" },
  trigger: { signalId: "sig-1", type: "alarm", time: "2025-03-01T08:59:00.000Z", summary: {} },
};

describe("LocalStepFunctions executions", () => {
  it("starts a runbook's workflow under its deterministic name, with the input it was given", async () => {
    // Prepare
    const { stepFunctions } = runner();

    // Act
    const started = await stepFunctions.startWorkflow({
      runbook: "rollback",
      executionName: "rollback-checkout-1d3c",
      input: runInput,
    });
    const execution = await stepFunctions.waitForExecution(started.executionArn);

    // Assess
    expect(started).toEqual({
      executionArn: "arn:aws:states:eu-west-1:111122223333:execution:rollback:rollback-checkout-1d3c",
      alreadyStarted: false,
    });
    expect(execution).toMatchObject({
      stateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:rollback",
      name: "rollback-checkout-1d3c",
      status: "SUCCEEDED",
      input: runInput,
      startDate: START,
      stopDate: new Date("2025-03-01T09:01:00.000Z"),
    });
  });

  it("returns the existing execution when a name is started again, without running it twice", async () => {
    // Prepare
    let plans = 0;
    const { stepFunctions } = runner({
      stepHandler: async () => {
        plans += 1;
        return { wait: false };
      },
    });
    const first = await stepFunctions.startWorkflow({
      runbook: "rollback",
      executionName: "once",
      input: runInput,
    });
    await stepFunctions.waitForExecution(first.executionArn);

    // Act
    const again = await stepFunctions.startWorkflow({
      runbook: "rollback",
      executionName: "once",
      input: runInput,
    });

    // Assess
    expect(again).toEqual({ executionArn: first.executionArn, alreadyStarted: true });
    expect(plans).toBe(1);
    expect(stepFunctions.listExecutions()).toHaveLength(1);
  });

  it("refuses an execution name Step Functions would refuse, and an unknown state machine", async () => {
    // Prepare
    const { stepFunctions } = runner();

    // Act
    const tooLong = stepFunctions.startExecution({ stateMachineName: "rollback", name: "x".repeat(81) });
    const badCharacter = stepFunctions.startExecution({ stateMachineName: "rollback", name: "a:b" });
    const unknown = stepFunctions.startExecution({ stateMachineName: "cleanup" });

    // Assess
    await expect(tooLong).rejects.toMatchObject({ code: "InvalidName" });
    await expect(badCharacter).rejects.toMatchObject({ code: "InvalidName" });
    await expect(unknown).rejects.toMatchObject({ code: "StateMachineDoesNotExist" });
    expect(stepFunctions.listExecutions()).toEqual([]);
  });

  it("records the history in order, with timestamps from the virtual clock", async () => {
    // Prepare
    const { stepFunctions } = runner();

    // Act
    const { executionArn } = await stepFunctions.startExecution({
      stateMachineName: "rollback",
      input: { a: 1 },
    });
    await stepFunctions.waitForExecution(executionArn);
    const history = stepFunctions.getExecutionHistory(executionArn);

    // Assess
    expect(
      history.map((event) => [event.id, event.type, event.stateName, event.timestamp.toISOString()]),
    ).toEqual([
      [1, "ExecutionStarted", undefined, "2025-03-01T09:00:00.000Z"],
      [2, "TaskStateEntered", "Plan", "2025-03-01T09:00:00.000Z"],
      [3, "TaskScheduled", "Plan", "2025-03-01T09:00:00.000Z"],
      [4, "TaskSucceeded", "Plan", "2025-03-01T09:00:00.000Z"],
      [5, "TaskStateExited", "Plan", "2025-03-01T09:00:00.000Z"],
      [6, "ChoiceStateEntered", "Enough?", "2025-03-01T09:00:00.000Z"],
      [7, "ChoiceStateExited", "Enough?", "2025-03-01T09:00:00.000Z"],
      [8, "WaitStateEntered", "Settle", "2025-03-01T09:00:00.000Z"],
      [9, "WaitStateExited", "Settle", "2025-03-01T09:01:00.000Z"],
      [10, "SucceedStateEntered", "Done", "2025-03-01T09:01:00.000Z"],
      [11, "SucceedStateExited", "Done", "2025-03-01T09:01:00.000Z"],
      [12, "ExecutionSucceeded", undefined, "2025-03-01T09:01:00.000Z"],
    ]);
    expect(history[2]).toMatchObject({
      resource: "arn:aws:states:::lambda:invoke",
      parameters: { FunctionName: ROLLBACK_STEPS_FUNCTION, Payload: { a: 1 } },
    });
    expect(history[3]?.output).toEqual({
      ExecutedVersion: "$LATEST",
      Payload: { wait: true },
      StatusCode: 200,
    });
  });

  it("tells the onEvent listener every event as it happens, and survives a listener that throws", async () => {
    // Prepare
    const seen: string[] = [];
    const { stepFunctions } = runner({
      onEvent: (event) => {
        seen.push(`${event.stateMachineName}:${event.id}:${event.type}`);
        if (event.type === "TaskScheduled") throw new Error("listener bug");
      },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "rollback" });
    const execution = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(seen).toEqual(
      stepFunctions.getExecutionHistory(executionArn).map((event) => `rollback:${event.id}:${event.type}`),
    );
  });

  it("stops a running execution: ABORTED with the cause, and its Wait ends without moving the clock", async () => {
    // Prepare
    let polls = 0;
    const clock = new VirtualClock({ start: START, timeScale: 1 });
    const stepFunctions = new LocalStepFunctions({
      definitions: {
        poll: {
          StartAt: "Poll",
          States: {
            Poll: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              Parameters: { FunctionName: "poll", Payload: {} },
              ResultPath: null,
              Next: "Done?",
            },
            "Done?": {
              Type: "Choice",
              Choices: [{ Variable: "$.done", IsPresent: true, Next: "Done" }],
              Default: "Pause",
            },
            Pause: { Type: "Wait", Seconds: 3600, Next: "Poll" },
            Done: { Type: "Succeed" },
          },
        },
      },
      stepHandler: async () => {
        polls += 1;
        return null;
      },
      clock,
    });
    const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "poll" });
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    await stepFunctions.stopWorkflow(executionArn, "the alarm recovered while the run waited");

    // Assess
    const execution = stepFunctions.describeExecution(executionArn);
    expect(execution).toMatchObject({ status: "ABORTED", cause: "the alarm recovered while the run waited" });
    expect(execution.error).toBeUndefined();
    expect(stepFunctions.getExecutionHistory(executionArn).at(-1)?.type).toBe("ExecutionAborted");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(polls).toBe(1);
    expect(clock.now()).toEqual(START);
  });

  it("stops an execution waiting for a task token, and the token then answers TaskTimedOut", async () => {
    // Prepare
    let stored: (token: string) => void = () => {};
    const tokenStored = new Promise<string>((resolve) => {
      stored = resolve;
    });
    const { stepFunctions } = runner({
      definition: {
        StartAt: "Approve",
        States: {
          Approve: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
            Parameters: { FunctionName: "approve", Payload: { "taskToken.$": "$$.Task.Token" } },
            End: true,
          },
        },
      },
      stepHandler: async (call) => {
        stored(call.taskToken ?? "");
        return null;
      },
    });
    const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "rollback" });
    const token = await tokenStored;

    // Act
    await stepFunctions.stopWorkflow(executionArn, "superseded");

    // Assess
    expect(stepFunctions.describeExecution(executionArn).status).toBe("ABORTED");
    await expect(stepFunctions.sendTaskSuccess(token, {})).rejects.toMatchObject({ code: "TaskTimedOut" });
  });

  it("leaves an execution that has ended as it is when stopped, and ignores an unknown ARN", async () => {
    // Prepare
    const { stepFunctions } = runner();
    const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "rollback" });
    await stepFunctions.waitForExecution(executionArn);

    // Act
    await stepFunctions.stopWorkflow(executionArn, "too late");
    await stepFunctions.stopWorkflow(`${executionArn}-unknown`, "never started");

    // Assess
    expect(stepFunctions.describeExecution(executionArn).status).toBe("SUCCEEDED");
    expect(() => stepFunctions.describeExecution(`${executionArn}-unknown`)).toThrow(
      /no execution has the ARN/,
    );
  });

  it("lists executions in start order, by state machine and status", async () => {
    // Prepare
    const { stepFunctions } = runner({
      stepHandler: async (call) => {
        if ((call.payload as { fail?: boolean }).fail) throw new Error("boom");
        return { wait: false };
      },
    });
    const names = ["first", "second", "third"];

    // Act
    for (const name of names) {
      const { executionArn } = await stepFunctions.startExecution({
        stateMachineName: "rollback",
        name,
        input: { fail: name === "second" },
      });
      await stepFunctions.waitForExecution(executionArn);
    }

    // Assess
    expect(stepFunctions.listExecutions().map((execution) => execution.name)).toEqual(names);
    expect(stepFunctions.listExecutions({ status: "FAILED" }).map((execution) => execution.name)).toEqual([
      "second",
    ]);
    expect(stepFunctions.listExecutions({ stateMachineName: "other" })).toEqual([]);
  });

  it("refuses an invalid definition at construction, listing its problems", () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });
    const definition = { StartAt: "Missing", States: { Only: { Type: "Pass", Next: "Nowhere" } } };

    // Act
    let refused: unknown;
    try {
      new LocalStepFunctions({ definitions: { broken: definition }, stepHandler: async () => null, clock });
    } catch (error) {
      refused = error;
    }

    // Assess
    expect(refused).toBeInstanceOf(InvalidWorkflowDefinitionError);
    const { problems, stateMachineName, code } = refused as InvalidWorkflowDefinitionError;
    expect({ stateMachineName, code }).toEqual({ stateMachineName: "broken", code: "InvalidDefinition" });
    expect(problems.length).toBeGreaterThan(0);
  });

  it("refuses state names used twice across branches, and JSONata", () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 0 });
    const duplicate = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Step", States: { Step: { Type: "Pass", End: true } } },
            { StartAt: "Step", States: { Step: { Type: "Pass", End: true } } },
          ],
          End: true,
        },
      },
    };
    const jsonata = {
      QueryLanguage: "JSONata",
      StartAt: "Step",
      States: { Step: { Type: "Pass", End: true } },
    };

    // Act + Assess
    for (const [definition, code] of [
      [duplicate, "DUPLICATE_STATE_NAMES"],
      [jsonata, "JSONATA_NOT_SUPPORTED"],
    ] as const) {
      expect(
        () =>
          new LocalStepFunctions({ definitions: { d: definition }, stepHandler: async () => null, clock }),
      ).toThrow(InvalidWorkflowDefinitionError);
      try {
        new LocalStepFunctions({ definitions: { d: definition }, stepHandler: async () => null, clock });
      } catch (error) {
        expect((error as InvalidWorkflowDefinitionError).problems.map((problem) => problem.code)).toContain(
          code,
        );
      }
    }
  });

  it("waits on close for a step handler still at work, so that what it uses is not closed under it", async () => {
    // Prepare: a handler that is slow to finish, as one writing to the store may be.
    const clock = new VirtualClock({ start: START, timeScale: 1 });
    let finished = false;
    let started: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const stepFunctions = new LocalStepFunctions({
      definitions: { rollback: planThenWait },
      stepHandler: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
        return { wait: true };
      },
      clock,
    });
    await stepFunctions.startExecution({ stateMachineName: "rollback", name: "slow" });
    await inHandler;

    // Act
    await stepFunctions.close();

    // Assess
    expect(finished).toBe(true);
    expect(stepFunctions.listExecutions().map((execution) => execution.status)).toEqual(["ABORTED"]);
  });

  it("stops every running execution on close", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 1 });
    const stepFunctions = new LocalStepFunctions({
      definitions: { rollback: planThenWait },
      stepHandler: async () => ({ wait: true }),
      clock,
    });
    await stepFunctions.startExecution({ stateMachineName: "rollback", name: "a" });
    await stepFunctions.startExecution({ stateMachineName: "rollback", name: "b" });

    // Act
    await stepFunctions.close();

    // Assess
    expect(stepFunctions.listExecutions().map((execution) => execution.status)).toEqual([
      "ABORTED",
      "ABORTED",
    ]);
  });
});
