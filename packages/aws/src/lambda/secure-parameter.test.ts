import { GetParameterCommand, ParameterNotFound, SSMClient, SSMServiceException } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config.ts";
import { forgetSecureParameters, readSecureParameter } from "./secure-parameter.ts";
import { forgetSlackSigningSecrets, slackSigningSecret } from "./slack-handler.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new SSMClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const ssm = mockClient(client);
beforeEach(() => forgetSecureParameters());
afterEach(() => ssm.reset());

const NAME = "/architech/prod/slack-bot-token";
const OPTIONS = { variable: "SLACK_BOT_TOKEN_PARAMETER", holds: "Slack bot token" };

function secureString(name: string, value: string) {
  return { Parameter: { Name: name, Type: "SecureString" as const, Value: value, Version: 3 } };
}

function throttling() {
  return new SSMServiceException({
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: "Rate exceeded",
  });
}

/** What `call` threw. */
async function thrown(call: () => Promise<unknown>): Promise<Error> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected an error, got ${String(error)}`);
  return error;
}

describe("readSecureParameter", () => {
  it("reads the parameter decrypted, once, however many ask and when", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(secureString(NAME, "xoxb-1-2-abc"));

    // Act
    const concurrent = await Promise.all([
      readSecureParameter(client, NAME, OPTIONS),
      readSecureParameter(client, NAME, OPTIONS),
    ]);
    const later = await readSecureParameter(client, NAME, OPTIONS);

    // Assess
    expect([...concurrent, later]).toEqual(["xoxb-1-2-abc", "xoxb-1-2-abc", "xoxb-1-2-abc"]);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Name: NAME, WithDecryption: true });
  });

  it("keeps parameters apart by name", async () => {
    // Prepare
    ssm
      .on(GetParameterCommand, { Name: NAME })
      .resolves(secureString(NAME, "xoxb-1-2-abc"))
      .on(GetParameterCommand, { Name: "/architech/prod/slack-signing-secret" })
      .resolves(secureString("/architech/prod/slack-signing-secret", "8f742231b10e8888abcd99yyyzzz85a5"));

    // Act
    const token = await readSecureParameter(client, NAME, OPTIONS);
    const secret = await readSecureParameter(client, "/architech/prod/slack-signing-secret", {
      variable: "SLACK_SIGNING_SECRET_PARAMETER",
      holds: "signing secret",
    });

    // Assess
    expect(token).toBe("xoxb-1-2-abc");
    expect(secret).toBe("8f742231b10e8888abcd99yyyzzz85a5");
  });

  it("forgets a read that failed, so the next one asks SSM again", async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejectsOnce(throttling()).resolves(secureString(NAME, "xoxb-1-2-abc"));

    // Act
    const error = await thrown(() => readSecureParameter(client, NAME, OPTIONS));
    const value = await readSecureParameter(client, NAME, OPTIONS);

    // Assess
    expect(error.name).toBe("ThrottlingException");
    expect(value).toBe("xoxb-1-2-abc");
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("says which variable names an empty, missing or malformed parameter", async () => {
    // Prepare
    ssm
      .on(GetParameterCommand, { Name: "/empty" })
      .resolves(secureString("/empty", "  "))
      .on(GetParameterCommand, { Name: "/missing" })
      .rejects(new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: "" }))
      .on(GetParameterCommand, { Name: "/hex" })
      .resolves(secureString("/hex", "8f742231b10e8888abcd99yyyzzz85a5"));
    const check = (value: string) => (value.startsWith("xoxb-") ? undefined : "does not hold a bot token");

    // Act
    const empty = await thrown(() => readSecureParameter(client, "/empty", OPTIONS));
    const missing = await thrown(() => readSecureParameter(client, "/missing", OPTIONS));
    const malformed = await thrown(() => readSecureParameter(client, "/hex", { ...OPTIONS, check }));

    // Assess
    for (const error of [empty, missing, malformed]) expect(error).toBeInstanceOf(ConfigError);
    expect((empty as ConfigError).issues).toEqual([
      "SLACK_BOT_TOKEN_PARAMETER: the parameter /empty holds no Slack bot token",
    ]);
    expect((missing as ConfigError).issues).toEqual([
      "SLACK_BOT_TOKEN_PARAMETER: the parameter /missing does not exist",
    ]);
    expect((malformed as ConfigError).issues).toEqual([
      "SLACK_BOT_TOKEN_PARAMETER: the parameter /hex does not hold a bot token",
    ]);
    expect(malformed.message).not.toContain("8f742231b10e8888abcd99yyyzzz85a5");
  });
});

describe("slackSigningSecret", () => {
  it("reads the signing secret once per cold start until forgotten", async () => {
    // Prepare
    const name = "/architech/prod/slack-signing-secret";
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(secureString(name, "first-secret"))
      .resolves(secureString(name, "rotated-secret"));

    // Act
    const first = await slackSigningSecret(client, name);
    const cached = await slackSigningSecret(client, name);
    forgetSlackSigningSecrets();
    const reread = await slackSigningSecret(client, name);

    // Assess
    expect([first, cached, reread]).toEqual(["first-secret", "first-secret", "rotated-secret"]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("names SLACK_SIGNING_SECRET_PARAMETER when the parameter is empty", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(secureString("/s", ""));

    // Act
    const error = await thrown(() => slackSigningSecret(client, "/s"));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      "SLACK_SIGNING_SECRET_PARAMETER: the parameter /s holds no signing secret",
    ]);
  });
});
