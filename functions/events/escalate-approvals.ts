import { escalationHandler } from "@architech/aws";

/**
 * EventBridge Scheduler (every minute) → the approval escalation sweep: every approval still pending
 * past its policy's `approval.escalateAfter` mentions the policy's on-call in the run's thread, once.
 * The schedule's input is not read.
 */
export const handler = escalationHandler();
