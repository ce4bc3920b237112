import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sortableIdTime } from "@architech/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SfnWorkflowStarter } from "../sfn/workflow-starter.ts";
import { ConfigError } from "./config.ts";
import { createRouterDeps, sortableRunIds } from "./router-deps.ts";
import { configureLambdaRuntime, createLambdaRuntime, lambdaRuntime } from "./runtime.ts";

const ROLLBACK_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rollback";

const rollbackPolicy = (name: string, enabled = true) => `
name: ${name}
description: Roll checkout back when its alarm fires.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
runbook: rollback
target:
  from: alarm-dimensions
enabled: ${enabled}
`;

const cleanupPolicy = (enabled: boolean) => `
name: cleanup-nightly
description: Clean up every night.
trigger:
  schedule:
    expression: cron(0 2 * * ? *)
runbook: cleanup
target:
  type: account
enabled: ${enabled}
`;

const clients = {
  dynamodb: new DynamoDBClient({ region: "eu-west-1" }),
  sfn: new SFNClient({ region: "eu-west-1" }),
};

let policiesDir: string;
beforeEach(() => {
  policiesDir = mkdtempSync(join(tmpdir(), "architech-policies-"));
});
afterEach(() => {
  rmSync(policiesDir, { recursive: true, force: true });
});

function writePolicy(file: string, text: string): void {
  const path = join(policiesDir, file);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

function deps(stateMachineArns: Record<string, string> = { rollback: ROLLBACK_ARN }) {
  return createRouterDeps({
    config: { tableName: "architech", stateMachineArns, policiesDir },
    ...clients,
    clock: { now: () => new Date("2026-03-02T10:15:00Z") },
  });
}

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("createRouterDeps", () => {
  it("indexes every policy of the directory, nested ones included, and starts workflows on Step Functions", () => {
    // Prepare
    writePolicy("rollback.yaml", rollbackPolicy("rollback-checkout"));
    writePolicy("teams/payments/rollback.yml", rollbackPolicy("rollback-payments"));

    // Act
    const built = deps();

    // Assess
    expect(built.policies.policies.map((policy) => policy.name)).toEqual([
      "rollback-checkout",
      "rollback-payments",
    ]);
    expect(built.workflows).toBeInstanceOf(SfnWorkflowStarter);
    expect(built.clock.now().toISOString()).toBe("2026-03-02T10:15:00.000Z");
    expect(sortableIdTime(built.ids.newRunId())?.toISOString()).toBe("2026-03-02T10:15:00.000Z");
  });

  it("refuses to route with a policy that has problems, naming file, line and field", () => {
    // Prepare
    writePolicy("good.yaml", rollbackPolicy("rollback-checkout"));
    writePolicy("bad.yaml", rollbackPolicy("rollback-bad").replace("runbook: rollback", "runbook: rolback"));

    // Act
    const error = configError(() => deps());

    // Assess
    expect(error.code).toBe("InvalidConfiguration");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^POLICIES_DIR: bad\.yaml:\d+:\d+ runbook: /);
  });

  it("refuses a policies directory that cannot be read", () => {
    // Prepare
    rmSync(policiesDir, { recursive: true });

    // Act
    const error = configError(() => deps());

    // Assess
    expect(error.issues[0]).toContain(`POLICIES_DIR: cannot read the policies in ${policiesDir}`);
  });

  it("refuses an enabled policy whose runbook has no state machine, and accepts a disabled one", () => {
    // Prepare
    writePolicy("cleanup.yaml", cleanupPolicy(true));

    // Act
    const error = configError(() => deps());
    writePolicy("cleanup.yaml", cleanupPolicy(false));
    const built = deps();

    // Assess
    expect(error.issues).toEqual([
      "STATE_MACHINE_ARNS: no state machine for runbook cleanup, which policy cleanup-nightly (cleanup.yaml) runs",
    ]);
    expect(built.policies.policies.map((policy) => policy.name)).toEqual(["cleanup-nightly"]);
  });
});

describe("sortableRunIds", () => {
  it("gives unique ids that sort in the order of their time", () => {
    // Prepare
    let now = new Date("2026-03-02T10:15:00Z");
    const ids = sortableRunIds({ now: () => now });

    // Act
    const first = [ids.newRunId(), ids.newRunId()];
    now = new Date("2026-03-02T10:15:00.001Z");
    const later = ids.newRunId();

    // Assess
    expect(new Set([...first, later]).size).toBe(3);
    expect(first.every((id) => id < later)).toBe(true);
    expect(later).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe("lambdaRuntime", () => {
  it("builds one runtime from the configured environment and shares it until reconfigured", () => {
    // Prepare
    writePolicy("rollback.yaml", rollbackPolicy("rollback-checkout"));
    const env = {
      TABLE_NAME: "architech",
      STATE_MACHINE_ARNS: JSON.stringify({ rollback: ROLLBACK_ARN }),
      POLICIES_DIR: policiesDir,
      POWERTOOLS_SERVICE_NAME: "architech-router",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    configureLambdaRuntime({ env, ...clients });

    // Act
    const first = lambdaRuntime();
    const again = lambdaRuntime();
    configureLambdaRuntime({ env, ...clients });
    const rebuilt = lambdaRuntime();

    // Assess
    expect(again).toBe(first);
    expect(rebuilt).not.toBe(first);
    expect(first.config).toMatchObject({ tableName: "architech", serviceName: "architech-router" });
    expect(first.routerDeps.policies.policies.map((policy) => policy.name)).toEqual(["rollback-checkout"]);
  });

  it("throws a ConfigError naming what the environment lacks", () => {
    // Act
    const error = configError(() => createLambdaRuntime({ env: {}, ...clients }));

    // Assess
    expect(error.message).toBe(
      "invalid configuration: TABLE_NAME is required; STATE_MACHINE_ARNS is required",
    );
  });
});
