/**
 * The error family of `@architech/core`. Every error carries a stable `code` that callers (and Step
 * Functions `Retry`/`Catch` clauses, which match on the error name) can rely on; `Transient…` codes are
 * worth retrying, all others are permanent.
 *
 * @example
 * throw new ArchitechError("InvalidInput", "policy name is empty", { cause });
 */
export class ArchitechError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** True for errors that a retry may cure (throttling, timeouts, conflicts on contended items). */
  get transient(): boolean {
    return this.code.startsWith("Transient");
  }
}
