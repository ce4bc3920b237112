import type { DynamoStore } from "@architech/aws";
import type { SlackPort } from "@architech/core";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  context,
  type RouterTestBed,
  STATE_MACHINE_ARNS,
  startRouterTestBed,
} from "../events/test-support.ts";
import { handler } from "./command.ts";
import {
  bodyOf,
  commandBody,
  functionUrlEvent,
  mockSigningSecret,
  PARAMETER_NAME,
  SIGNING_SECRET,
} from "./test-support.ts";

const policies = {
  "rollback.yaml": `
name: rollback-by-hand
description: Roll a service back when someone asks in Slack.
trigger:
  command: { name: rollback }
runbook: rollback
params: { verifyWindow: 10m }
target: { from: event }
mode: approve
notify: { slack: "#oncall" }
`,
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
/** Who may do what here: U024BE7LH asks for rollbacks. */
const SLACK_SETTINGS = `
access:
  rollback: { users: [U024BE7LH] }
`;

beforeEach(async () => {
  store = await bed.reset(policies, { settings: SLACK_SETTINGS });
  ssm?.restore();
  ssm = mockSigningSecret();
});

describe("Slack command handler", () => {
  it("routes a signed command and tells what the policy did, reading the secret once per cold start", async () => {
    // Act
    const first = await handler(
      functionUrlEvent("/", commandBody("rollback prod/checkout-api"), { base64: true }),
      context,
    );
    const help = await handler(functionUrlEvent("/", commandBody("help")), context);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(bodyOf(first)).toEqual({
      response_type: "ephemeral",
      text: expect.stringMatching(
        /^rollback on ecs-service:prod\/checkout-api \(policy rollback-by-hand\) awaits approval: run \S+, approval approval-\S+\./,
      ),
    });
    expect(bed.starts()).toEqual([expect.objectContaining({ stateMachineArn: STATE_MACHINE_ARNS.rollback })]);
    expect(bodyOf(help).text).toContain("(policy rollback-by-hand, approve)");
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: PARAMETER_NAME, WithDecryption: true },
    ]);
  });

  it("acknowledges a runbook command at once, then routes it in its own asynchronous invocation and answers through the response URL", async () => {
    // Prepare
    const responses: { url: string; text: string }[] = [];
    const slack: SlackPort = {
      postMessage: async ({ channel }) => ({ channel, ts: "1796119500.000001" }),
      updateMessage: async () => {},
      deleteMessage: async () => {},
      postEphemeral: async () => {},
      respond: async (url, message) => {
        responses.push({ url, text: message.text });
      },
      userGroupMembers: async () => [],
    };
    store = await bed.reset(policies, { settings: SLACK_SETTINGS, port: slack });
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    try {
      // Act
      const ack = await handler(functionUrlEvent("/", commandBody("rollback prod/checkout-api")), context);
      const invoked = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
      const payload = JSON.parse(Buffer.from(invoked[0]?.Payload as Uint8Array).toString("utf8"));
      const startsBefore = bed.starts().length;
      const worked = await handler(payload, context);

      // Assess
      expect(ack.statusCode).toBe(200);
      expect(bodyOf(ack).text).toContain("Working on `rollback prod/checkout-api`");
      expect(startsBefore).toBe(0);
      expect(invoked).toEqual([
        expect.objectContaining({ FunctionName: context.invokedFunctionArn, InvocationType: "Event" }),
      ]);
      expect(worked).toMatchObject({ ok: true, reply: { via: "response-url", responseUrlUses: 1 } });
      expect(bed.starts()).toHaveLength(1);
      expect(responses).toEqual([
        {
          url: "https://hooks.slack.com/commands/T0001/1/abc",
          text: expect.stringContaining("awaits approval"),
        },
      ]);
    } finally {
      lambda.restore();
    }
  });

  it("denies a command the access rules do not allow, with 403, routing nothing", async () => {
    // Act
    const denied = await handler(functionUrlEvent("/", commandBody("pause all --reason test")), context);

    // Assess
    expect(denied.statusCode).toBe(403);
    expect(bodyOf(denied)).toMatchObject({ response_type: "ephemeral" });
    expect((await store.readSwitches()).killSwitch).toBeUndefined();
    const audit = await store.listAudit({ order: "oldest-first", limit: 10 });
    expect(audit.items).toEqual([
      expect.objectContaining({ kind: "access", action: "denied", actor: "U024BE7LH" }),
    ]);
  });

  it("answers 401 to a request not signed with the signing secret, audits it and routes nothing", async () => {
    // Act
    const result = await handler(
      functionUrlEvent("/", commandBody("rollback prod/checkout-api"), { secret: "not-the-secret" }),
      context,
    );

    // Assess
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: "invalid signature" });
    expect(bed.starts()).toEqual([]);
    const audit = await store.listAudit({ order: "oldest-first", limit: 10 });
    expect(audit.items).toEqual([
      expect.objectContaining({
        kind: "decision",
        action: "rejected",
        actor: "slack",
        details: { reason: "invalid-signature", path: "/", signature: "present", timestamp: "present" },
      }),
    ]);
  });

  it("answers 500 when the signing secret cannot be read, and reads it again next time", async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error("AccessDeniedException"))
      .resolves({ Parameter: { Name: PARAMETER_NAME, Type: "SecureString", Value: SIGNING_SECRET } });

    // Act
    const failed = await handler(functionUrlEvent("/", commandBody("help")), context);
    const retried = await handler(functionUrlEvent("/", commandBody("help")), context);

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(retried.statusCode).toBe(200);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });
});
