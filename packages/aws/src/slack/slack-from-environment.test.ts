import { TransientPortError } from "@architech/core";
import { GetParameterCommand, SSMClient, SSMServiceException } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, readStepsConfig } from "../lambda/config.ts";
import { forgetSecureParameters } from "../lambda/secure-parameter.ts";
import { type FakeSlack, startFakeSlack } from "./fake-slack.test-support.ts";
import { slackFromEnvironment } from "./slack-from-environment.ts";
import { createSlackWebClient, WebApiSlack } from "./web-api-slack.ts";

const PARAMETER = "/architech/prod/slack-bot-token";
const TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new SSMClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const ssm = mockClient(client);

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  forgetSecureParameters();
  fake.requests.length = 0;
});
afterEach(() => ssm.reset());

function secureString(value: string) {
  return { Parameter: { Name: PARAMETER, Type: "SecureString" as const, Value: value, Version: 1 } };
}

/** The WebApiSlack the Lambda would build, pointed at the fake; records the tokens it was built with. */
function onFake() {
  const tokens: string[] = [];
  const create = (token: string) => {
    tokens.push(token);
    return new WebApiSlack({ client: createSlackWebClient(token, { slackApiUrl: `${fake.url}/api/` }) });
  };
  return { create, tokens };
}

const posted = { body: { ok: true, channel: "C0123456789", ts: "1714564800.000100" } };

describe("slackFromEnvironment", () => {
  it("is off without SLACK_BOT_TOKEN_PARAMETER, and builds no SSM client", () => {
    // Prepare
    const config = readStepsConfig({ TABLE_NAME: "architech" });
    let built = 0;

    // Act
    const slack = slackFromEnvironment({
      config,
      ssm: () => {
        built += 1;
        return client;
      },
    });

    // Assess
    expect(slack).toBeUndefined();
    expect(built).toBe(0);
  });

  it("reads the bot token from SSM on first use, once, and posts with it", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(secureString(TOKEN));
    const config = readStepsConfig({ TABLE_NAME: "architech", SLACK_BOT_TOKEN_PARAMETER: PARAMETER });
    const { create, tokens } = onFake();
    fake.answer(posted, posted);

    // Act
    const slack = slackFromEnvironment({ config, ssm: () => client, create });
    const before = ssm.commandCalls(GetParameterCommand).length;
    await slack?.postMessage({ channel: "#deployments", text: "Rolling back checkout-api" });
    await slack?.postMessage({ channel: "#deployments", text: "Rolled back checkout-api" });

    // Assess
    expect(slack).toBeDefined();
    expect(before).toBe(0);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([{ Name: PARAMETER, WithDecryption: true }]);
    expect(tokens).toEqual([TOKEN]);
    expect(fake.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
  });

  it("fails with a ConfigError naming the variable when the parameter holds no bot token", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(secureString("8f742231b10e8888abcd99yyyzzz85a5"));
    const { create, tokens } = onFake();
    const slack = slackFromEnvironment({
      config: { slackBotTokenParameter: PARAMETER },
      ssm: client,
      create,
    });

    // Act
    const error = await slack?.userGroupMembers("S0614TZR7").then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      `SLACK_BOT_TOKEN_PARAMETER: the parameter ${PARAMETER} does not hold a Slack bot token (xoxb-…)`,
    ]);
    expect(tokens).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it("reports SSM throttling as transient and reads again on the next call", async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(
        new SSMServiceException({
          name: "ThrottlingException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Rate exceeded",
        }),
      )
      .resolves(secureString(TOKEN));
    const { create } = onFake();
    const slack = slackFromEnvironment({
      config: { slackBotTokenParameter: PARAMETER },
      ssm: client,
      create,
    });
    fake.answer({ body: { ok: true, users: ["U060R4BJ4"] } });

    // Act
    const error = await slack?.respond("https://hooks.slack.com/commands/T0001/1/abc", { text: "x" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const members = await slack?.userGroupMembers("S0614TZR7");

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect((error as Error).message).toMatch(
      new RegExp(`^GetParameter on SSM parameter ${PARAMETER} failed for now`),
    );
    expect(members).toEqual(["U060R4BJ4"]);
    expect(fake.requests.map((request) => request.path)).toEqual(["/api/usergroups.users.list"]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });
});
