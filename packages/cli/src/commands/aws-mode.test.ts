import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDynamoStore, type DynamoStore } from "@architech/aws";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "@architech/local";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useAwsClients } from "../aws-target.ts";
import { main } from "../main.ts";

const cloudFormation = new CloudFormationClient({ region: "eu-west-1" });
const eventBridge = new EventBridgeClient({ region: "eu-west-1" });
const cfn = mockClient(cloudFormation);
const events = mockClient(eventBridge);

let db: EmbeddedDynamoDb;
let store: DynamoStore;
let dir: string;
let restore: () => void;
let regions: (string | undefined)[];

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "architech", ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

function stackWith(tableName: string) {
  return {
    Stacks: [
      {
        StackName: "dev-architech-ControlPlane",
        StackStatus: "UPDATE_COMPLETE" as const,
        CreationTime: new Date("2026-11-01T00:00:00Z"),
        Outputs: [
          { OutputKey: "TableName", OutputValue: tableName },
          { OutputKey: "BudgetsTopicArn", OutputValue: "arn:aws:sns:eu-west-1:123456789012:budgets" },
          {
            OutputKey: "RollbackStateMachineArn",
            OutputValue: "arn:aws:states:eu-west-1:123456789012:stateMachine:rollback",
          },
        ],
      },
    ],
  };
}

const signal = { kind: "alarm", alarmName: "checkout-api-5xx-rate" };

beforeAll(async () => {
  db = await startEmbeddedDynamoDb({ tableName: "dev-architech-table" });
  let tick = Date.parse("2026-12-01T10:00:00Z");
  store = createDynamoStore({
    client: db.client,
    tableName: db.tableName,
    clock: {
      now: () => {
        tick += 1000;
        return new Date(tick);
      },
    },
  });
  await store.createRun({
    id: "run-older",
    policy: "rollback-on-errors",
    runbook: "rollback",
    target: "ecs:prod/checkout-api",
    signal,
    mode: "auto",
  });
  await store.createRun({
    id: "run-newer",
    policy: "cleanup-idle",
    runbook: "cleanup",
    target: "ec2:i-0abc",
    signal,
    mode: "approve",
    status: "awaiting-approval",
  });
  await store.transitionRun({
    id: "run-older",
    to: "running",
    executionArn: "arn:aws:states:x:1:execution:a:b",
  });
  await store.appendAudit({
    kind: "run",
    action: "started",
    actor: "router",
    reason: "alarm fired",
    runId: "run-older",
    target: "ecs:prod/checkout-api",
  });
  await store.appendAudit({
    kind: "decision",
    action: "suppressed",
    actor: "router",
    reason: "cooldown",
    policy: "cleanup-idle",
  });
  dir = mkdtempSync(join(tmpdir(), "architech-aws-mode-"));
});

afterAll(async () => {
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  cfn.reset();
  events.reset();
  regions = [];
  cfn
    .on(DescribeStacksCommand, { StackName: "dev-architech-ControlPlane" })
    .resolves(stackWith(db.tableName));
  restore = useAwsClients((region) => {
    regions.push(region);
    return { cloudFormation, dynamoDb: db.client, eventBridge };
  });
});

afterEach(() => restore());

describe("runs --aws", () => {
  it("lists the runs the store wrote, newest first, from the table the stack names", async () => {
    const { code, stdout, stderr } = await run("runs", "--aws", "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as { id: string; status: string }[];
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      ["run-newer", "awaiting-approval"],
      ["run-older", "running"],
    ]);
    expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: "dev-architech-ControlPlane",
    });
  });

  it("prints one line per run, as the local mode does, and honours --limit", async () => {
    const { code, stdout } = await run("runs", "--aws", "--limit", "1");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stdout).toMatch(/^run-newer\s+awaiting-approval\s+cleanup\s+ec2:i-0abc \(cleanup-idle\)\n$/);
  });

  it("takes --stage, --stack-name and --region", async () => {
    cfn.on(DescribeStacksCommand, { StackName: "custom-stack" }).resolves(stackWith(db.tableName));
    expect((await run("runs", "--aws", "--stack-name", "custom-stack", "--region", "us-west-2")).code).toBe(
      0,
    );
    expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: "custom-stack" });
    expect(regions).toEqual(["us-west-2"]);
    cfn
      .on(DescribeStacksCommand, { StackName: "prod-architech-ControlPlane" })
      .resolves(stackWith(db.tableName));
    expect((await run("runs", "--aws", "--stage", "prod")).code).toBe(0);
    expect(cfn.commandCalls(DescribeStacksCommand)[1]?.args[0].input).toEqual({
      StackName: "prod-architech-ControlPlane",
    });
  });

  it("refuses a bad --limit with exit 2 before calling AWS", async () => {
    const { code, stderr } = await run("runs", "--aws", "--limit", "0");
    expect(code).toBe(2);
    expect(stderr).toContain("limit must be a whole number");
    expect(cfn.calls()).toHaveLength(0);
  });
});

