import { describe, expect, it } from "vitest";
import { ConfigError, readLambdaConfig } from "./config.ts";

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
    });
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
