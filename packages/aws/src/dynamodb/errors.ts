import { StoreError } from "@architech/core";

const TRANSIENT_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TransactionConflictException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  isElectroError?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * True when `error` (or the SDK error ElectroDB wraps in it) is DynamoDB's
 * `ConditionalCheckFailedException`: the write's condition did not hold.
 *
 * @example
 * try { await entity.create(item).go(); } catch (error) { if (isConditionalCheckFailed(error)) return exists(); throw error; }
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return sdkError(error)?.name === "ConditionalCheckFailedException";
}

/**
 * Maps anything a DynamoDB call can throw (SDK v3 errors, ElectroDB errors, network errors) to a
 * {@link StoreError} with a stable code. A `StoreError` passes through unchanged.
 *
 * | thrown                                                     | code                   |
 * |------------------------------------------------------------|------------------------|
 * | throttling, 5xx, timeouts, connection resets               | `TransientStoreError`  |
 * | `ConditionalCheckFailedException`                          | `ConditionFailed`      |
 * | `ValidationException` about item size                      | `ItemTooLarge`         |
 * | other `ValidationException`                                | `InvalidStoreRequest`  |
 * | `ResourceNotFoundException`                                | `StoreTableNotFound`   |
 * | ElectroDB query / attribute validation errors              | `InvalidStoreInput`    |
 * | anything else                                              | `UnexpectedStoreError` |
 *
 * @example
 * catch (error) { throw toStoreError(error, "createRun"); }
 */
export function toStoreError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const sdk = sdkError(error);
  const name = typeof sdk?.name === "string" ? sdk.name : "";
  const message = typeof sdk?.message === "string" ? sdk.message : String(error);
  const status = sdk?.$metadata?.httpStatusCode;

  if (name === "ConditionalCheckFailedException") {
    return new StoreError("ConditionFailed", `${operation}: the write's condition did not hold`, {
      cause: error,
    });
  }
  if (
    TRANSIENT_NAMES.has(name) ||
    sdk?.$retryable !== undefined ||
    (typeof status === "number" && status >= 500) ||
    (typeof sdk?.code === "string" && NETWORK_CODES.has(sdk.code))
  ) {
    return new StoreError(
      "TransientStoreError",
      `${operation}: DynamoDB is unavailable (${name || message})`,
      {
        cause: error,
      },
    );
  }
  if (name === "ValidationException") {
    return /item size|maximum allowed size|exceeds.*size/i.test(message)
      ? new StoreError("ItemTooLarge", `${operation}: ${message}`, { cause: error })
      : new StoreError("InvalidStoreRequest", `${operation}: DynamoDB rejected the request: ${message}`, {
          cause: error,
        });
  }
  if (name === "ResourceNotFoundException") {
    return new StoreError("StoreTableNotFound", `${operation}: ${message}`, { cause: error });
  }
  const electro = error as ErrorLike;
  if (electro?.isElectroError === true && typeof electro.code === "number" && sdk === undefined) {
    // ElectroDB numbers its errors: 2xxx invalid queries, 3xxx invalid attributes (see electrodb.dev errors).
    if (electro.code >= 2000 && electro.code < 4000) {
      return new StoreError("InvalidStoreInput", `${operation}: ${String(electro.message)}`, {
        cause: error,
      });
    }
  }
  return new StoreError("UnexpectedStoreError", `${operation}: ${message}`, { cause: error });
}

/** The SDK (or network) error inside `error`: ElectroDB wraps what the client throws in `cause`. */
function sdkError(error: unknown): ErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const candidate = current as ErrorLike;
    if (candidate.isElectroError !== true) return candidate;
    current = candidate.cause;
  }
  return undefined;
}
