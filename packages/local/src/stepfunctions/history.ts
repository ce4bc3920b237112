/** The status of an execution, as DescribeExecution reports it. */
export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export type StateType = "Task" | "Wait" | "Choice" | "Pass" | "Parallel" | "Map" | "Succeed" | "Fail";

/** History event types; the names Step Functions' GetExecutionHistory uses for the same events. */
export type ExecutionEventType =
  | "ExecutionStarted"
  | "ExecutionSucceeded"
  | "ExecutionFailed"
  | "ExecutionAborted"
  | "ExecutionTimedOut"
  | `${StateType}StateEntered`
  | `${StateType}StateExited`
  | "TaskScheduled"
  | "TaskSubmitted"
  | "TaskSucceeded"
  | "TaskFailed"
  | "TaskTimedOut"
  | "MapIterationStarted"
  | "MapIterationSucceeded"
  | "MapIterationFailed";

/** One event of an execution's history. Timestamps are read from the virtual clock. */
export interface ExecutionHistoryEvent {
  /** 1, 2, 3… in the order the events happened. */
  readonly id: number;
  readonly type: ExecutionEventType;
  readonly timestamp: Date;
  /** The state the event belongs to (for a Map iteration, the Map state). */
  readonly stateName?: string;
  /** ExecutionStarted, …StateEntered: the input. */
  readonly input?: unknown;
  /** ExecutionSucceeded, …StateExited, TaskSucceeded: the output. */
  readonly output?: unknown;
  /** TaskScheduled: the task's resource and its processed Parameters. */
  readonly resource?: string;
  readonly parameters?: unknown;
  /** ExecutionFailed, ExecutionAborted, ExecutionTimedOut, TaskFailed, TaskTimedOut, MapIterationFailed. */
  readonly error?: string;
  readonly cause?: string;
  /** MapIteration…: the item's index. */
  readonly index?: number;
}

/** An event as the `onEvent` listener receives it: with the execution it belongs to. */
export interface LocalExecutionEvent extends ExecutionHistoryEvent {
  readonly executionArn: string;
  readonly stateMachineName: string;
}

/** What {@link LocalStepFunctions.describeExecution} returns. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: unknown;
  /** Set when SUCCEEDED. */
  readonly output?: unknown;
  /** Set when FAILED, TIMED_OUT or ABORTED (an abort has no error, and a cause when one was given). */
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  /** Set once the execution has ended. */
  readonly stopDate?: Date;
}
