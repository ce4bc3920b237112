import { randomBytes, randomUUID } from "node:crypto";
import type { StartWorkflowInput, StartWorkflowResult, WorkflowStarter } from "@architech/core";
import { ExecutionError, type RunOptions, StateMachine } from "aws-local-stepfunctions";
import type { VirtualClock } from "../clock.ts";
import {
  type IndexedState,
  NAME_PATTERN,
  type PreparedDefinition,
  prepareDefinition,
  type TaskBinding,
  type TaskEnvelope,
  type WaitEnvelope,
} from "./definition.ts";
import {
  ExecutionHalted,
  isStatesTimeout,
  LocalStepFunctionsError,
  RuntimeFailure,
  statesTimeout,
  TaskFailure,
} from "./errors.ts";
import type {
  ExecutionDescription,
  ExecutionHistoryEvent,
  ExecutionStatus,
  LocalExecutionEvent,
  StateType,
} from "./history.ts";
import { RetryCounters } from "./retry.ts";

type Overrides = NonNullable<RunOptions["overrides"]>;
type LocalHandlers = NonNullable<Overrides["taskResourceLocalHandlers"]>;
type JsonValue = Parameters<LocalHandlers[string]>[0];
type Run = ReturnType<StateMachine["run"]>;
type InterpreterEvent = Run["eventLogs"] extends AsyncGenerator<infer Event> ? Event : never;

/** What the step handler is called with, once per Task attempt. */
export interface StepCall {
  /**
   * `Parameters.FunctionName` for `arn:aws:states:::lambda:invoke[.waitForTaskToken]` (an ARN, a name, or
   * a `${…}` definition substitution: locally, just a label); the resource itself for a Task whose resource
   * is a Lambda ARN or another integration.
   */
  readonly functionName: string;
  /** `Parameters.Payload` for `lambda:invoke`; the processed state input otherwise. */
  readonly payload: unknown;
  /** Set for `.waitForTaskToken` tasks: the token that `sendTaskSuccess`/`sendTaskFailure` take. */
  readonly taskToken?: string;
  /** The state machine: the runbook whose workflow this is. */
  readonly runbook: string;
  readonly executionArn: string;
  readonly stateName: string;
  /** The Task's `Resource`, for a handler that serves more than Lambda integrations. */
  readonly resource: string;
}

/**
 * The one in-process function every Task state is bound to. What it returns is the Lambda's result; what
 * it throws fails the task with the error's `name` as the ASL error (`Retry`/`Catch` match on it).
 */
export type StepHandler = (call: StepCall) => Promise<unknown>;

/** Options of {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  /** Amazon States Language definitions (JSONPath) by state machine name; for workflows, the runbook name. */
  readonly definitions: Readonly<Record<string, unknown>>;
  readonly stepHandler: StepHandler;
  /** Wait states, retry intervals and timeouts follow it; history timestamps are read from it. */
  readonly clock: VirtualClock;
  /** Real milliseconds per virtual millisecond of a Wait state or retry interval. Default: the clock's. */
  readonly timeScale?: number;
  /** Of the ARNs the runner gives state machines and executions. Default `us-east-1`. */
  readonly region?: string;
  /** Default `123456789012`. */
  readonly account?: string;
  /** Called with every history event as it happens (the live log). A listener that throws is ignored. */
  readonly onEvent?: (event: LocalExecutionEvent) => void;
}

/** What {@link LocalStepFunctions.startExecution} takes. */
export interface StartExecutionInput {
  readonly stateMachineName: string;
  /** Default: a random UUID. */
  readonly name?: string;
  /** JSON; default `{}`. */
  readonly input?: unknown;
}

/** Filter of {@link LocalStepFunctions.listExecutions}. */
export interface ListExecutionsFilter {
  readonly stateMachineName?: string;
  readonly status?: ExecutionStatus;
}

interface Machine {
  readonly prepared: PreparedDefinition;
  readonly interpreter: StateMachine;
  readonly arn: string;
}

interface Halt {
  readonly status: "ABORTED" | "TIMED_OUT";
  readonly error?: string;
  readonly cause?: string;
}

