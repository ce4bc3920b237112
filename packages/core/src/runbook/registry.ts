import { ArchitechError } from "../errors.ts";
import { cleanup } from "./cleanup.ts";
import { rightsize } from "./rightsize.ts";
import { rollback } from "./rollback.ts";
import type { RunbookDefinition } from "./types.ts";
import { verifyBackup } from "./verify-backup.ts";

/** Every runbook the control plane can run, by name. */
export const runbooks = {
  rollback,
  rightsize,
  cleanup,
  "verify-backup": verifyBackup,
} as const satisfies Record<string, RunbookDefinition>;

export type RunbookName = keyof typeof runbooks;

export const RUNBOOK_NAMES = Object.keys(runbooks) as RunbookName[];

export class UnknownRunbookError extends ArchitechError {
  constructor(name: string) {
    super("UnknownRunbook", `unknown runbook "${name}"; valid runbooks: ${RUNBOOK_NAMES.join(", ")}`);
  }
}

export function isRunbookName(name: string): name is RunbookName {
  return Object.hasOwn(runbooks, name);
}

/**
 * Looks a runbook up by name.
 *
 * @example
 * getRunbook("rollback").permissions; // IAM statements its steps need
 * getRunbook("rolback"); // throws UnknownRunbookError: unknown runbook "rolback"; valid runbooks: rollback, …
 */
export function getRunbook(name: string): RunbookDefinition {
  if (!isRunbookName(name)) throw new UnknownRunbookError(name);
  return runbooks[name];
}
