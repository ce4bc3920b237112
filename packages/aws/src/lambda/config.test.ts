import { describe, expect, it } from "vitest";
import { ConfigError, readLambdaConfig, readStepsConfig } from "./config.ts";

const ROLLBACK_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rollback";

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    readLambdaConfig(env, "/var/task");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readLambdaConfig", () => {
  it("reads the table, the state machines and the defaults", () => {
    // Act
    const config = readLambdaConfig(
      {
        TABLE_NAME: "architech-prod",
        STATE_MACHINE_ARNS: JSON.stringify({ rollback: ROLLBACK_ARN }),
        LAMBDA_TASK_ROOT: "/var/task",
      },
      "/somewhere/else",
    );

    // Assess
    expect(config).toEqual({
      tableName: "architech-prod",
      stateMachineArns: { rollback: ROLLBACK_ARN },
      policiesDir: "/var/task/policies",
      serviceName: "architech",
      metricsNamespace: "Architech",
      logLevel: "INFO",
      slackDefaultChannel: "#architech",
      slackSettingsFile: "/var/task/config/slack.yaml",
    });
  });

  it("takes the Slack channel and settings file, and the account with Lambda's region", () => {
    // Act
    const config = readLambdaConfig({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      SLACK_DEFAULT_CHANNEL: "#ops",
      SLACK_SETTINGS_FILE: "/opt/slack.yaml",
      ARCHITECH_ACCOUNT: "123456789012",
      AWS_REGION: "eu-west-1",
    });
    const bad = () =>
      readLambdaConfig({ TABLE_NAME: "t", STATE_MACHINE_ARNS: "{}", SLACK_DEFAULT_CHANNEL: "ops" });

    // Assess
    expect(config).toMatchObject({
      slackDefaultChannel: "#ops",
      slackSettingsFile: "/opt/slack.yaml",
      account: { account: "123456789012", region: "eu-west-1" },
    });
    expect(bad).toThrow(/SLACK_DEFAULT_CHANNEL/);
  });

  it("takes the policies directory, service name and namespace when given", () => {
    // Act
    const config = readLambdaConfig({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      POLICIES_DIR: "/opt/policies",
      POWERTOOLS_SERVICE_NAME: "router",
      POWERTOOLS_METRICS_NAMESPACE: "Ops",
    });

    // Assess
    expect(config).toMatchObject({
      policiesDir: "/opt/policies",
      serviceName: "router",
      metricsNamespace: "Ops",
    });
  });

  it("falls back to the working directory's policies outside Lambda", () => {
    // Act
    const config = readLambdaConfig({ TABLE_NAME: "t", STATE_MACHINE_ARNS: "{}" }, "/opt/app");

    // Assess
    expect(config.policiesDir).toBe("/opt/app/policies");
  });

  it("names every missing variable at once, treating an empty value as missing", () => {
    // Act
    const error = configError({ TABLE_NAME: " " });

    // Assess
    expect(error.code).toBe("InvalidConfiguration");
    expect(error.issues).toEqual(["TABLE_NAME is required", "STATE_MACHINE_ARNS is required"]);
    expect(error.message).toBe(
      "invalid configuration: TABLE_NAME is required; STATE_MACHINE_ARNS is required",
    );
  });

  it("refuses state machines that are not JSON", () => {
    // Act
    const error = configError({ TABLE_NAME: "t", STATE_MACHINE_ARNS: "rollback=arn" });

    // Assess
    expect(error.issues).toEqual(["STATE_MACHINE_ARNS: not JSON"]);
  });

  it("refuses an unknown runbook and an ARN that is not a state machine's, naming both", () => {
    // Act
    const error = configError({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: JSON.stringify({
        rolback: ROLLBACK_ARN,
        cleanup: "arn:aws:lambda:eu-west-1:123456789012:function:cleanup",
      }),
    });

    // Assess
    expect([...error.issues].sort()).toEqual([
      "STATE_MACHINE_ARNS (cleanup): not a Step Functions state machine ARN",
      'STATE_MACHINE_ARNS: unknown runbook "rolback"; runbooks are rollback, rightsize, cleanup, verify-backup',
    ]);
  });

  it("refuses an unknown log level", () => {
    // Act
    const error = configError({ TABLE_NAME: "t", STATE_MACHINE_ARNS: "{}", POWERTOOLS_LOG_LEVEL: "LOUD" });

    // Assess
    expect(error.issues).toEqual([
      "POWERTOOLS_LOG_LEVEL: one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT",
    ]);
  });

  it("refuses state machines given as a JSON array", () => {
    // Act
    const error = configError({ TABLE_NAME: "t", STATE_MACHINE_ARNS: JSON.stringify([ROLLBACK_ARN]) });

    // Assess
    expect(error.issues).toEqual(["STATE_MACHINE_ARNS: a JSON object of runbook name → state machine ARN"]);
  });
});

describe("SLACK_BOT_TOKEN_PARAMETER", () => {
  it("names the bot token's parameter for the router's handlers and the steps", () => {
    // Prepare
    const env = {
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      SLACK_BOT_TOKEN_PARAMETER: " /architech/prod/slack-bot-token ",
    };

    // Act
    const router = readLambdaConfig(env);
    const steps = readStepsConfig(env);

    // Assess
    expect(router.slackBotTokenParameter).toBe("/architech/prod/slack-bot-token");
    expect(steps.slackBotTokenParameter).toBe("/architech/prod/slack-bot-token");
  });

  it("takes a parameter ARN", () => {
    // Act
    const config = readStepsConfig({
      TABLE_NAME: "t",
      SLACK_BOT_TOKEN_PARAMETER:
        "arn:aws:ssm:eu-west-1:123456789012:parameter/architech/prod/slack-bot-token",
    });

    // Assess
    expect(config.slackBotTokenParameter).toBe(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/architech/prod/slack-bot-token",
    );
  });

  it("leaves Slack off when unset or empty", () => {
    // Act
    const unset = readStepsConfig({ TABLE_NAME: "t" });
    const empty = readLambdaConfig({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      SLACK_BOT_TOKEN_PARAMETER: "",
    });

    // Assess
    expect(unset).toEqual({
      tableName: "t",
      serviceName: "architech",
      logLevel: "INFO",
      slackDefaultChannel: "#architech",
    });
    expect("slackBotTokenParameter" in empty).toBe(false);
  });

  it("refuses a token pasted where the parameter's name belongs, and a name that is not one", () => {
    // Act
    const token = configError({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      SLACK_BOT_TOKEN_PARAMETER: "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    });
    const spaced = configError({
      TABLE_NAME: "t",
      STATE_MACHINE_ARNS: "{}",
      SLACK_BOT_TOKEN_PARAMETER: "slack bot token",
    });

    // Assess
    expect(token.issues).toEqual([
      "SLACK_BOT_TOKEN_PARAMETER: holds a Slack token: put it in an SSM SecureString parameter and name that parameter here",
    ]);
    expect(token.message).not.toContain("pdFZKVeTuE8sk7oOcBrzbqgy");
    expect(spaced.issues).toEqual([
      "SLACK_BOT_TOKEN_PARAMETER: not an SSM parameter name (such as /architech/prod/slack-bot-token) or ARN",
    ]);
  });
});