interface Execution {
  readonly executionArn: string;
  readonly name: string;
  readonly machine: Machine;
  readonly input: JsonValue;
  readonly startDate: Date;
  readonly events: ExecutionHistoryEvent[];
  /** Aborted when the execution is stopped, times out or ends: cancels its sleeps, deadlines and task waits. */
  readonly controller: AbortController;
  readonly retries: RetryCounters;
  readonly done: Promise<void>;
  readonly settle: () => void;
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
  stopDate?: Date;
  halt?: Halt;
  abortInterpreter: () => void;
  /** The token `$$.Task.Token` gave the Parameters being processed, until the Task's handler takes it. */
  pendingToken?: string;
}

interface OpenTask {
  readonly execution: Execution;
  readonly succeed: (output: JsonValue) => void;
  readonly fail: (error: Error) => void;
  readonly heartbeat: () => void;
}

const DEFAULT_REGION = "us-east-1";
const DEFAULT_ACCOUNT = "123456789012";
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_PATTERN = /^\d{12}$/;

/**
 * Runs the workflows' ASL definitions in-process with aws-local-stepfunctions: the embedded runtime's
 * Step Functions, and the `WorkflowStarter` the router uses there.
 *
 * - Every Task is bound to one `stepHandler`. `arn:aws:states:::lambda:invoke` passes it
 *   `Parameters.Payload` and returns `{ StatusCode: 200, Payload: result }`, as the real integration
 *   does; a thrown error fails the task with the error's `name` as the ASL error and, for Lambda
 *   resources, Lambda's JSON `{ errorType, errorMessage, trace }` as the Cause.
 * - `.waitForTaskToken` tasks get a token in `$$.Task.Token` and wait for {@link sendTaskSuccess} /
 *   {@link sendTaskFailure}, or until `TimeoutSeconds` / `HeartbeatSeconds` pass (`States.Timeout`).
 * - Wait states, retry intervals and timeouts follow the virtual clock: a Wait takes `timeScale` of its
 *   time in real time and moves the clock by all of it.
 * - Executions are named like Step Functions names them; starting a name again returns the existing
 *   execution. Their status, history and result stay readable after they end.
 *
 * Not like Step Functions: a name started again returns the existing execution even with another input
 * or after it ended (Step Functions answers ExecutionAlreadyExists there); `$$.Execution.StartTime` is
 * the real time and `$$.State` is not set; `JitterStrategy: FULL` waits the full interval; retries of
 * Parallel and Map states do not wait; one process, nothing persisted.
 *
 * @example
 * const clock = new VirtualClock({ timeScale: 1 / 600, ticking: true });
 * const stepFunctions = new LocalStepFunctions({
 *   definitions: { rollback: JSON.parse(readFileSync("rollback.asl.json", "utf8")) },
 *   stepHandler: (call) => steps.handle(call.payload),
 *   clock,
 * });
 * const { executionArn } = await stepFunctions.startWorkflow({ runbook: "rollback", executionName, input });
 * const { status, output } = await stepFunctions.waitForExecution(executionArn);
 */
export class LocalStepFunctions implements WorkflowStarter {
  readonly region: string;
  readonly account: string;
  readonly #machines = new Map<string, Machine>();
  readonly #executions = new Map<string, Execution>();
  readonly #handlersInFlight = new Set<Promise<void>>();
  /** Every token given out; a task that has ended stays as "closed" so that a late answer is told so. */
  readonly #tasks = new Map<string, OpenTask | "closed">();
  readonly #stepHandler: StepHandler;
  readonly #clock: VirtualClock;
  readonly #timeScale: number | undefined;
  readonly #onEvent: ((event: LocalExecutionEvent) => void) | undefined;