describe("run <id> --aws", () => {
  it("shows the run and its audit trail", async () => {
    const { code, stdout } = await run("run", "run-older", "--aws");
    expect(code).toBe(0);
    expect(stdout).toContain("run-older  running");
    expect(stdout).toContain("run/started by router ecs:prod/checkout-api: alarm fired");
    const json = JSON.parse((await run("run", "run-older", "--aws", "--json")).stdout) as {
      run: { id: string; executionArn: string };
      audit: unknown[];
    };
    expect(json.run.executionArn).toBe("arn:aws:states:x:1:execution:a:b");
    expect(json.audit).toHaveLength(1);
  });

  it("exits 2 for an unknown run", async () => {
    const { code, stderr } = await run("run", "nope", "--aws");
    expect(code).toBe(2);
    expect(stderr).toContain("no run nope");
  });
});

describe("audit --aws", () => {
  it("lists the audit log newest first", async () => {
    const { code, stdout } = await run("audit", "--aws", "--json");
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as { action: string }[];
    expect(items.map((i) => i.action)).toEqual(["suppressed", "started"]);
    const text = await run("audit", "--aws");
    expect(text.stdout.split("\n")[0]).toMatch(/decision\/suppressed by router \[cleanup-idle\]: cooldown$/);
  });
});

describe("the stack", () => {
  it("not found: a clear error and exit 2", async () => {
    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Stack with id dev-architech-ControlPlane does not exist"), {
        name: "ValidationError",
      }),
    );
    const { code, stderr, stdout } = await run("runs", "--aws");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("stack dev-architech-ControlPlane not found");
    expect(stderr).toContain("deploy first: npx sst deploy --stage dev");
  });

  it("without the TableName output: exit 2 naming the outputs found", async () => {
    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "dev-architech-ControlPlane",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: [{ OutputKey: "Other", OutputValue: "x" }],
        },
      ],
    });
    const { code, stderr } = await run("audit", "--aws");
    expect(code).toBe(2);
    expect(stderr).toContain("has no TableName output (outputs: Other)");
  });

  it("no credentials: exit 2 with what to do", async () => {
    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );
    const { code, stderr } = await run("runs", "--aws");
    expect(code).toBe(2);
    expect(stderr).toContain("no AWS credentials found");
  });
});

const alarmEvent = (name: string) => ({
  version: "0",
  id: `id-${name}`,
  "detail-type": "CloudWatch Alarm State Change",
  source: "aws.cloudwatch",
  account: "123456789012",
  time: "2026-12-01T10:00:00Z",
  region: "eu-west-1",
  resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`],
  detail: { alarmName: name, state: { value: "ALARM" } },
});

function eventFiles(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const file = join(dir, `alarm-${i}.json`);
    writeFileSync(file, JSON.stringify(alarmEvent(`svc-${i}-5xx-rate`)));
    return file;
  });
}

describe("send --aws", () => {
  it("without --yes: exits 2, explains why, and sends nothing", async () => {
    const [file = ""] = eventFiles(1);
    const { code, stderr, stdout } = await run("send", file, "--aws");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("default event bus");
    expect(stderr).toContain("--yes");
    expect(events.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });

  it("with --yes: PutEvents on the default bus, the entries as the local mode builds them", async () => {
    const [file = ""] = eventFiles(1);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] });
    const { code, stdout } = await run("send", file, "--aws", "--yes");
    expect(code).toBe(0);
    expect(stdout).toBe(`${file}: put (EventId ev-1)\n`);
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [
        {
          Source: "aws.cloudwatch",
          DetailType: "CloudWatch Alarm State Change",
          Detail: JSON.stringify({ alarmName: "svc-0-5xx-rate", state: { value: "ALARM" } }),
          Resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:svc-0-5xx-rate"],
          Time: new Date("2026-12-01T10:00:00Z"),
        },
      ],
    });
  });

  it("sends at most 10 entries a call, reports failed entries and exits 1", async () => {
    const files = eventFiles(12);
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          ...Array.from({ length: 9 }, (_, i) => ({ EventId: `ev-${i}` })),
          { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: "ev-10" }, { EventId: "ev-11" }] });
    const { code, stdout, stderr } = await run("send", ...files, "--aws", "--yes");
    expect(code).toBe(1);
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(stdout).toContain(`${files[9]}: FAILED ThrottlingException: Rate exceeded`);
    expect(stdout).toContain(`${files[11]}: put (EventId ev-11)`);
    expect(stderr).toContain("1 of 12 entries failed");
  });

  it("with --yes but no stack: exit 2 and nothing sent", async () => {
    const [file = ""] = eventFiles(1);
    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Stack with id dev-architech-ControlPlane does not exist"), {
        name: "ValidationError",
      }),
    );
    const { code, stderr } = await run("send", file, "--aws", "--yes");
    expect(code).toBe(2);
    expect(stderr).toContain("deploy first");
    expect(events.calls()).toHaveLength(0);
  });
});
