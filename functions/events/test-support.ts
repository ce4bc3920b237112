import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  configureLambdaRuntime,
  createDynamoStore,
  type DynamoStore,
  ensureTable,
  executionArnFor,
  type RouterHandlerResult,
} from "@architech/aws";
import type { AuditEntry, Decision, SlackPort } from "@architech/core";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "@architech/local";
import { SFNClient, StartExecutionCommand, type StartExecutionCommandInput } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { vi } from "vitest";

/** The router's time in these tests: a quarter of a minute after the fixtures' events. */
export const NOW = new Date("2026-03-02T10:15:30.000Z");

export const STATE_MACHINE_ARNS = {
  rollback: "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rollback",
  rightsize: "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-rightsize",
  cleanup: "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-cleanup",
  "verify-backup": "arn:aws:states:eu-west-1:123456789012:stateMachine:architech-verify-backup",
} as const;

export const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "architech-events",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:architech-events",
  memoryLimitInMB: "512",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  logGroupName: "/aws/lambda/architech-events",
  logStreamName: "2026/03/02/[$LATEST]abcdef",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** A JSON fixture from `test/events/`, as AWS delivers it. */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../test/events/${path}`, import.meta.url), "utf8"));
}

/** StartExecution's answer for a new execution, started now. */
export function startLikeStepFunctions(input: StartExecutionCommandInput) {
  return { executionArn: executionArnFor(input.stateMachineArn ?? "", input.name ?? ""), startDate: NOW };
}

/**
 * The router handlers' surroundings: an embedded DynamoDB, Step Functions mocked (answering
 * StartExecution as a Standard workflow would), and the Lambda runtime pointed at both.
 */
export interface RouterTestBed {
  readonly sfn: AwsClientStub<SFNClient>;
  /** A fresh table and policy directory; the handlers' next invocation uses them. Returns the table's store. */
  reset(
    policies: Record<string, string>,
    slack?: { settings?: string; port?: SlackPort },
  ): Promise<DynamoStore>;
  /** What StartExecution was asked, its input parsed. */
  starts(): (Omit<StartExecutionCommandInput, "input"> & { input: Record<string, unknown> })[];
  stop(): Promise<void>;
}

export async function startRouterTestBed(): Promise<RouterTestBed> {
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
  const db: EmbeddedDynamoDb = await startEmbeddedDynamoDb();
  const sfn = mockClient(SFNClient);
  const policiesDir = mkdtempSync(join(tmpdir(), "architech-policies-"));
  const clock = { now: () => NOW };
  let tables = 0;
  return {
    sfn,
    async reset(policies, slack = {}) {
      sfn.reset();
      sfn.on(StartExecutionCommand).callsFake(startLikeStepFunctions);
      rmSync(policiesDir, { recursive: true, force: true });
      mkdirSync(policiesDir);
      for (const [file, text] of Object.entries(policies)) writeFileSync(join(policiesDir, file), text);
      // Beside the policies, not among them: the policy loader reads every YAML file it finds.
      const settingsFile = `${policiesDir}.slack.yaml`;
      writeFileSync(settingsFile, slack.settings ?? "");
      const tableName = `architech-${++tables}`;
      await ensureTable({ client: db.client, tableName });
      configureLambdaRuntime({
        env: {
          TABLE_NAME: tableName,
          STATE_MACHINE_ARNS: JSON.stringify(STATE_MACHINE_ARNS),
          POLICIES_DIR: policiesDir,
          SLACK_SETTINGS_FILE: settingsFile,
          POWERTOOLS_LOG_LEVEL: "SILENT",
        },
        dynamodb: db.client,
        clock,
        ...(slack.port ? { slack: slack.port } : {}),
      });
      return createDynamoStore({ client: db.client, tableName, clock });
    },
    starts() {
      return sfn.commandCalls(StartExecutionCommand).map((call) => {
        const { input, ...rest } = call.args[0].input;
        return { ...rest, input: JSON.parse(input ?? "{}") as Record<string, unknown> };
      });
    },
    async stop() {
      sfn.restore();
      rmSync(policiesDir, { recursive: true, force: true });
      rmSync(`${policiesDir}.slack.yaml`, { force: true });
      await db.stop();
      vi.unstubAllEnvs();
    },
  };
}

/** The decisions of a successful invocation; fails the test on a failed one. */
export function decisionsOf(result: RouterHandlerResult): Decision[] {
  if (!result.ok) throw new Error(`the handler failed: ${result.error.code}: ${result.error.message}`);
  return result.results.flatMap((routed) => routed.decisions);
}

/** The decision entries of the audit log, oldest first. */
export async function auditedDecisions(store: DynamoStore): Promise<AuditEntry[]> {
  const page = await store.listAudit({ order: "oldest-first", limit: 100 });
  return page.items.filter((entry) => entry.kind === "decision");
}
