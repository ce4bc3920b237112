import type { ApprovalResumer } from "@architech/core";
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { describeSdkError, isTransientSdkError, sdkErrorName, WorkflowError } from "./errors.ts";

/** Step Functions' answers for a token whose task does not wait any more. */
const NOT_WAITING = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

/** Step Functions caps a task failure's `error` at 256 characters and its `cause` at 32,768. */
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;

/**
 * Resumes the workflow waiting on an approval through Step Functions' task token callbacks:
 * `SendTaskSuccess` with the approval as the task's output, `SendTaskFailure` with the denial.
 *
 * Errors are {@link WorkflowError}s: `TransientWorkflowResumeError` for throttling, 5xx, timeouts and
 * network failures; `TaskNotWaiting` for a token whose task timed out, ended or never was;
 * `WorkflowResumeRejected` otherwise.
 *
 * @example
 * const approvals = new SfnApprovalResumer({ client: new SFNClient({}) });
 * await approvals.resume(taskToken, { approvalId, approvedBy, planHash });
 */
export class SfnApprovalResumer implements ApprovalResumer {
  readonly #client: SFNClient;

  constructor(options: { readonly client: SFNClient }) {
    this.#client = options.client;
  }

  async resume(taskToken: string, output: unknown): Promise<void> {
    try {
      await this.#client.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) }),
      );
    } catch (error) {
      throw resumeError(error, "resume");
    }
  }

  async reject(taskToken: string, error: string, cause: string): Promise<void> {
    try {
      await this.#client.send(
        new SendTaskFailureCommand({
          taskToken,
          error: error.slice(0, MAX_ERROR_LENGTH),
          cause: cause.slice(0, MAX_CAUSE_LENGTH),
        }),
      );
    } catch (sdkError) {
      throw resumeError(sdkError, "fail");
    }
  }
}

function resumeError(error: unknown, operation: "resume" | "fail"): WorkflowError {
  const what = `could not ${operation} the task waiting on the approval`;
  if (isTransientSdkError(error)) {
    return new WorkflowError(
      "TransientWorkflowResumeError",
      `${what}: Step Functions is unavailable (${describeSdkError(error)})`,
      { cause: error },
    );
  }
  if (NOT_WAITING.has(sdkErrorName(error))) {
    return new WorkflowError(
      "TaskNotWaiting",
      `${what}: the task no longer waits (it timed out, its execution ended, or the token is invalid: ${describeSdkError(error)})`,
      { cause: error },
    );
  }
  return new WorkflowError(
    "WorkflowResumeRejected",
    `${what}: Step Functions refused it (${describeSdkError(error)})`,
    {
      cause: error,
    },
  );
}
