import { ArchitechError, type WorkflowDefinitionProblem } from "@architech/core";
import { ExecutionError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";

/**
 * Stable codes of {@link LocalStepFunctionsError}; where Step Functions has an exception for the same
 * situation, the code is its name.
 *
 * - `InvalidDefinition`: a definition fails validation or uses what the local runner cannot run.
 * - `InvalidName`: an execution or state machine name is not 1–80 characters of `A-Z a-z 0-9 _ -`.
 * - `InvalidArn`: the region or account the runner names its ARNs with is malformed.
 * - `StateMachineDoesNotExist`: no definition is registered under that name.
 * - `ExecutionDoesNotExist`: no execution has that ARN.
 * - `TaskDoesNotExist`: no task was ever given that token.
 * - `TaskTimedOut`: the task of that token has ended (succeeded, failed, timed out or was stopped).
 * - `InvalidOutput`: a task output is not JSON.
 */
export type LocalStepFunctionsErrorCode =
  | "InvalidDefinition"
  | "InvalidName"
  | "InvalidArn"
  | "StateMachineDoesNotExist"
  | "ExecutionDoesNotExist"
  | "TaskDoesNotExist"
  | "TaskTimedOut"
  | "InvalidOutput";

/**
 * The error family of the local Step Functions runner. None is transient: each is a caller's mistake or a
 * state that a retry does not change.
 *
 * @example
 * try {
 *   await runner.sendTaskSuccess(token, { approved: true });
 * } catch (error) {
 *   if (error instanceof LocalStepFunctionsError && error.code === "TaskTimedOut") return "too late";
 *   throw error;
 * }
 */
export class LocalStepFunctionsError extends ArchitechError {
  declare readonly code: LocalStepFunctionsErrorCode;

  constructor(code: LocalStepFunctionsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A definition the runner refuses, with every problem found. */
export class InvalidWorkflowDefinitionError extends LocalStepFunctionsError {
  readonly stateMachineName: string;
  readonly problems: readonly WorkflowDefinitionProblem[];

  constructor(stateMachineName: string, problems: readonly WorkflowDefinitionProblem[]) {
    const list = problems.map(
      (problem) => `  - ${problem.message}${problem.path ? ` (${problem.path})` : ""}`,
    );
    super("InvalidDefinition", `the definition of ${stateMachineName} is invalid:\n${list.join("\n")}`);
    this.stateMachineName = stateMachineName;
    this.problems = problems;
  }
}

/**
 * A task failure as the interpreter sees it: the error NAME is what `Retry`/`Catch` match (`ErrorEquals`)
 * and the message is the `Cause`. It carries no `cause` property, which the interpreter would otherwise
 * report as the Cause instead of the message.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * A failure that no `Retry` or `Catch` may handle, like the interpreter's own `States.Runtime` (which it
 * flags through these two properties).
 */
export class RuntimeFailure extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** How a task ends when its execution is stopped or times out: it must not be retried or caught. */
export class ExecutionHalted extends RuntimeFailure {
  constructor() {
    super("States.Runtime", "the execution was stopped");
  }
}

type ErrorClass = new () => Error;

let timeoutErrorClass: ErrorClass | undefined;
let timeoutErrorClassProbe: Promise<ErrorClass> | undefined;

/**
 * A `States.Timeout` error the interpreter recognises as a timeout. It matches `States.Timeout` by name,
 * but tells a timeout from other task failures (`States.TaskFailed` must not match a timeout) with
 * `instanceof` on a class it does not export; so the class is taken, once, from a timeout the
 * interpreter raises itself on a throwaway machine (about a millisecond). Should that ever stop working,
 * the error still matches `States.Timeout` and `States.ALL`, and also `States.TaskFailed`.
 */
export async function statesTimeout(cause: string): Promise<Error> {
  timeoutErrorClassProbe ??= probeTimeoutErrorClass();
  const ErrorClass = await timeoutErrorClassProbe;
  const error = new ErrorClass();
  error.message = cause;
  return error;
}

/** True for an error made by {@link statesTimeout}. */
export function isStatesTimeout(error: unknown): boolean {
  return timeoutErrorClass !== undefined && error instanceof timeoutErrorClass;
}

async function probeTimeoutErrorClass(): Promise<ErrorClass> {
  const probe: StateMachineDefinition = {
    StartAt: "Probe",
    States: {
      Probe: {
        Type: "Task",
        Resource: "arn:aws:lambda:us-east-1:123456789012:function:probe",
        TimeoutSeconds: 0.001,
        End: true,
      },
    },
  };
  const machine = new StateMachine(probe, { validationOptions: { noValidate: true } });
  const never = new Promise<never>(() => {});
  let found: ErrorClass = FallbackTimeout;
  try {
    await machine.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => never } } }).result;
  } catch (error) {
    const raised = error instanceof ExecutionError ? error.cause : undefined;
    if (raised instanceof Error && raised.name === "States.Timeout") found = raised.constructor as ErrorClass;
  }
  timeoutErrorClass = found;
  return found;
}

class FallbackTimeout extends Error {
  constructor() {
    super("States.Timeout");
    this.name = "States.Timeout";
  }
}
