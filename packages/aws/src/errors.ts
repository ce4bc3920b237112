import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";

/** The errors a port may throw; adapters throw nothing else. */
export type PortError = TransientPortError | ResourceNotFoundError | PortRequestError;

// What the SDK's own retry classifies as throttling or transient (service-error-classification), minus
// `LimitExceededException`: CloudWatch and Lambda use that name for quotas, which a retry does not lift.
const TRANSIENT_NAMES = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "InternalServerError",
  "InternalServerException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

const NOT_FOUND_NAMES = new Set(["ResourceNotFoundException", "ResourceNotFound", "NotFoundException"]);

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export interface ToPortErrorOptions {
  /** The API call that failed (`UpdateService`), named in the message of a refused request. */
  action?: string;
  /** Further error names that mean "does not exist" for this call (`ServiceNotFoundException`). */
  notFound?: readonly string[];
  /** Further error names worth retrying for this call (Lambda's `ResourceConflictException`). */
  transient?: readonly string[];
}

/**
 * Maps what an AWS SDK v3 call threw onto the port errors, so that runbook steps and the workflows'
 * `Retry`/`Catch` clauses see one vocabulary. A port error passes through unchanged.
 *
 * | thrown                                                                  | result                  |
 * |-------------------------------------------------------------------------|-------------------------|
 * | throttling, 429, 5xx, server faults, `$retryable`, timeouts, network    | `TransientPortError`    |
 * | `ResourceNotFoundException`, `ResourceNotFound`, `options.notFound`     | `ResourceNotFoundError` |
 * | anything else (access denied, invalid parameter, conflict…)             | `PortRequestError`      |
 *
 * `resource` names what was acted on, as people read it ("ECS service checkout-api in cluster prod"): it
 * becomes the `resource` of a `ResourceNotFoundError` and prefixes the other messages. The SDK error stays
 * reachable as `cause`.
 *
 * @example
 * try {
 *   await client.send(new GetAliasCommand({ FunctionName, Name }));
 * } catch (error) {
 *   throw toPortError(error, `Lambda alias ${FunctionName}:${Name}`, { action: "GetAlias" });
 * }
 */
export function toPortError(error: unknown, resource: string, options: ToPortErrorOptions = {}): PortError {
  if (isPortError(error)) return error;
  const name = sdkErrorName(error);
  const what = options.action === undefined ? `a request on ${resource}` : `${options.action} on ${resource}`;
  if (isTransientSdkError(error) || options.transient?.includes(name)) {
    return new TransientPortError(`${what} failed for now, a retry may succeed: ${describeSdkError(error)}`, {
      cause: error,
    });
  }
  if (NOT_FOUND_NAMES.has(name) || options.notFound?.includes(name)) {
    return new ResourceNotFoundError(resource, { cause: error });
  }
  return new PortRequestError(`${what} was refused: ${describeSdkError(error)}`, { cause: error });
}

/** True when `error` is already one of the port errors. */
export function isPortError(error: unknown): error is PortError {
  return (
    error instanceof TransientPortError ||
    error instanceof ResourceNotFoundError ||
    error instanceof PortRequestError
  );
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

/** The SDK's name for an error (`ThrottlingException`, `ServiceNotFoundException`…), or "". */
export function sdkErrorName(error: unknown): string {
  const name = (error as SdkErrorLike | null)?.name;
  return typeof name === "string" ? name : "";
}

/** The message of an SDK error, or "". */
export function sdkErrorMessage(error: unknown): string {
  const message = (error as SdkErrorLike | null)?.message;
  return typeof message === "string" ? message : "";
}

/** `Name: message` of an SDK error, for messages people read. */
export function describeSdkError(error: unknown): string {
  const name = sdkErrorName(error);
  const message = sdkErrorMessage(error);
  const text = message !== "" ? message : String(error);
  return name !== "" && name !== "Error" && !text.startsWith(name) ? `${name}: ${text}` : text;
}
