import { createHash } from "node:crypto";

/** Step Functions execution names: at most 80 characters of letters, digits, `-` and `_`. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * The execution name of the run a policy starts for an event: the same (policy, event) always gives the
 * same name, so StartExecution — idempotent per name for 90 days — cannot start a second execution when
 * a delivery or a start is retried.
 *
 * @example
 * executionNameFor("rollback-checkout", "7bf73129-1428-4cd3-a780-95db273d1602");
 * // "rollback-checkout-1d3c…" (policy name, a dash, 16 hex characters of the event id's SHA-256)
 */
export function executionNameFor(policy: string, eventId: string): string {
  const digest = createHash("sha256").update(`${policy}\u0000${eventId}`).digest("hex").slice(0, 16);
  const prefix = policy.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, MAX_EXECUTION_NAME_LENGTH - 17);
  return `${prefix}-${digest}`;
}
