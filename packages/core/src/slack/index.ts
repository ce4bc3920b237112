export {
  type ApprovalDecisionDeps,
  type ApprovalDecisionOutcome,
  type ApprovalDecisionRequest,
  decideApproval,
  withoutTaskToken,
} from "./decide-approval.ts";
export {
  describeDecision,
  handleSlackCommand,
  type SlackCommandDeps,
  slackHelpText,
} from "./handle-command.ts";
export { handleSlackInteraction, type SlackInteractionDeps } from "./handle-interaction.ts";
export { checkSlackSignature, type SlackRequest, type SlackResponse } from "./signed-request.ts";
export {
  SLACK_SIGNATURE_MAX_AGE_SECONDS,
  type SlackRequestToVerify,
  signSlackRequest,
  verifySlackRequest,
} from "./verify-request.ts";
