import type { DynamoStore } from "@architech/aws";
import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, type RouterTestBed, startRouterTestBed } from "../events/test-support.ts";
import { handler } from "./interaction.ts";
import { bodyOf, functionUrlEvent, interactionBody, mockSigningSecret } from "./test-support.ts";

const APPROVAL = {
  id: "approval-01JNQ0000000000000000000AB",
  runId: "01JNQ0000000000000000000AB",
  policy: "rollback-checkout",
  target: "ecs-service:prod/checkout-api",
  planHash: "sha256:0123456789abcdef",
  requestedBy: "router",
  expiresAt: "2026-03-02T11:15:00.000Z",
  taskToken: "AQCEAAAAKgAAAAMAAAAAAAAAAVp0b2tlbg==",
};

let bed: RouterTestBed;
let store: DynamoStore;
let ssm: AwsClientStub<SSMClient>;
beforeAll(async () => {
  bed = await startRouterTestBed();
});
afterAll(async () => {
  ssm.restore();
  await bed.stop();
});
/** Who may decide approvals here. */
const SLACK_SETTINGS = `
access:
  approve: { users: [U024BE7LH, U0ANOTHER] }
  deny: { users: [U024BE7LH, U0ANOTHER] }
`;

beforeEach(async () => {
  store = await bed.reset({}, { settings: SLACK_SETTINGS });
  ssm?.restore();
  ssm = mockSigningSecret();
  await store.requestApproval(APPROVAL);
  bed.sfn.on(SendTaskSuccessCommand).resolves({});
  bed.sfn.on(SendTaskFailureCommand).resolves({});
});

describe("Slack interaction handler", () => {
  it("approves the approval and resumes the waiting task with it", async () => {
    // Act
    const result = await handler(functionUrlEvent("/", interactionBody("approve", APPROVAL.id)), context);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({
      replace_original: true,
      text: `Approval ${APPROVAL.id} approved by <@U024BE7LH>.`,
    });
    expect(bed.sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toEqual([
      {
        taskToken: APPROVAL.taskToken,
        output: JSON.stringify({
          approvalId: APPROVAL.id,
          approvedBy: "U024BE7LH",
          planHash: APPROVAL.planHash,
        }),
      },
    ]);
    expect(await store.getApproval(APPROVAL.id)).toMatchObject({
      decision: "approved",
      decidedBy: "U024BE7LH",
    });
  });

  it("denies the approval and fails the waiting task with ApprovalDenied", async () => {
    // Act
    const result = await handler(
      functionUrlEvent("/", interactionBody("deny", APPROVAL.id), { base64: true }),
      context,
    );

    // Assess
    expect(bodyOf(result)).toEqual({
      replace_original: true,
      text: `Approval ${APPROVAL.id} denied by <@U024BE7LH>.`,
    });
    expect(bed.sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      {
        taskToken: APPROVAL.taskToken,
        error: "ApprovalDenied",
        cause: "denied by U024BE7LH: denied in Slack by U024BE7LH",
      },
    ]);
    expect(bed.sfn.commandCalls(SendTaskSuccessCommand)).toEqual([]);
  });

  it("does not decide twice", async () => {
    // Act
    await handler(functionUrlEvent("/", interactionBody("approve", APPROVAL.id)), context);
    const again = await handler(
      functionUrlEvent("/", interactionBody("deny", APPROVAL.id, "U0ANOTHER")),
      context,
    );

    // Assess
    expect(bodyOf(again).text).toContain("already been decided");
    expect(bed.sfn.commandCalls(SendTaskFailureCommand)).toEqual([]);
  });

  it("answers 401 to an unsigned request and decides nothing", async () => {
    // Act
    const result = await handler(
      functionUrlEvent("/", interactionBody("approve", APPROVAL.id), { secret: "not-the-secret" }),
      context,
    );

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await store.getApproval(APPROVAL.id)).toMatchObject({ decision: "pending" });
    expect(bed.sfn.commandCalls(SendTaskSuccessCommand)).toEqual([]);
  });
});
