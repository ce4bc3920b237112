import { ArchitechError } from "@architech/core";
import { describeSdkError, isTransientSdkError as isTransientAwsError, sdkErrorName } from "../errors.ts";

/**
 * Stable codes of {@link WorkflowError}. The `Transient…` codes are the only retryable ones.
 *
 * - `TransientWorkflowStartError` / `TransientWorkflowStopError` / `TransientWorkflowResumeError`:
 *   throttling, a 5xx, a timeout, a network failure, or the account's open-execution quota; retrying may
 *   succeed.
 * - `StateMachineNotConfigured`: no state machine ARN is configured for the runbook.
 * - `StateMachineNotFound`: the configured state machine does not exist (or is being deleted).
 * - `WorkflowStartRejected`: Step Functions refused the start (invalid name, input or ARN, access denied…).
 * - `WorkflowStopRejected`: Step Functions refused to stop a running execution.
 * - `TaskNotWaiting`: the task token is invalid, unknown, or its task no longer waits (timed out, or the
 *   execution ended): there is nothing to resume.
 * - `WorkflowResumeRejected`: Step Functions refused the task token callback (access denied, invalid
 *   output…).
 */
export type WorkflowErrorCode =
  | "TransientWorkflowStartError"
  | "TransientWorkflowStopError"
  | "StateMachineNotConfigured"
  | "StateMachineNotFound"
  | "WorkflowStartRejected"
  | "WorkflowStopRejected"
  | "TransientWorkflowResumeError"
  | "TaskNotWaiting"
  | "WorkflowResumeRejected";

/**
 * The error family of the Step Functions adapter: callers see these codes, never an SDK exception (which
 * stays reachable as `cause`).
 *
 * @example
 * try {
 *   await starter.startWorkflow(input);
 * } catch (error) {
 *   if (error instanceof WorkflowError && error.transient) throw error; // let the delivery be retried
 * }
 */
export class WorkflowError extends ArchitechError {
  declare readonly code: WorkflowErrorCode;

  constructor(code: WorkflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Step Functions' quota of open executions: running executions end and free it, so a retry may succeed. */
const SFN_TRANSIENT_NAMES = new Set(["ExecutionLimitExceeded", "KmsThrottlingException"]);

/** True when a retry may succeed: the SDK-wide transient errors, plus Step Functions' own. */
export function isTransientSdkError(error: unknown): boolean {
  return isTransientAwsError(error) || SFN_TRANSIENT_NAMES.has(sdkErrorName(error));
}

export { describeSdkError, sdkErrorName };