  /** @throws InvalidWorkflowDefinitionError for a definition that is invalid or that the runner cannot run. */
  constructor(options: LocalStepFunctionsOptions) {
    this.region = options.region ?? DEFAULT_REGION;
    this.account = options.account ?? DEFAULT_ACCOUNT;
    if (!REGION_PATTERN.test(this.region)) {
      throw new LocalStepFunctionsError("InvalidArn", `"${this.region}" is not an AWS region`);
    }
    if (!ACCOUNT_PATTERN.test(this.account)) {
      throw new LocalStepFunctionsError("InvalidArn", `"${this.account}" is not a 12-digit AWS account id`);
    }
    const { timeScale } = options;
    if (timeScale !== undefined && (!Number.isFinite(timeScale) || timeScale < 0)) {
      throw new RangeError(`timeScale is a finite number >= 0, got ${timeScale}`);
    }
    for (const [name, definition] of Object.entries(options.definitions)) {
      const prepared = prepareDefinition(name, definition);
      this.#machines.set(name, {
        prepared,
        // Validated above, with the project's validator; the interpreter runs the prepared copy as is.
        interpreter: new StateMachine(prepared.executable, { validationOptions: { noValidate: true } }),
        arn: `arn:aws:states:${this.region}:${this.account}:stateMachine:${name}`,
      });
    }
    this.#stepHandler = options.stepHandler;
    this.#clock = options.clock;
    this.#timeScale = timeScale;
    this.#onEvent = options.onEvent;
  }

  /** The names of the state machines, in the order of the definitions. */
  get stateMachineNames(): string[] {
    return [...this.#machines.keys()];
  }

  /** The ARN of a state machine. */
  stateMachineArn(stateMachineName: string): string {
    return this.#machine(stateMachineName).arn;
  }

  /** Starts the runbook's state machine; the execution name makes the start idempotent. */
  startWorkflow({ runbook, executionName, input }: StartWorkflowInput): Promise<StartWorkflowResult> {
    return this.startExecution({ stateMachineName: runbook, name: executionName, input });
  }

  /** Stops an execution; one that has ended, or that does not exist, is left as is (as the AWS starter does). */
  async stopWorkflow(executionArn: string, cause: string): Promise<void> {
    const execution = this.#executions.get(executionArn);
    if (execution !== undefined) await this.#halt(execution, { status: "ABORTED", cause });
  }

  /**
   * Starts an execution, like StartExecution. A name already used on that state machine returns the
   * existing execution with `alreadyStarted: true`, whatever its input and status.
   *
   * @example
   * const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "poll", input: { n: 1 } });
   */
  async startExecution(request: StartExecutionInput): Promise<StartWorkflowResult> {
    const machine = this.#machine(request.stateMachineName);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) {
      throw new LocalStepFunctionsError(
        "InvalidName",
        `execution name "${name}" is not 1-80 characters of A-Z a-z 0-9 _ -`,
      );
    }
    const executionArn = `arn:aws:states:${this.region}:${this.account}:execution:${machine.prepared.name}:${name}`;
    if (this.#executions.has(executionArn)) return { executionArn, alreadyStarted: true };
    const input = toJson(request.input ?? {});
    if (input === undefined) {
      throw new LocalStepFunctionsError("InvalidOutput", `the input of execution ${name} is not JSON`);
    }
    this.#launch(machine, name, executionArn, input);
    return { executionArn, alreadyStarted: false };
  }

  /** Status, input, output or error, start and stop dates of an execution, like DescribeExecution. */
  describeExecution(executionArn: string): ExecutionDescription {
    return describe(this.#execution(executionArn));
  }

  /** The events of an execution in the order they happened, like GetExecutionHistory. */
  getExecutionHistory(executionArn: string): ExecutionHistoryEvent[] {
    return structuredClone(this.#execution(executionArn).events);
  }

  /** Executions in the order they started. */
  listExecutions(filter: ListExecutionsFilter = {}): ExecutionDescription[] {
    return [...this.#executions.values()]
      .filter(
        (execution) =>
          filter.stateMachineName === undefined ||
          execution.machine.prepared.name === filter.stateMachineName,
      )
      .filter((execution) => filter.status === undefined || execution.status === filter.status)
      .map(describe);
  }

  /** Resolves with the description of the execution once it has ended. */
  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    const execution = this.#execution(executionArn);
    await execution.done;
    return describe(execution);
  }

  /**
   * Ends the waiting `.waitForTaskToken` task of `taskToken` with `output` as its result, like
   * SendTaskSuccess.
   *
   * @throws LocalStepFunctionsError `TaskDoesNotExist` for a token never given out, `TaskTimedOut` for a
   *   task that has ended, `InvalidOutput` for an output that is not JSON.
   */
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    const task = this.#openTask(taskToken);
    const json = toJson(output);
    if (json === undefined) throw new LocalStepFunctionsError("InvalidOutput", "a task output must be JSON");
    this.#tasks.set(taskToken, "closed");
    task.succeed(json);
  }

  /**
   * Fails the waiting `.waitForTaskToken` task of `taskToken`, like SendTaskFailure: `error` is what the
   * state's `Retry`/`Catch` match.
   *
   * @throws LocalStepFunctionsError `TaskDoesNotExist` or `TaskTimedOut`, as {@link sendTaskSuccess}.
   */
  async sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    const task = this.#openTask(taskToken);
    this.#tasks.set(taskToken, "closed");
    task.fail(new TaskFailure(error ?? "", cause ?? ""));
  }

  /** Restarts the `HeartbeatSeconds` countdown of a waiting task, like SendTaskHeartbeat. */
  async sendTaskHeartbeat(taskToken: string): Promise<void> {
    this.#openTask(taskToken).heartbeat();
  }

  /** Stops every running execution (ABORTED) and waits for them to end. */
  async close(): Promise<void> {
    const running = [...this.#executions.values()].filter((execution) => execution.status === "RUNNING");
    await Promise.all(
      running.map((execution) =>
        this.#halt(execution, { status: "ABORTED", cause: "the local Step Functions runner was closed" }),
      ),
    );
    // An aborted execution's step handler may still be at work (on the store, say): what it uses must
    // not be closed under it.
    while (this.#handlersInFlight.size > 0) await Promise.all([...this.#handlersInFlight]);
  }

  #machine(name: string): Machine {
    const machine = this.#machines.get(name);
    if (machine === undefined) {
      const known = [...this.#machines.keys()].join(", ") || "none";
      throw new LocalStepFunctionsError(
        "StateMachineDoesNotExist",
        `no state machine is named ${name} (known: ${known})`,
      );
    }
    return machine;
  }

  #execution(executionArn: string): Execution {
    const execution = this.#executions.get(executionArn);
    if (execution === undefined) {
      throw new LocalStepFunctionsError("ExecutionDoesNotExist", `no execution has the ARN ${executionArn}`);
    }
    return execution;
  }

  #openTask(taskToken: string): OpenTask {
    const task = this.#tasks.get(taskToken);
    if (task === undefined) {
      throw new LocalStepFunctionsError("TaskDoesNotExist", "no task was given this token");
    }
    if (task === "closed" || task.execution.status !== "RUNNING" || task.execution.halt !== undefined) {
      throw new LocalStepFunctionsError("TaskTimedOut", "the task of this token has already ended");
    }
    return task;
  }

  #launch(machine: Machine, name: string, executionArn: string, input: JsonValue): void {
    let settle = (): void => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const execution: Execution = {
      executionArn,
      name,
      machine,
      input,
      startDate: this.#clock.now(),
      events: [],
      controller: new AbortController(),
      retries: new RetryCounters(),
      done,
      settle,
      status: "RUNNING",
      abortInterpreter: () => {},
    };
    this.#executions.set(executionArn, execution);
    this.#record(execution, { type: "ExecutionStarted", input });
    const run = machine.interpreter.run(input, {
      context: {
        Execution: { Id: executionArn, Name: name },
        StateMachine: { Id: machine.arn, Name: machine.prepared.name },
        Task: {
          // The interpreter evaluates Parameters before it calls the Task's handler, in one synchronous
          // stretch; the token is made on first read and taken by that handler (see #runTask).
          get Token(): string {
            execution.pendingToken ??= newTaskToken();
            return execution.pendingToken;
          },
        },
      },
      overrides: this.#overrides(execution),
    });
    execution.abortInterpreter = run.abort;
    const { timeoutSeconds } = machine.prepared;
    if (timeoutSeconds !== undefined) {
      const deadline = new Date(execution.startDate.getTime() + timeoutSeconds * 1000);
      this.#clock.waitUntil(deadline, { signal: execution.controller.signal }).then(
        () =>
          this.#halt(execution, {
            status: "TIMED_OUT",
            error: "States.Timeout",
            cause: `the execution did not end within its TimeoutSeconds (${timeoutSeconds})`,
          }),
        () => {},
      );
    }
    void this.#follow(execution, run);
  }

  #overrides(execution: Execution): Overrides {
    const handlers: LocalHandlers = {};
    const retryIntervals: Record<string, number> = {};
    for (const state of execution.machine.prepared.states.values()) {
      const { binding } = state;
      if (binding !== undefined)
        handlers[state.name] = (input) => this.#runTask(execution, state, binding, input);
      else if (state.definition.Type === "Wait")
        handlers[state.name] = (input) => this.#runWait(execution, input);
      // Task retries wait on the virtual clock (#runTask); the interpreter retries at once.
      if (state.definition.Retry !== undefined) retryIntervals[state.name] = 0;
    }
    return { taskResourceLocalHandlers: handlers, retryIntervalOverrides: retryIntervals };
  }

  /** Records the interpreter's state events and, once the run has settled, how the execution ended. */
  async #follow(execution: Execution, run: Run): Promise<void> {
    const followed = (async () => {
      for await (const event of run.eventLogs) this.#recordInterpreterEvent(execution, event);
    })();
    let outcome: { output: JsonValue } | { failure: unknown };
    try {
      outcome = { output: await run.result };
    } catch (failure) {
      outcome = { failure };
    }
    await followed;
    this.#finish(execution, outcome);
  }

  #finish(execution: Execution, outcome: { output: JsonValue } | { failure: unknown }): void {
    const { halt } = execution;
    execution.stopDate = this.#clock.now();
    if (halt !== undefined) {
      execution.error = halt.error;
      execution.cause = halt.cause;
      this.#record(execution, {
        type: halt.status === "ABORTED" ? "ExecutionAborted" : "ExecutionTimedOut",
        ...optional({ error: halt.error, cause: halt.cause }),
      });
      execution.status = halt.status;
    } else if ("output" in outcome) {
      execution.output = outcome.output;
      this.#record(execution, { type: "ExecutionSucceeded", output: outcome.output });
      execution.status = "SUCCEEDED";
    } else {
      const { failure } = outcome;
      const error =
        failure instanceof ExecutionError && failure.cause instanceof Error ? failure.cause : failure;
      execution.error = error instanceof Error ? error.name : "States.Runtime";
      execution.cause = error instanceof Error ? error.message : String(error);
      this.#record(execution, { type: "ExecutionFailed", error: execution.error, cause: execution.cause });
      execution.status = "FAILED";
    }
    execution.controller.abort(new ExecutionHalted());
    execution.settle();
  }

  #halt(execution: Execution, halt: Halt): Promise<void> {
    if (execution.status === "RUNNING" && execution.halt === undefined) {
      execution.halt = halt;
      execution.controller.abort(new ExecutionHalted());
      execution.abortInterpreter();
    }
    return execution.done;
  }

  /** The local handler of a Task state: one attempt of the task. */
  async #runTask(
    execution: Execution,
    state: IndexedState,
    binding: TaskBinding,
    input: unknown,
  ): Promise<JsonValue> {
    // Synchronously, before another branch can process its Parameters.
    const issuedToken = execution.pendingToken;
    execution.pendingToken = undefined;
    const envelope = input as TaskEnvelope;
    // Let the execution's event log catch up, so that TaskScheduled follows TaskStateEntered.
    await new Promise((resolve) => setImmediate(resolve));
    const { signal } = execution.controller;
    if (signal.aborted) throw new ExecutionHalted();
    const attempt = new AbortController();
    const stateName = state.name;
    this.#record(execution, {
      type: "TaskScheduled",
      stateName,
      resource: binding.resource,
      parameters: envelope.parameters,
    });
    try {
      const output = await this.#perform(
        execution,
        state,
        binding,
        envelope,
        issuedToken,
        AbortSignal.any([signal, attempt.signal]),
      );
      if (signal.aborted) throw new ExecutionHalted();
      this.#record(execution, { type: "TaskSucceeded", stateName, output });
      execution.retries.reset(stateName);
      return output;
    } catch (thrown) {
      if (signal.aborted) throw new ExecutionHalted();
      const failure = taskFailure(binding, thrown);
      const timedOut = isStatesTimeout(failure);
      this.#record(execution, {
        type: timedOut ? "TaskTimedOut" : "TaskFailed",
        stateName,
        error: failure.name,
        cause: failure.message,
      });
      if (!(failure instanceof RuntimeFailure)) {
        const delay = execution.retries.nextRetryDelay(stateName, state.definition, failure.name, timedOut);
        if (delay !== undefined) await this.#sleep(delay, signal);
      }
      throw failure;
    } finally {
      attempt.abort();
    }
  }

  async #perform(
    execution: Execution,
    state: IndexedState,
    binding: TaskBinding,
    envelope: TaskEnvelope,
    issuedToken: string | undefined,
    signal: AbortSignal,
  ): Promise<JsonValue> {
    const timeoutSeconds = positiveSeconds(envelope.timeoutSeconds, "TimeoutSeconds", state.name);
    const heartbeatSeconds = positiveSeconds(envelope.heartbeatSeconds, "HeartbeatSeconds", state.name);
    const call: StepCall = {
      ...callOf(binding, envelope.parameters, state.name),
      runbook: execution.machine.prepared.name,
      executionArn: execution.executionArn,
      stateName: state.name,
      resource: binding.resource,
    };
    const deadlines: Promise<never>[] = [];
    if (timeoutSeconds !== undefined) {
      deadlines.push(
        this.#deadline(
          timeoutSeconds,
          signal,
          `the task did not end within its TimeoutSeconds (${timeoutSeconds})`,
        ),
      );
    }
    if (!binding.waitForTaskToken) {
      const result = await Promise.race([this.#call(call), ...deadlines]);
      return binding.kind === "lambda-invoke"
        ? { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 }
        : result;
    }
    const taskToken = issuedToken ?? newTaskToken();
    const answered = this.#waitForAnswer(taskToken, execution, heartbeatSeconds, signal);
    const submitted = this.#call({ ...call, taskToken }).then(() => {
      if (this.#tasks.get(taskToken) !== "closed") {
        this.#record(execution, { type: "TaskSubmitted", stateName: state.name });
      }
      return answered;
    });
    try {
      return await Promise.race([answered, submitted, ...deadlines]);
    } finally {
      this.#tasks.set(taskToken, "closed");
    }
  }

  /** Calls the step handler; its result, as JSON (what Lambda would serialize). */
  async #call(call: StepCall): Promise<JsonValue> {
    const handled = Promise.resolve(this.#stepHandler(call));
    // Kept until it settles: a handler outlives an aborted execution, and close() waits for it.
    const settled = handled.then(
      () => undefined,
      () => undefined,
    );
    this.#handlersInFlight.add(settled);
    void settled.then(() => this.#handlersInFlight.delete(settled));
    const result = await handled;
    if (result === undefined) return null;
    const json = toJson(result);
    if (json === undefined) throw new TypeError(`the step handler returned a value that is not JSON`);
    return json;
  }

  /** Registers the token's task; resolves with the output sendTaskSuccess gives it. */
  #waitForAnswer(
    taskToken: string,
    execution: Execution,
    heartbeatSeconds: number | undefined,
    signal: AbortSignal,
  ): Promise<JsonValue> {
    let resolve: (output: JsonValue) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const promise = new Promise<JsonValue>((onSuccess, onFailure) => {
      resolve = onSuccess;
      reject = onFailure;
    });
    let beat: AbortController | undefined;
    const heartbeat = (): void => {
      beat?.abort();
      if (heartbeatSeconds === undefined) return;
      beat = new AbortController();
      this.#deadline(
        heartbeatSeconds,
        AbortSignal.any([signal, beat.signal]),
        `the task sent no heartbeat within its HeartbeatSeconds (${heartbeatSeconds})`,
      ).catch((error: unknown) => {
        if (isStatesTimeout(error)) reject(error);
      });
    };
    heartbeat();
    signal.addEventListener("abort", () => reject(new ExecutionHalted()), { once: true });
    this.#tasks.set(taskToken, { execution, succeed: resolve, fail: reject, heartbeat });
    return promise;
  }

  /** Rejects with `States.Timeout` once `seconds` have passed on the virtual clock. */
  async #deadline(seconds: number, signal: AbortSignal, cause: string): Promise<never> {
    await this.#clock.waitUntil(new Date(this.#clock.now().getTime() + seconds * 1000), { signal });
    throw await statesTimeout(cause);
  }

  /** The local handler of a (rewritten) Wait state. */
  async #runWait(execution: Execution, input: unknown): Promise<JsonValue> {
    const envelope = input as WaitEnvelope;
    let ms: number;
    if (envelope.seconds !== undefined) {
      const { seconds } = envelope;
      if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
        throw new RuntimeFailure(
          "States.Runtime",
          `a Wait lasts an integer >= 0 of seconds, not ${JSON.stringify(seconds)}`,
        );
      }
      ms = seconds * 1000;
    } else {
      const at = typeof envelope.timestamp === "string" ? Date.parse(envelope.timestamp) : Number.NaN;
      if (Number.isNaN(at)) {
        throw new RuntimeFailure(
          "States.Runtime",
          `a Wait's timestamp is not a timestamp: ${JSON.stringify(envelope.timestamp)}`,
        );
      }
      ms = Math.max(0, at - this.#clock.now().getTime());
    }
    await this.#sleep(ms, execution.controller.signal);
    return envelope.input as JsonValue;
  }

  async #sleep(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await this.#clock.sleep(ms, { signal, timeScale: this.#timeScale });
    } catch (error) {
      if (signal.aborted) throw new ExecutionHalted();
      throw error;
    }
  }

  #recordInterpreterEvent(execution: Execution, event: InterpreterEvent): void {
    switch (event.type) {
      case "StateEntered":
      case "StateExited": {
        const stateName = event.state.name;
        // Wait states run as Tasks in the interpreter: report them by their type in the definition.
        const type = (execution.machine.prepared.states.get(stateName)?.definition.Type ??
          event.state.type) as StateType;
        const index = optional({ index: event.index });
        if (event.type === "StateEntered") {
          this.#record(execution, {
            type: `${type}StateEntered`,
            stateName,
            input: event.state.input,
            ...index,
          });
        } else {
          this.#record(execution, {
            type: `${type}StateExited`,
            stateName,
            output: event.state.output,
            ...index,
          });
        }
        return;
      }
      case "MapIterationStarted":
      case "MapIterationSucceeded":
        this.#record(execution, { type: event.type, stateName: event.parentState.name, index: event.index });
        return;
      case "MapIterationFailed":
        this.#record(execution, {
          type: event.type,
          stateName: event.parentState.name,
          index: event.index,
          error: event.Error,
          cause: typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause),
        });
        return;
      default:
        // The execution's own events are recorded by the runner; failures and retries by the Task events.
        return;
    }
  }

  #record(execution: Execution, event: Omit<ExecutionHistoryEvent, "id" | "timestamp">): void {
    if (execution.status !== "RUNNING") return;
    const recorded: ExecutionHistoryEvent = {
      id: execution.events.length + 1,
      timestamp: this.#clock.now(),
      ...structuredClone(event),
    };
    execution.events.push(recorded);
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent({
        ...structuredClone(recorded),
        executionArn: execution.executionArn,
        stateMachineName: execution.machine.prepared.name,
      });
    } catch {
      // A live log that fails must not fail the workflow it is watching.
    }
  }
}

