export {
  ACCESS_AUDIT_KIND,
  auditAccessDenied,
  checkSlackAccess,
  type SlackAccessDecision,
  type SlackAccessDeps,
  type SlackAccessRequest,
  USER_GROUP_CACHE_MS,
} from "./access.ts";
export {
  decideSlackApproval,
  type SlackApprovalDeps,
  type SlackApprovalRequest,
  type SlackApprovalResult,
  tellApprovalDecided,
} from "./approvals.ts";
export * from "./blocks/index.ts";
export type { CommandContext, CommandDefinition, CommandReply } from "./commands/context.ts";
export { BUILT_IN_COMMANDS, isRoutedCommand, slackHelpText } from "./commands/registry.ts";
export { describeDecision, describeRoute, RUNBOOK_SUMMARIES } from "./commands/runbook.ts";
export {
  type ApprovalDecisionDeps,
  type ApprovalDecisionOutcome,
  type ApprovalDecisionRequest,
  type ApprovalRefusal,
  decideApproval,
  withoutTaskToken,
} from "./decide-approval.ts";
export {
  type DeferredReply,
  type DeferredSlackCommand,
  type DeferredSlackCommandDeps,
  DeferredSlackCommandSchema,
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  replyToDeferredSlackCommand,
  runDeferredSlackCommand,
} from "./deferred.ts";
export type { SlackApprovalDecision, SlackCommandDeps, SlackHooks, SlackInteractionDeps } from "./deps.ts";
export { handleSlackCommand } from "./handle-command.ts";
export { handleSlackInteraction } from "./handle-interaction.ts";
export {
  loadSlackSettings,
  parseSlackSettings,
  READ_ONLY_SLACK_COMMANDS,
  RUNBOOK_SLACK_COMMANDS,
  SLACK_COMMAND_NAMES,
  type SlackAccessRule,
  SlackAccessRuleSchema,
  type SlackCommandName,
  type SlackSettings,
  type SlackSettingsInput,
  type SlackSettingsProblem,
  type SlackSettingsResult,
  SlackSettingsSchema,
} from "./settings.ts";
export {
  checkSlackSignature,
  type SlackReplyBody,
  type SlackRequest,
  type SlackResponse,
} from "./signed-request.ts";
export {
  SLACK_SIGNATURE_MAX_AGE_SECONDS,
  type SlackRequestToVerify,
  signSlackRequest,
  verifySlackRequest,
} from "./verify-request.ts";
