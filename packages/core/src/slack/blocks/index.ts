// Block Kit messages the control plane posts: pure functions from what happened to `{ text, blocks }`.
export { type AlarmThreadInput, buildAlarmThreadHeader } from "./alarm-thread.ts";
export {
  APPROVE_ACTION_ID,
  type ApprovalDecidedInput,
  type ApprovalRequestInput,
  buildApprovalDecided,
  buildApprovalEscalation,
  buildApprovalRequest,
  DENY_ACTION_ID,
  describeChange,
} from "./approval.ts";
export { buildCircuitBreakerTrip, type CircuitBreakerInput } from "./circuit-breaker.ts";
export { buildCleanupDigest, type CleanupDigestInput } from "./cleanup-digest.ts";
export {
  escapeMrkdwn,
  isSlackId,
  MAX_LIST_ITEMS,
  SLACK_LIMITS,
  slackDate,
  slackMention,
} from "./mrkdwn.ts";
export { buildReport, type ReportInput } from "./report.ts";
export {
  buildOnCallReply,
  buildRunMessage,
  type RunMessageInput,
  type RunMessageState,
  runSubject,
} from "./run-message.ts";
