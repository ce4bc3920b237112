import { forgetSlackSigningSecrets } from "@architech/aws";
import { signSlackRequest } from "@architech/core";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { vi } from "vitest";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const PARAMETER_NAME = "/test/architech/slack-signing-secret";

/** SSM mocked to hold the signing secret as a SecureString, and the handlers pointed at its parameter. */
export function mockSigningSecret(): AwsClientStub<SSMClient> {
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand).resolves({
    Parameter: { Name: PARAMETER_NAME, Type: "SecureString", Value: SIGNING_SECRET, Version: 1 },
  });
  vi.stubEnv("SLACK_SIGNING_SECRET_PARAMETER", PARAMETER_NAME);
  forgetSlackSigningSecrets();
  return ssm;
}

/**
 * A Function URL request as Slack sends it: a form body, signed with `secret` at the current time, and
 * base64-encoded when `base64` (as Lambda delivers a body it does not take for text).
 */
export function functionUrlEvent(
  path: string,
  body: string,
  options: { secret?: string; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signSlackRequest({
        signingSecret: options.secret ?? SIGNING_SECRET,
        timestamp: timestamp,
        body: body,
      }),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghijklmnopqrstuvwxyz",
      domainName: "abcdefghijklmnopqrstuvwxyz.lambda-url.eu-west-1.on.aws",
      domainPrefix: "abcdefghijklmnopqrstuvwxyz",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "3.3.3.3", userAgent: "Slackbot 1.0" },
      requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      routeKey: "$default",
      stage: "$default",
      time: "02/Mar/2026:10:15:30 +0000",
      timeEpoch: 1_772_446_530_000,
    },
    body: options.base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

export function commandBody(text: string): string {
  return new URLSearchParams({
    token: "deprecated",
    team_id: "T0001",
    team_domain: "example",
    channel_id: "C0123456789",
    channel_name: "oncall",
    user_id: "U024BE7LH",
    user_name: "alice",
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1/abc",
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    api_app_id: "A0001",
  }).toString();
}

export function interactionBody(actionId: string, value: string, userId = "U024BE7LH"): string {
  const payload = {
    type: "block_actions",
    user: { id: userId, username: "alice", team_id: "T0001" },
    api_app_id: "A0001",
    team: { id: "T0001", domain: "example" },
    trigger_id: "interaction-trigger",
    actions: [{ type: "button", action_id: actionId, block_id: "decision", value, action_ts: "1" }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The JSON body of a handler's answer. */
export function bodyOf(result: APIGatewayProxyStructuredResultV2): Record<string, unknown> {
  return JSON.parse(result.body ?? "{}") as Record<string, unknown>;
}
