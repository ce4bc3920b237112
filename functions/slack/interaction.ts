import { slackInteractionHandler } from "@architech/aws";

/**
 * Slack interactions, through a Lambda Function URL: the Approve / Deny buttons of an approval message.
 * The signature is checked, then the approver's rights (config/slack.yaml, four eyes, the policy's
 * approvers), then the waiting Step Functions task is resumed (`SendTaskSuccess`) or failed
 * (`SendTaskFailure`) and the approval message updated in place.
 */
export const handler = slackInteractionHandler();
