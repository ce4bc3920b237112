// Telling people: the Notifier on Slack (one message per run, updated in place; alarm threads; approvals).

export {
  type ApprovalDecisionNoticeDeps,
  announceApprovalDecision,
  runNoticeRefOfRun,
} from "./approval-decided.ts";
export {
  type ApprovalEscalationSweep,
  DEFAULT_ESCALATE_AFTER_MS,
  ESCALATION_ACTOR,
  type EscalateApprovalsDeps,
  escalateApprovals,
} from "./escalate-approvals.ts";
export { buildOpsAlarmNotice, cloudWatchAlarmUrl, type OpsAlarm } from "./ops-alarm.ts";
export {
  alarmEpisodeId,
  type NotifierFailure,
  SlackNotifier,
  type SlackNotifierOptions,
} from "./slack-notifier.ts";
