import { SfnApprovalResumer, slackFunctionUrlHandler } from "@architech/aws";
import { handleSlackInteraction } from "@architech/core";
import { SFNClient } from "@aws-sdk/client-sfn";

let approvals: SfnApprovalResumer | undefined;

/**
 * Slack interactions, through a Lambda Function URL: the approve / deny buttons of a plan. The request's
 * signature is checked against the signing secret (read from SSM at cold start), then the approval is
 * decided and the waiting Step Functions task resumed (`SendTaskSuccess`) or failed (`SendTaskFailure`).
 */
export const handler = slackFunctionUrlHandler((request, runtime) => {
  approvals ??= new SfnApprovalResumer({ client: runtime.tracer.captureAWSv3Client(new SFNClient({})) });
  return handleSlackInteraction(request, { store: runtime.routerDeps.store, approvals });
});
