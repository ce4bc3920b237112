import { ArchitechError } from "../errors.ts";

/**
 * Stable codes of {@link StoreError}. `TransientStoreError` is the only retryable one.
 *
 * - `InvalidStoreInput`: the input failed validation; nothing was written.
 * - `ItemTooLarge`: the item would exceed DynamoDB's 400 KB limit; nothing was written.
 * - `ConditionFailed`: a conditional write lost where the operation has no "contended" result to report.
 * - `StoreTableNotFound`: the table does not exist (configuration).
 * - `InvalidStoreRequest`: DynamoDB rejected the request as malformed.
 * - `TransientStoreError`: throttling, a 5xx or a network failure; retry with backoff.
 * - `UnexpectedStoreError`: anything else.
 */
export type StoreErrorCode =
  | "InvalidStoreInput"
  | "ItemTooLarge"
  | "ConditionFailed"
  | "StoreTableNotFound"
  | "InvalidStoreRequest"
  | "TransientStoreError"
  | "UnexpectedStoreError";

/**
 * The error family of the store ports. Adapters map their SDK's errors to these codes, so callers never
 * see a DynamoDB exception.
 *
 * @example
 * try {
 *   await store.createRun(input);
 * } catch (error) {
 *   if (error instanceof StoreError && error.transient) retryLater();
 *   else throw error;
 * }
 */
export class StoreError extends ArchitechError {
  declare readonly code: StoreErrorCode;
  /** For `InvalidStoreInput`: one line per problem, `path: message`. */
  readonly issues: readonly string[];

  constructor(
    code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: readonly string[] },
  ) {
    super(code, message, options);
    this.issues = options?.issues ?? [];
  }
}
