import { ArchitechError } from "../errors.ts";

/**
 * Errors the ports throw. Adapters map their provider's errors onto these, so runbook steps (and the
 * `Retry`/`Catch` clauses of the workflows, which match on the error name) see one vocabulary whether
 * they run against AWS or the sandbox account.
 */

/** Throttling, timeouts, 5xx: worth retrying. Step Functions retries `TransientPortError`. */
export class TransientPortError extends ArchitechError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TransientPortError", message, options);
  }
}

/** The resource does not exist (a service, alias, alarm, task definition…). */
export class ResourceNotFoundError extends ArchitechError {
  readonly resource: string;
  constructor(resource: string, options?: { cause?: unknown }) {
    super("ResourceNotFound", `${resource} does not exist`, options);
    this.resource = resource;
  }
}

/** The provider refused the request (access denied, invalid parameter, conflict…); retrying will not help. */
export class PortRequestError extends ArchitechError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PortRequestRejected", message, options);
  }
}
