import { ArchitechError } from "@architech/core";

/**
 * Stable codes of {@link WorkflowError}. The two `Transient…` codes are the only retryable ones.
 *
 * - `TransientWorkflowStartError` / `TransientWorkflowStopError`: throttling, a 5xx, a timeout, a network
 *   failure, or the account's open-execution quota; retrying the delivery may succeed.
 * - `StateMachineNotConfigured`: no state machine ARN is configured for the runbook.
 * - `StateMachineNotFound`: the configured state machine does not exist (or is being deleted).
 * - `WorkflowStartRejected`: Step Functions refused the start (invalid name, input or ARN, access denied…).
 * - `WorkflowStopRejected`: Step Functions refused to stop a running execution.
 */
export type WorkflowErrorCode =
  | "TransientWorkflowStartError"
  | "TransientWorkflowStopError"
  | "StateMachineNotConfigured"
  | "StateMachineNotFound"
  | "WorkflowStartRejected"
  | "WorkflowStopRejected";

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

const TRANSIENT_NAMES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "KmsThrottlingException",
  // The account's quota of open executions: running executions end and free it.
  "ExecutionLimitExceeded",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The SDK's name for an error (`ExecutionAlreadyExists`, `ThrottlingException`…), or "". */
export function sdkErrorName(error: unknown): string {
  const name = (error as SdkErrorLike | null)?.name;
  return typeof name === "string" ? name : "";
}

/** True when a retry may succeed: throttling, a server-side fault, a timeout or a network failure. */
export function isTransientSdkError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const sdk = error as SdkErrorLike;
  const status = sdk.$metadata?.httpStatusCode;
  return (
    TRANSIENT_NAMES.has(sdkErrorName(error)) ||
    sdk.$retryable !== undefined ||
    sdk.$fault === "server" ||
    (typeof status === "number" && (status >= 500 || status === 429)) ||
    (typeof sdk.code === "string" && NETWORK_CODES.has(sdk.code))
  );
}

/** `Name: message` of an SDK error, for messages people read. */
export function describeSdkError(error: unknown): string {
  const name = sdkErrorName(error);
  const message = (error as SdkErrorLike | null)?.message;
  const text = typeof message === "string" && message !== "" ? message : String(error);
  return name !== "" && name !== "Error" && !text.startsWith(name) ? `${name}: ${text}` : text;
}
