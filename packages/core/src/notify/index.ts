// Telling people: the Notifier on Slack (one message per run, updated in place; alarm threads; approvals).

export { type ApprovalDecisionNoticeDeps, announceApprovalDecision } from "./approval-decided.ts";
export {
  alarmEpisodeId,
  type NotifierFailure,
  SlackNotifier,
  type SlackNotifierOptions,
} from "./slack-notifier.ts";
