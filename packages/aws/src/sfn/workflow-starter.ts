import type {
  Clock,
  RunbookName,
  StartWorkflowInput,
  StartWorkflowResult,
  WorkflowStarter,
} from "@architech/core";
import {
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { describeSdkError, isTransientSdkError, sdkErrorName, WorkflowError } from "./errors.ts";

/** Options of {@link SfnWorkflowStarter}. */
export interface SfnWorkflowStarterOptions {
  /** Create it once per process and share it. */
  readonly client: SFNClient;
  /** The Standard state machine that runs each runbook. */
  readonly stateMachineArns: Readonly<Partial<Record<RunbookName, string>>>;
  /** Tells a start this call made from one an earlier call made (see `startWorkflow`). Default: system time. */
  readonly clock?: Clock;
}

/**
 * How far Step Functions' clock may trail this one. A successful start whose execution began earlier than
 * that before the request was an earlier start of the same execution.
 */
export const START_DATE_TOLERANCE_MS = 1_000;

/** A Standard state machine's ARN, or one of its versions' or aliases'. */
export const STATE_MACHINE_ARN =
  /^arn:[a-z0-9-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(:[A-Za-z0-9_.-]{1,128})?$/;
const OPEN_STATUSES = new Set(["RUNNING", "PENDING_REDRIVE"]);

/**
 * The ARN Step Functions gives the execution `name` of a state machine. A version or alias ARN names the
 * same executions as the state machine itself.
 *
 * @example
 * executionArnFor("arn:aws:states:eu-west-1:123456789012:stateMachine:rollback", "rollback-checkout-1d3c");
 * // "arn:aws:states:eu-west-1:123456789012:execution:rollback:rollback-checkout-1d3c"
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const [arn, partition, service, region, account, , stateMachine] = stateMachineArn.split(":");
  return [arn, partition, service, region, account, "execution", stateMachine, name].join(":");
}

/**
 * Starts runbook workflows as Step Functions Standard executions, one state machine per runbook.
 *
 * The execution name is the idempotency key. StartExecution with a name already in use either succeeds
 * with the existing execution (same input, execution still running) or fails with
 * `ExecutionAlreadyExists` (different input, or the execution has ended); both give back the existing
 * execution with `alreadyStarted: true`, never a second one. Because the first case is indistinguishable
 * from a fresh start by its answer, the execution's `startDate` decides: earlier than this request
 * (less {@link START_DATE_TOLERANCE_MS}) means an earlier call started it. A retry within that second of
 * the first start reads as a fresh start; the router's own dedupe covers that case.
 *
 * Errors are {@link WorkflowError}s: transient for throttling, 5xx, timeouts and network failures,
 * permanent otherwise.
 *
 * @example
 * const workflows = new SfnWorkflowStarter({
 *   client: new SFNClient({}),
 *   stateMachineArns: { rollback: "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rollback" },
 * });
 * const { executionArn, alreadyStarted } = await workflows.startWorkflow({ runbook: "rollback", executionName, input });
 */
export class SfnWorkflowStarter implements WorkflowStarter {
  readonly #client: SFNClient;
  readonly #stateMachineArns: Readonly<Partial<Record<RunbookName, string>>>;
  readonly #clock: Clock;

  constructor(options: SfnWorkflowStarterOptions) {
    for (const [runbook, arn] of Object.entries(options.stateMachineArns)) {
      if (arn !== undefined && !STATE_MACHINE_ARN.test(arn)) {
        throw new WorkflowError(
          "StateMachineNotConfigured",
          `the state machine of runbook ${runbook} is not a state machine ARN: "${arn}"`,
        );
      }
    }
    this.#client = options.client;
    this.#stateMachineArns = { ...options.stateMachineArns };
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  async startWorkflow({ runbook, executionName, input }: StartWorkflowInput): Promise<StartWorkflowResult> {
    const stateMachineArn = this.#stateMachineArns[runbook];
    if (stateMachineArn === undefined) {
      const configured = Object.keys(this.#stateMachineArns).join(", ") || "none";
      throw new WorkflowError(
        "StateMachineNotConfigured",
        `no state machine is configured for runbook ${runbook} (configured: ${configured})`,
      );
    }
    const requestedAt = this.#clock.now().getTime();
    let started: { executionArn?: string | undefined; startDate?: Date | undefined };
    try {
      started = await this.#client.send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
      );
    } catch (error) {
      if (sdkErrorName(error) === "ExecutionAlreadyExists") {
        return this.#existingExecution(stateMachineArn, executionName, runbook);
      }
      throw startError(error, `start ${runbook} execution ${executionName} on ${stateMachineArn}`);
    }
    const startDate = started.startDate?.getTime();
    return {
      executionArn: started.executionArn ?? executionArnFor(stateMachineArn, executionName),
      alreadyStarted: startDate !== undefined && startDate < requestedAt - START_DATE_TOLERANCE_MS,
    };
  }

  /**
   * Stops an execution. One that has already ended (or whose history Step Functions no longer keeps)
   * needs no stop: that is not an error, whatever StopExecution answers for it.
   */
  async stopWorkflow(executionArn: string, cause: string): Promise<void> {
    try {
      await this.#client.send(new StopExecutionCommand({ executionArn, cause }));
      return;
    } catch (error) {
      if (isTransientSdkError(error)) {
        throw new WorkflowError(
          "TransientWorkflowStopError",
          `could not stop ${executionArn}: Step Functions is unavailable (${describeSdkError(error)})`,
          { cause: error },
        );
      }
      if (sdkErrorName(error) === "ExecutionDoesNotExist" || (await this.#hasEnded(executionArn))) return;
      throw new WorkflowError(
        "WorkflowStopRejected",
        `Step Functions refused to stop ${executionArn}: ${describeSdkError(error)}`,
        { cause: error },
      );
    }
  }

  async #existingExecution(
    stateMachineArn: string,
    executionName: string,
    runbook: RunbookName,
  ): Promise<StartWorkflowResult> {
    const executionArn = executionArnFor(stateMachineArn, executionName);
    try {
      const existing = await this.#client.send(new DescribeExecutionCommand({ executionArn }));
      return { executionArn: existing.executionArn ?? executionArn, alreadyStarted: true };
    } catch (error) {
      if (sdkErrorName(error) === "ExecutionDoesNotExist") {
        throw new WorkflowError(
          "WorkflowStartRejected",
          `${runbook} execution name ${executionName} is already in use, but ${stateMachineArn} has no execution by that name`,
          { cause: error },
        );
      }
      throw startError(error, `look up the existing ${runbook} execution ${executionArn}`);
    }
  }

  async #hasEnded(executionArn: string): Promise<boolean> {
    try {
      const execution = await this.#client.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status !== undefined && !OPEN_STATUSES.has(execution.status);
    } catch (error) {
      if (isTransientSdkError(error)) {
        throw new WorkflowError(
          "TransientWorkflowStopError",
          `could not check whether ${executionArn} has ended: Step Functions is unavailable (${describeSdkError(error)})`,
          { cause: error },
        );
      }
      return sdkErrorName(error) === "ExecutionDoesNotExist";
    }
  }
}

function startError(error: unknown, operation: string): WorkflowError {
  if (isTransientSdkError(error)) {
    return new WorkflowError(
      "TransientWorkflowStartError",
      `could not ${operation}: Step Functions is unavailable (${describeSdkError(error)})`,
      { cause: error },
    );
  }
  const name = sdkErrorName(error);
  if (name === "StateMachineDoesNotExist" || name === "StateMachineDeleting") {
    return new WorkflowError(
      "StateMachineNotFound",
      `could not ${operation}: the state machine does not exist or is being deleted (${describeSdkError(error)}); check the configured state machine ARNs`,
      { cause: error },
    );
  }
  return new WorkflowError(
    "WorkflowStartRejected",
    `could not ${operation}: Step Functions refused it (${describeSdkError(error)})`,
    { cause: error },
  );
}