function describe(execution: Execution): ExecutionDescription {
  return structuredClone({
    executionArn: execution.executionArn,
    stateMachineArn: execution.machine.arn,
    stateMachineName: execution.machine.prepared.name,
    name: execution.name,
    status: execution.status,
    input: execution.input,
    startDate: execution.startDate,
    ...optional({
      output: execution.output,
      error: execution.error,
      cause: execution.cause,
      stopDate: execution.stopDate,
    }),
  });
}

/** What the step handler is called with, from the Task's processed Parameters. */
function callOf(
  binding: TaskBinding,
  parameters: unknown,
  stateName: string,
): Pick<StepCall, "functionName" | "payload"> {
  if (binding.kind !== "lambda-invoke") return { functionName: binding.resource, payload: parameters };
  const { FunctionName, Payload } = (parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
  if (typeof FunctionName !== "string") {
    throw new RuntimeFailure(
      "States.Runtime",
      `state "${stateName}": Parameters.FunctionName is not a string`,
    );
  }
  return { functionName: FunctionName, payload: Payload ?? {} };
}

/**
 * The error the interpreter sees for what the step handler threw: the thrown error's `name` as the ASL
 * error, and for Lambda resources the Cause Lambda gives (its JSON error payload). Failures made by the
 * runner itself pass through.
 */
function taskFailure(binding: TaskBinding, thrown: unknown): Error {
  if (thrown instanceof TaskFailure || thrown instanceof RuntimeFailure || isStatesTimeout(thrown)) {
    return thrown as Error;
  }
  const name = thrown instanceof Error ? thrown.name : "Error";
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  if (binding.kind === "service") return new TaskFailure(name, message);
  const trace = thrown instanceof Error && thrown.stack !== undefined ? thrown.stack.split("\n") : [];
  return new TaskFailure(name, JSON.stringify({ errorType: name, errorMessage: message, trace }));
}

/** A `TimeoutSeconds`/`HeartbeatSeconds` value (or what its path resolved to): a positive integer. */
function positiveSeconds(value: unknown, field: string, stateName: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RuntimeFailure(
      "States.Runtime",
      `state "${stateName}": ${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A JSON copy of a value, or undefined when it has no JSON form. */
function toJson(value: unknown): JsonValue | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
}

function newTaskToken(): string {
  return randomBytes(48).toString("base64url");
}

/** The entries whose value is defined (keeps `undefined` out of events and descriptions). */
function optional<T extends Record<string, unknown>>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}
