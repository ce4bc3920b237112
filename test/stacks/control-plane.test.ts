import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type GrantLike,
  type LoadedPolicy,
  loadPolicyDirectory,
  loadSlackSettings,
  RUNBOOK_NAMES,
  runbooks,
  SchedulerInputSchema,
  scopePermission,
  stepFunctionSubstitutions,
  substituteSchedulerContext,
  tableDefinition,
  unscopedWrites,
  workflowDefinitions,
} from "@architech/core";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  awsEventPolicies,
  ESCALATION_SCHEDULE_NAME,
  loadSlackSettingsOrFail,
  pascalCase,
  SLACK_SETTINGS_FILE,
  scheduledPolicies,
  slackBotTokenParameter,
  slackSigningSecretParameter,
} from "../../stacks/control-plane.ts";
import { type NagError, synthesizeApp } from "../../stacks/synthesize.ts";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const policies: LoadedPolicy[] = loadPolicyDirectory("policies").policies;

/**
 * The functions of the stack: routers, the escalation sweep, Slack, one steps function per runbook, and
 * the ops alarm notice.
 */
const ROUTERS = ["Ingest", "BudgetAlert", "Schedule"];
const ESCALATION = "EscalateApprovals";
const SLACK_FUNCTIONS = ["SlackCommand", "SlackInteraction"];
const STEPS_FUNCTIONS = RUNBOOK_NAMES.map((r) => `${pascalCase(r)}Steps`);
const OPS = "OpsAlarmNotice";
const FUNCTIONS = [...ROUTERS, ESCALATION, ...SLACK_FUNCTIONS, ...STEPS_FUNCTIONS, OPS];
/** The functions with the policies bundled and the router's configuration. */
const ROUTER_LIKE = [...ROUTERS, ESCALATION, ...SLACK_FUNCTIONS];
const slackSettings = loadSlackSettings(SLACK_SETTINGS_FILE);

/**
 * Roles and policies that the framework adds, exempted from the least-privilege walk by name, each with
 * the reason it may stay as it is. Nothing of the control plane's own may be listed here.
 */
const FRAMEWORK_EXEMPTIONS: Record<string, string> = {
  CustomResourceHandlerServiceRole:
    "SST's deploy-time custom-resource function (stack metadata): AWSLambdaBasicExecutionRole for its own " +
    "logs, no other grant; it runs only while CloudFormation deploys the stack",
};

// Pseudo parameters become placeholders without colons, so flattened ARNs still split into their fields.
const PSEUDO_PARAMETERS: Record<string, string> = {
  "AWS::Partition": "{partition}",
  "AWS::AccountId": "{account}",
  "AWS::Region": "{region}",
};

/** A CloudFormation value as one string: `Fn::Join` joined, references as `<Id>` / `<Id.Attr>`. */
function flatten(node: unknown): string {
  if (typeof node === "string") return node;
  if (typeof node === "object" && node !== null) {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value["Fn::Join"])) {
      const [separator, parts] = value["Fn::Join"] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if (typeof value.Ref === "string") return PSEUDO_PARAMETERS[value.Ref] ?? `<${value.Ref}>`;
    if (Array.isArray(value["Fn::GetAtt"])) return `<${(value["Fn::GetAtt"] as string[]).join(".")}>`;
  }
  return JSON.stringify(node);
}

/** A condition block with every value flattened. */
function flattenCondition(condition: unknown): unknown {
  if (condition === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(condition as Record<string, Record<string, unknown>>).map(([operator, keys]) => [
      operator,
      Object.fromEntries(
        Object.entries(keys).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.map(flatten) : flatten(value),
        ]),
      ),
    ]),
  );
}

const grantOf = (statement: Statement): GrantLike & { condition: unknown } => ({
  actions: list(statement.Action),
  resources: list(statement.Resource).map(flatten),
  condition: flattenCondition(statement.Condition),
});

interface IdentityPolicy {
  /** Logical id of the policy (or of the role, for its inline policies and managed policy ARNs). */
  id: string;
  /** Logical ids of the roles it is attached to. */
  roles: string[];
  statements: Statement[];
  managedPolicyArns: string[];
}

/** Every identity policy of a template: `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` and roles' own. */
function identityPolicies(template: Resources): IdentityPolicy[] {
  const refs = (value: unknown) =>
    list((value ?? []) as unknown[]).map((ref) => flatten(ref).replace(/^<|>$/g, ""));
  return Object.entries(template).flatMap(([id, resource]): IdentityPolicy[] => {
    const properties = resource.Properties;
    switch (resource.Type) {
      case "AWS::IAM::Policy":
      case "AWS::IAM::ManagedPolicy":
        return [
          {
            id,
            roles: refs(properties.Roles),
            statements: (properties.PolicyDocument as { Statement: Statement[] }).Statement,
            managedPolicyArns: [],
          },
        ];
      case "AWS::IAM::Role":
        return [
          {
            id,
            roles: [id],
            statements: list(
              (properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[],
            ).flatMap((policy) => policy.PolicyDocument.Statement),
            managedPolicyArns: list((properties.ManagedPolicyArns ?? []) as unknown[]).map(flatten),
          },
        ];
      default:
        return [];
    }
  });
}

const exemptionOf = (policy: IdentityPolicy): string | undefined =>
  Object.entries(FRAMEWORK_EXEMPTIONS).find(([prefix]) =>
    [policy.id, ...policy.roles].some((id) => id.startsWith(prefix)),
  )?.[1];

/** What breaks the least-privilege rule in a policy: unscoped writes, and any managed policy at all. */
function leastPrivilegeViolations(policy: IdentityPolicy): string[] {
  const writes = policy.statements
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) => unscopedWrites(grantOf(statement)))
    .map((write) => `${policy.id}: ${write.action} on ${write.resource} without a condition`);
  // An AWS managed policy's statements are not in the template, so they cannot be checked: none is used.
  const managed = policy.managedPolicyArns.map((arn) => `${policy.id}: managed policy ${arn}`);
  return [...writes, ...managed];
}

let outdir: string;
let region: string;
let dev: { template: Template; json: Record<string, unknown>; nagErrors: NagError[] };
let prod: { template: Template; nagErrors: NagError[] };

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), "architech-stacks-"));
  // Bundled once, as a deployment does; prod only differs in settings, so its functions keep placeholders.
  const bundled = await synthesizeApp({ stage: "dev", outdir: join(outdir, "dev") });
  const [devStack] = bundled.stacks;
  if (!devStack) throw new Error("no stack synthesized");
  region = devStack.environment.region;
  dev = {
    template: Template.fromJSON(devStack.template),
    json: devStack.template,
    nagErrors: bundled.nagErrors,
  };
  const unbundled = await synthesizeApp({ stage: "prod", outdir: join(outdir, "prod"), bundle: false });
  const [prodStack] = unbundled.stacks;
  if (!prodStack) throw new Error("no stack synthesized");
  prod = { template: Template.fromJSON(prodStack.template), nagErrors: unbundled.nagErrors };
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const resources = () => dev.json.Resources as Resources;
const prodResources = () => prod.template.toJSON().Resources as Resources;
const logicalId = (type: string, prefix: string) => {
  const ids = Object.keys(dev.template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}`).toHaveLength(1);
  return ids[0] as string;
};
const roleStatements = (roleId: string): Statement[] =>
  Object.values(resources())
    .filter((r) => r.Type === "AWS::IAM::Policy")
    .filter((r) =>
      (r.Properties.Roles as unknown[]).some((ref) => JSON.stringify(ref) === `{"Ref":"${roleId}"}`),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const environmentOf = (name: string): Record<string, unknown> =>
  (
    resources()[logicalId("AWS::Lambda::Function", name)]?.Properties.Environment as
      | { Variables: Record<string, unknown> }
      | undefined
  )?.Variables ?? {};
/** The bundle directory of a function of the dev stack (its code's S3 key is the asset's hash). */
const assetOf = (name: string): string => {
  const code = resources()[logicalId("AWS::Lambda::Function", name)]?.Properties.Code as { S3Key: string };
  return join(outdir, "dev", `asset.${code.S3Key.replace(/\.zip$/, "")}`);
};
const functionRoleId = (functionId: string): string => {
  const role = resources()[functionId]?.Properties.Role as { "Fn::GetAtt": [string, string] } | undefined;
  if (role === undefined) throw new Error(`${functionId} has no role`);
  return role["Fn::GetAtt"][0];
};

describe("ControlPlane stack", () => {
  it("keeps the table from the core definition: on demand, PITR, TTL, encrypted", () => {
    dev.template.resourceCountIs("AWS::DynamoDB::GlobalTable", 1);
    dev.template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
        { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((gsi) =>
        Match.objectLike({ IndexName: gsi.indexName, Projection: { ProjectionType: "ALL" } }),
      ),
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
        }),
      ],
    });
  });

  it("protects the table in prod: deletion protection and retained on removal", () => {
    prod.template.hasResource("AWS::DynamoDB::GlobalTable", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
      }),
    });
  });

  it("bundles every function for nodejs22.x on arm64, the routers with the policies", () => {
    const assets = readdirSync(join(outdir, "dev")).filter((name) => name.startsWith("asset."));
    const withPolicies = assets.filter((name) => existsSync(join(outdir, "dev", name, "policies")));
    expect(withPolicies).toHaveLength(ROUTER_LIKE.length);
    for (const name of FUNCTIONS) {
      const fn = resources()[logicalId("AWS::Lambda::Function", name)];
      expect(fn?.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        Environment: {
          Variables: { TABLE_NAME: { Ref: expect.any(String) }, POWERTOOLS_SERVICE_NAME: "architech" },
        },
      });
      const variables = (fn?.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {};
      const hasArns = "STATE_MACHINE_ARNS" in variables;
      expect(hasArns, name).toBe(ROUTER_LIKE.includes(name));
      expect(existsSync(join(assetOf(name), "policies")), name).toBe(ROUTER_LIKE.includes(name));
    }
  });

  it("bundles each function small: minified, with class names kept for the workflows' Retry and Catch", () => {
    for (const name of FUNCTIONS) {
      const code = readdirSync(assetOf(name), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".mjs"))
        .map((file) => readFileSync(join(assetOf(name), file), "utf8"));
      expect(code, name).toHaveLength(1);
      const bundle = code[0] ?? "";
      // Unminified, the steps bundles were 6.3 MB; minified about 2.9 MB (0.8 MB compressed).
      expect(bundle.length, name).toBeLessThan(3_500_000);
      expect(bundle.split("\n").length, name).toBeLessThan(1_000);
    }
    // Error names are what Step Functions matches (`TransientPortError` is retried, the rest caught).
    const steps = readdirSync(assetOf("RollbackSteps"), { recursive: true, encoding: "utf8" }).find((f) =>
      f.endsWith(".mjs"),
    );
    const stepsCode = readFileSync(join(assetOf("RollbackSteps"), steps ?? ""), "utf8");
    expect(stepsCode).toMatch(/class TransientPortError\b|"TransientPortError"/);
    // Each steps function carries only the SDK clients of the services its runbook calls.
    expect(stepsCode).toContain("UpdateServiceCommand");
    expect(stepsCode).not.toContain("DescribeVolumesCommand");
    expect(stepsCode).not.toContain("StartRestoreJobCommand");
  });

  it("bundles config/slack.yaml beside the Slack functions' code, where SLACK_SETTINGS_FILE looks by default", () => {
    const bundled = readdirSync(join(outdir, "dev")).filter((name) =>
      existsSync(join(outdir, "dev", name, "config", "slack.yaml")),
    );
    expect(bundled).toHaveLength(SLACK_FUNCTIONS.length);
    for (const name of FUNCTIONS) {
      const file = join(assetOf(name), "config", "slack.yaml");
      expect(existsSync(file), name).toBe(SLACK_FUNCTIONS.includes(name));
      if (!SLACK_FUNCTIONS.includes(name)) continue;
      expect(readFileSync(file, "utf8"), name).toBe(readFileSync(SLACK_SETTINGS_FILE, "utf8"));
      const variables = environmentOf(name);
      // Not set: the handler's default, `$LAMBDA_TASK_ROOT/config/slack.yaml`, is the bundled copy.
      expect(variables.SLACK_SETTINGS_FILE, name).toBeUndefined();
    }
  });

  it("tells every function the settings' default channel, and the router and Slack functions the account", () => {
    expect(slackSettings.defaultChannel).toBe("#ops");
    for (const name of FUNCTIONS) {
      const variables = environmentOf(name);
      expect(variables.SLACK_DEFAULT_CHANNEL, name).toBe(slackSettings.defaultChannel);
      expect(variables.ARCHITECH_ACCOUNT, name).toEqual(
        ROUTER_LIKE.includes(name) ? { Ref: "AWS::AccountId" } : undefined,
      );
    }
    for (const fn of Object.values(prod.template.findResources("AWS::Lambda::Function"))) {
      if (JSON.stringify(fn.Properties?.Role).includes("CustomResourceHandler")) continue;
      expect(fn.Properties.Environment.Variables.SLACK_DEFAULT_CHANNEL).toBe("#ops");
    }
  });

  it("fails the synth on Slack settings that do not load (the stack's loader), listing their problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "architech-slack-settings-"));
    try {
      const file = join(dir, "slack.yaml");
      writeFileSync(file, 'command: /architech\ndefaultChannel: "ops"\naccess:\n  rollbak: {}\n');

      expect(() => loadSlackSettingsOrFail(file)).toThrow(
        new RegExp(
          `^invalid Slack settings:\\n${file}:2:\\d+ defaultChannel: a channel such as #ops[^\\n]*\\n` +
            `${file}:4:\\d+ access\\.rollbak: unknown command "rollbak"`,
        ),
      );
      expect(() => loadSlackSettingsOrFail(join(dir, "missing.yaml"))).toThrow(/cannot be read/);
      expect(loadSlackSettingsOrFail()).toEqual(slackSettings);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs each runbook's workflow, with its steps function substituted, logged and traced", () => {
    dev.template.resourceCountIs("AWS::StepFunctions::StateMachine", RUNBOOK_NAMES.length);
    for (const runbook of RUNBOOK_NAMES) {
      const id = pascalCase(runbook);
      const machine = resources()[logicalId("AWS::StepFunctions::StateMachine", `${id}Workflow`)];
      const stepsId = logicalId("AWS::Lambda::Function", `${id}Steps`);
      const substitution = stepFunctionSubstitutions[runbook] as string;
      const properties = machine?.Properties ?? {};
      expect(properties.StateMachineType).toBe("STANDARD");
      expect(properties.DefinitionSubstitutions).toEqual({
        [substitution]: { "Fn::GetAtt": [stepsId, "Arn"] },
      });
      const substitute = (text: string) =>
        JSON.parse(text.replaceAll(`\${${substitution}}`, stepsId)) as unknown;
      expect(substitute(properties.DefinitionString as string)).toEqual(
        substitute(JSON.stringify(workflowDefinitions[runbook])),
      );
      expect(properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(properties.LoggingConfiguration).toMatchObject({ Level: "ALL", IncludeExecutionData: true });

      const roleId = (properties.RoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const invokes = roleStatements(roleId).filter((s) =>
        list(s.Action).some((a) => a.startsWith("lambda:")),
      );
      expect(invokes).toHaveLength(1);
      expect(invokes[0]?.Action).toBe("lambda:InvokeFunction");
      for (const resource of list(invokes[0]?.Resource)) expect(JSON.stringify(resource)).toContain(stepsId);
    }
  });

  it("gives each steps function exactly its runbook's permissions, in this account and region only", () => {
    // The registry writes `*` for region and account; the stack names its own in every ARN.
    const scope = { partition: "{partition}", region, account: "{account}" };
    for (const runbook of RUNBOOK_NAMES) {
      const statements = roleStatements(
        functionRoleId(logicalId("AWS::Lambda::Function", `${pascalCase(runbook)}Steps`)),
      );
      const granted = statements.map(grantOf);
      const expected = runbooks[runbook].permissions.map((permission) => {
        const scoped = scopePermission(permission, scope);
        return {
          actions: [...scoped.actions],
          resources: [...scoped.resources],
          condition: scoped.condition,
        };
      });

      for (const permission of expected) expect(granted, runbook).toContainEqual(permission);
      const others = granted.filter((g) => !expected.some((p) => JSON.stringify(p) === JSON.stringify(g)));
      // Besides its runbook's, a steps function has what every function has, and the table.
      for (const other of others) {
        expect(
          other.actions.every((a) => /^(dynamodb|xray|ssm|kms|logs):/.test(a)),
          `${runbook}: ${other.actions.join(", ")}`,
        ).toBe(true);
      }
      for (const resource of granted.flatMap((g) => g.resources)) {
        if (!resource.startsWith("arn:")) continue;
        const [, partition, , arnRegion, account] = resource.split(":");
        expect(partition, resource).toBe("{partition}");
        expect(["", region], resource).toContain(arnRegion);
        expect(["", "{account}"], resource).toContain(account);
      }
      for (const action of granted.flatMap((g) => g.actions)) expect(action).not.toMatch(/(^|:)\*$/);
    }
  });

  it("grants no mutating action on `*` without a condition, in any identity policy of the stack", () => {
    const all = [...identityPolicies(resources()), ...identityPolicies(prodResources())];
    const checked = all.filter((policy) => exemptionOf(policy) === undefined);

    const violations = checked.flatMap(leastPrivilegeViolations);

    expect(violations).toEqual([]);
    // The walk covers every role of the stack: each function's, each state machine's, the Scheduler's.
    const roles = new Set(checked.flatMap((policy) => policy.roles));
    for (const name of [...FUNCTIONS.map((f) => `${f}Role`), "SchedulerRole", "EscalationSchedulerRole"]) {
      expect(
        [...roles].some((id) => id.startsWith(name)),
        name,
      ).toBe(true);
    }
    for (const runbook of RUNBOOK_NAMES) {
      expect(
        [...roles].some((id) => id.startsWith(`${pascalCase(runbook)}WorkflowRole`)),
        runbook,
      ).toBe(true);
    }
    expect(checked.flatMap((policy) => policy.statements).length).toBeGreaterThan(50);
  });

  it("exempts only the framework's own roles from the walk, each by name, and would catch a violation", () => {
    const exempted = identityPolicies(resources()).filter((policy) => exemptionOf(policy) !== undefined);
    for (const prefix of Object.keys(FRAMEWORK_EXEMPTIONS)) {
      expect(
        exempted.some((policy) => policy.id.startsWith(prefix)),
        `${prefix} no longer exists`,
      ).toBe(true);
    }
    for (const policy of exempted) {
      expect(FUNCTIONS.some((name) => policy.roles.some((role) => role.startsWith(name)))).toBe(false);
    }

    const broken: IdentityPolicy = {
      id: "Broken",
      roles: ["BrokenRole"],
      statements: [
        { Effect: "Allow", Action: ["ec2:DescribeVolumes", "ec2:CreateTags"], Resource: "*" },
        {
          Effect: "Allow",
          Action: "ec2:DeleteVolume",
          Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":s3:::*"]] },
        },
        { Effect: "Deny", Action: "ec2:DeleteSnapshot", Resource: "*" },
      ],
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    };
    expect(leastPrivilegeViolations(broken)).toEqual([
      "Broken: ec2:CreateTags on * without a condition",
      "Broken: ec2:DeleteVolume on arn:{partition}:s3:::* without a condition",
      "Broken: managed policy arn:aws:iam::aws:policy/AdministratorAccess",
    ]);
  });

  it("gives every function its own role: its own log group, tracing pinned to this region", () => {
    for (const name of FUNCTIONS) {
      const functionId = logicalId("AWS::Lambda::Function", name);
      const roleId = functionRoleId(functionId);
      const logGroupId = logicalId("AWS::Logs::LogGroup", `${name}Logs`);
      expect(resources()[functionId]?.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
      expect(resources()[roleId]?.Properties.ManagedPolicyArns ?? [], name).toEqual([]);

      const granted = roleStatements(roleId).map(grantOf);
      expect(granted).toContainEqual({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`<${logGroupId}.Arn>`],
        condition: undefined,
      });
      expect(granted).toContainEqual({
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"],
        condition: { StringEquals: { "aws:RequestedRegion": region } },
      });
      // No other grant lets it write logs (no AWSLambdaBasicExecutionRole, no `*` log groups).
      const writesLogs = granted.filter((g) =>
        g.actions.some((a) => a === "logs:PutLogEvents" || a === "logs:CreateLogStream"),
      );
      expect(writesLogs, name).toHaveLength(1);
    }
  });

  it("lets the routers start, stop and describe executions of the control plane's state machines only", () => {
    for (const router of ["Ingest", "BudgetAlert", "Schedule"]) {
      const statements = roleStatements(functionRoleId(logicalId("AWS::Lambda::Function", router)));
      const states = statements.filter((s) => list(s.Action).some((a) => a.startsWith("states:")));
      expect(new Set(states.flatMap((s) => list(s.Action)))).toEqual(
        new Set(["states:StartExecution", "states:StopExecution", "states:DescribeExecution"]),
      );
      for (const statement of states) expect(JSON.stringify(statement.Resource)).toMatch(/Workflow/);
      for (const action of statements.flatMap((s) => list(s.Action))) expect(action).not.toMatch(/(^|:)\*$/);
    }
  });

  it("has one rule per AWS-sourced pattern policy, with the policy's exact pattern, to ingest with a DLQ", () => {
    const expected = awsEventPolicies(policies);
    expect(expected.map(({ policy }) => policy.name)).toEqual([
      "rollback-on-error-alarms",
      "rollback-payments-webhook",
      "verify-dynamodb-backups",
    ]);
    dev.template.resourceCountIs("AWS::Events::Rule", expected.length);
    const ingestId = logicalId("AWS::Lambda::Function", "Ingest");
    for (const { policy } of expected) {
      dev.template.hasResourceProperties("AWS::Events::Rule", {
        EventPattern: policy.trigger.pattern,
        Targets: [
          Match.objectLike({
            Arn: { "Fn::GetAtt": [ingestId, "Arn"] },
            DeadLetterConfig: { Arn: Match.anyValue() },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          }),
        ],
      });
    }
  });

  it("has one schedule per scheduled policy, in its time zone, with the Scheduler input and a DLQ", () => {
    const expected = scheduledPolicies(policies);
    expect(expected.length).toBeGreaterThan(0);
    const schedules = Object.values(dev.template.findResources("AWS::Scheduler::Schedule")).filter(
      (s) => s.Properties.Name !== ESCALATION_SCHEDULE_NAME,
    );
    expect(schedules).toHaveLength(expected.length);
    for (const { policy } of expected) {
      const schedule = schedules.find((s) => s.Properties.Name === policy.name);
      expect(schedule?.Properties).toMatchObject({
        ScheduleExpression: policy.trigger.schedule.expression,
        ScheduleExpressionTimezone: policy.trigger.schedule.timezone,
        Target: {
          Arn: { "Fn::GetAtt": [logicalId("AWS::Lambda::Function", "Schedule"), "Arn"] },
          DeadLetterConfig: { Arn: expect.anything() },
        },
      });
      const input = substituteSchedulerContext(schedule?.Properties.Target.Input as string, {
        scheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/dev-architech/${policy.name}`,
        scheduledTime: "2026-03-02T02:00:00Z",
        executionId: "d32c5kddcf5bb8c3",
        attemptNumber: 1,
      });
      expect(SchedulerInputSchema.parse(JSON.parse(input))).toMatchObject({ policy: policy.name });
    }
  });

  it("lets AWS Budgets publish to an encrypted topic that feeds budget-alert", () => {
    dev.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
    dev.template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    dev.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      Endpoint: { "Fn::GetAtt": [logicalId("AWS::Lambda::Function", "BudgetAlert"), "Arn"] },
      RedrivePolicy: Match.anyValue(),
    });
  });

  it("alarms on parked deliveries, failed or timed-out runs, router and sweep errors and any throttle", () => {
    const alarms = Object.values(dev.template.findResources("AWS::CloudWatch::Alarm")).map(
      (alarm) => alarm.Properties as Record<string, unknown>,
    );
    const kind = (namespace: string, metric: string) =>
      alarms.filter((a) => a.Namespace === namespace && a.MetricName === metric);
    const dimension = (alarm: Record<string, unknown>) =>
      JSON.stringify((alarm.Dimensions as { Value: unknown }[])[0]?.Value);

    const queues = kind("AWS/SQS", "ApproximateNumberOfMessagesVisible");
    const deadLetterQueues = [
      "EventDeadLetters",
      "BudgetDeadLetters",
      "ScheduleDeadLetters",
      "OpsDeadLetters",
    ];
    expect(queues).toHaveLength(deadLetterQueues.length);
    for (const queue of deadLetterQueues) {
      const queueId = logicalId("AWS::SQS::Queue", queue);
      expect(
        queues.filter((a) => dimension(a).includes(queueId)),
        queue,
      ).toHaveLength(1);
    }
    expect(queues.every((a) => a.Statistic === "Maximum")).toBe(true);

    for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
      const machines = kind("AWS/States", metric);
      expect(machines).toHaveLength(RUNBOOK_NAMES.length);
      for (const runbook of RUNBOOK_NAMES) {
        const machineId = logicalId("AWS::StepFunctions::StateMachine", `${pascalCase(runbook)}Workflow`);
        expect(
          machines.filter((a) => dimension(a).includes(machineId)),
          `${metric} ${runbook}`,
        ).toHaveLength(1);
      }
    }

    const withErrors = [...ROUTERS, ESCALATION];
    const errors = kind("AWS/Lambda", "Errors");
    expect(errors).toHaveLength(withErrors.length);
    const throttles = kind("AWS/Lambda", "Throttles");
    expect(throttles).toHaveLength(FUNCTIONS.length);
    for (const name of FUNCTIONS) {
      const functionId = logicalId("AWS::Lambda::Function", name);
      const matching = (list: Record<string, unknown>[]) =>
        list.filter((a) => dimension(a).includes(functionId));
      expect(matching(throttles), name).toHaveLength(1);
      expect(matching(errors), name).toHaveLength(withErrors.includes(name) ? 1 : 0);
    }

    expect(alarms).toHaveLength(
      deadLetterQueues.length + 2 * RUNBOOK_NAMES.length + withErrors.length + FUNCTIONS.length,
    );
    const opsTopicId = logicalId("AWS::SNS::Topic", "OpsTopic");
    for (const alarm of alarms) {
      // Both ways, so that Slack hears of the recovery too.
      expect(alarm).toMatchObject({
        AlarmActions: [{ Ref: opsTopicId }],
        OKActions: [{ Ref: opsTopicId }],
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      });
    }
    for (const alarm of alarms.filter((a) => a.Namespace !== "AWS/SQS")) expect(alarm.Statistic).toBe("Sum");
  });

  it("sends the alarms to an encrypted, SSL-only Ops topic that CloudWatch may publish to", () => {
    const opsTopicId = logicalId("AWS::SNS::Topic", "OpsTopic");
    const opsKeyId = logicalId("AWS::KMS::Key", "OpsTopicKey");
    expect(resources()[opsTopicId]?.Properties.KmsMasterKeyId).toEqual({ "Fn::GetAtt": [opsKeyId, "Arn"] });
    dev.template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          }),
        ]),
      },
    });
    dev.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: opsTopicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
    dev.template.resourceCountIs("AWS::KMS::Key", 2);
  });

  it("outputs the table, the state machines and the budgets and ops topics", () => {
    const outputs = Object.keys(dev.template.findOutputs("*"));
    expect(outputs).toEqual(
      expect.arrayContaining([
        "TableName",
        "BudgetsTopicArn",
        "OpsTopicArn",
        "SlackCommandsUrl",
        "SlackInteractionsUrl",
        ...RUNBOOK_NAMES.map((r) => `${pascalCase(r)}StateMachineArn`),
      ]),
    );
  });

  it("serves Slack through unauthenticated Function URLs, the signing secret read from SSM only", () => {
    const expected = { SlackCommand: "SlackCommandsUrl", SlackInteraction: "SlackInteractionsUrl" };
    const urls = dev.template.findResources("AWS::Lambda::Url");
    expect(Object.keys(urls)).toHaveLength(2);
    for (const [name, output] of Object.entries(expected)) {
      const functionId = logicalId("AWS::Lambda::Function", name);
      const url = Object.entries(urls).find(
        ([, r]) =>
          JSON.stringify(r.Properties.TargetFunctionArn) ===
          JSON.stringify({ "Fn::GetAtt": [functionId, "Arn"] }),
      );
      expect(url?.[1].Properties.AuthType, name).toBe("NONE");
      expect(dev.template.findOutputs(output)[output]?.Value).toEqual({
        "Fn::GetAtt": [url?.[0], "FunctionUrl"],
      });
      const variables = resources()[functionId]?.Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(variables.Variables.SLACK_SIGNING_SECRET_PARAMETER).toBe("/dev/architech/slack-signing-secret");
      expect(JSON.stringify(variables.Variables)).not.toMatch(/SIGNING_SECRET"/);
      const statements = roleStatements(functionRoleId(functionId)).map(grantOf);
      const ssm = statements.filter((s) => s.actions.some((a) => a.startsWith("ssm:")));
      expect(ssm).toEqual([
        {
          actions: ["ssm:GetParameter"],
          resources: [
            `arn:{partition}:ssm:${region}:{account}:parameter${slackSigningSecretParameter("dev")}`,
            `arn:{partition}:ssm:${region}:{account}:parameter${slackBotTokenParameter("dev")}`,
          ],
          condition: undefined,
        },
      ]);
      const kms = statements.filter((s) => s.actions.some((a) => a.startsWith("kms:")));
      expect(kms).toEqual([
        {
          actions: ["kms:Decrypt"],
          resources: [`arn:{partition}:kms:${region}:{account}:key/*`],
          condition: { StringEquals: { "kms:ViaService": `ssm.${region}.amazonaws.com` } },
        },
      ]);
    }
    prod.template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          SLACK_SIGNING_SECRET_PARAMETER: "/prod/architech/slack-signing-secret",
        }),
      },
    });
  });

  it("lets both Slack functions answer the waiting tasks of the state machines only (buttons, approve|deny)", () => {
    const machineIds = RUNBOOK_NAMES.map((r) =>
      logicalId("AWS::StepFunctions::StateMachine", `${pascalCase(r)}Workflow`),
    );
    for (const name of SLACK_FUNCTIONS) {
      const statements = roleStatements(functionRoleId(logicalId("AWS::Lambda::Function", name)));
      const answers = statements.filter((s) => list(s.Action).some((a) => a.startsWith("states:SendTask")));
      expect(answers, name).toHaveLength(RUNBOOK_NAMES.length);
      for (const statement of answers) {
        expect(list(statement.Action).sort(), name).toEqual([
          "states:SendTaskFailure",
          "states:SendTaskSuccess",
        ]);
      }
      expect(answers.map((s) => s.Resource).sort(), name).toEqual(
        machineIds.map((id) => ({ Ref: id })).sort(),
      );
      const states = new Set(
        statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith("states:")),
      );
      expect(states, name).toEqual(
        new Set(
          name === "SlackCommand"
            ? [
                "states:StartExecution",
                "states:StopExecution",
                "states:DescribeExecution",
                "states:SendTaskSuccess",
                "states:SendTaskFailure",
              ]
            : ["states:SendTaskSuccess", "states:SendTaskFailure"],
        ),
      );
    }
  });

  it("lets the command function read and write runs, approvals, pauses and the kill switch", () => {
    const tableId = logicalId("AWS::DynamoDB::GlobalTable", "Table");
    for (const name of SLACK_FUNCTIONS) {
      const granted = roleStatements(functionRoleId(logicalId("AWS::Lambda::Function", name))).map(grantOf);
      const onTable = granted.filter((g) => g.resources.includes(`<${tableId}.Arn>`));
      expect(
        onTable.flatMap((g) => g.actions),
        name,
      ).toEqual(
        expect.arrayContaining([
          "dynamodb:GetItem",
          "dynamodb:Query",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
        ]),
      );
    }
  });

  it("lets the command function invoke itself, exactly, to run deferred commands, with time to route them", () => {
    const commandId = logicalId("AWS::Lambda::Function", "SlackCommand");
    const invokes = (roleId: string) =>
      roleStatements(roleId).filter((s) => list(s.Action).some((a) => a.startsWith("lambda:")));

    const own = invokes(functionRoleId(commandId));

    expect(own).toEqual([
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: { "Fn::GetAtt": [commandId, "Arn"] } },
    ]);
    // A policy of its own (not the role's default policy, which the function depends on): no cycle.
    const policyId = logicalId("AWS::IAM::Policy", "SlackCommandSelfInvoke");
    expect(resources()[policyId]?.Properties.Roles).toEqual([{ Ref: functionRoleId(commandId) }]);
    expect(JSON.stringify(resources()[commandId])).not.toContain(policyId);
    // Nobody else may send it a deferred command, which carries no signature.
    for (const name of FUNCTIONS.filter((f) => f !== "SlackCommand")) {
      const onCommand = invokes(functionRoleId(logicalId("AWS::Lambda::Function", name))).filter((s) =>
        JSON.stringify(s.Resource).includes(commandId),
      );
      expect(onCommand, name).toEqual([]);
    }
    expect(resources()[commandId]?.Properties.Timeout).toBe(30);
  });

  it("names the Slack bot token's SSM parameter to every function that posts to Slack, and lets it read it", () => {
    expect(slackBotTokenParameter("dev")).toBe("/dev/architech/slack-bot-token");
    const tokenArn = `arn:{partition}:ssm:${region}:{account}:parameter/dev/architech/slack-bot-token`;
    for (const name of FUNCTIONS) {
      const functionId = logicalId("AWS::Lambda::Function", name);
      const environment = resources()[functionId]?.Properties.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      const variables = environment?.Variables ?? {};
      expect(variables.SLACK_BOT_TOKEN_PARAMETER, name).toBe("/dev/architech/slack-bot-token");
      expect(JSON.stringify(variables), name).not.toMatch(/xox[a-z]-|BOT_TOKEN"/);

      const granted = roleStatements(functionRoleId(functionId)).map(grantOf);
      const reads = granted.filter((g) => g.actions.includes("ssm:GetParameter"));
      expect(reads, name).toHaveLength(1);
      expect(reads[0]?.actions, name).toEqual(["ssm:GetParameter"]);
      expect(reads[0]?.resources, name).toEqual(
        SLACK_FUNCTIONS.includes(name)
          ? [`arn:{partition}:ssm:${region}:{account}:parameter/dev/architech/slack-signing-secret`, tokenArn]
          : [tokenArn],
      );
      expect(granted, name).toContainEqual({
        actions: ["kms:Decrypt"],
        resources: [`arn:{partition}:kms:${region}:{account}:key/*`],
        condition: { StringEquals: { "kms:ViaService": `ssm.${region}.amazonaws.com` } },
      });
    }
    const prodFunctions = Object.values(prod.template.findResources("AWS::Lambda::Function")).filter(
      (fn) => !JSON.stringify(fn.Properties?.Role).includes("CustomResourceHandler"),
    );
    expect(prodFunctions).toHaveLength(FUNCTIONS.length);
    for (const fn of prodFunctions) {
      expect(fn.Properties.Environment.Variables.SLACK_BOT_TOKEN_PARAMETER).toBe(
        "/prod/architech/slack-bot-token",
      );
    }
  });

  it("posts the Ops topic's alarms to Slack through a function that reads only the table and the bot token", () => {
    const opsId = logicalId("AWS::Lambda::Function", OPS);
    const topicId = logicalId("AWS::SNS::Topic", "OpsTopic");
    const tableId = logicalId("AWS::DynamoDB::GlobalTable", "Table");
    expect(resources()[opsId]?.Properties.Handler).toBe("functions/ops/alarm-notice.handler");
    dev.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      TopicArn: { Ref: topicId },
      Endpoint: { "Fn::GetAtt": [opsId, "Arn"] },
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [logicalId("AWS::SQS::Queue", "OpsDeadLetters"), "Arn"] },
      },
    });
    dev.template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [opsId, "Arn"] },
      Principal: "sns.amazonaws.com",
      SourceArn: { Ref: topicId },
    });

    const own = Object.keys(environmentOf(OPS)).filter(
      (name) => !name.startsWith("SST_") && name !== "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
    );
    expect(own.sort()).toEqual(
      [
        "TABLE_NAME",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
        "SLACK_BOT_TOKEN_PARAMETER",
        "SLACK_DEFAULT_CHANNEL",
      ].sort(),
    );

    const granted = roleStatements(functionRoleId(opsId)).map(grantOf);
    const tableReads = [
      "dynamodb:BatchGetItem",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:Query",
      "dynamodb:GetItem",
      "dynamodb:Scan",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DescribeTable",
    ];
    expect(new Set(granted.flatMap((g) => g.actions))).toEqual(
      new Set([
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "ssm:GetParameter",
        "kms:Decrypt",
        ...tableReads,
      ]),
    );
    expect(granted.filter((g) => g.actions.some((a) => a.startsWith("dynamodb:")))).toEqual([
      {
        actions: tableReads,
        resources: [`<${tableId}.Arn>`, `<${tableId}.Arn>/index/*`],
        condition: undefined,
      },
    ]);
  });

  it("sweeps approval escalations every minute: a schedule in the group, a role of its own, a DLQ", () => {
    const sweepId = logicalId("AWS::Lambda::Function", ESCALATION);
    const roleId = logicalId("AWS::IAM::Role", "EscalationSchedulerRole");
    const deadLettersId = logicalId("AWS::SQS::Queue", "ScheduleDeadLetters");
    const schedule = Object.values(dev.template.findResources("AWS::Scheduler::Schedule")).find(
      (s) => s.Properties.Name === ESCALATION_SCHEDULE_NAME,
    );

    expect(schedule?.Properties).toEqual({
      Name: ESCALATION_SCHEDULE_NAME,
      Description: expect.any(String),
      GroupName: { Ref: logicalId("AWS::Scheduler::ScheduleGroup", "ScheduleGroup") },
      ScheduleExpression: "rate(1 minute)",
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: {
        Arn: { "Fn::GetAtt": [sweepId, "Arn"] },
        RoleArn: { "Fn::GetAtt": [roleId, "Arn"] },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [deadLettersId, "Arn"] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 300 },
      },
    });
    // The schedule must not fire before its role may invoke the sweep.
    expect(schedule?.DependsOn).toContain(roleId);
    expect(resources()[roleId]?.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: "sts:AssumeRole",
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ],
    });
    const roleGrants = roleStatements(roleId).map(grantOf);
    expect(roleGrants).toEqual([
      {
        actions: ["lambda:InvokeFunction"],
        resources: [`<${sweepId}.Arn>`, `<${sweepId}.Arn>:*`],
        condition: undefined,
      },
      {
        actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        resources: [`<${deadLettersId}.Arn>`],
        condition: undefined,
      },
    ]);

    const sweep = resources()[sweepId]?.Properties ?? {};
    expect(sweep.Handler).toBe("functions/events/escalate-approvals.handler");
    // A failed sweep is not retried: the next tick sweeps the same approvals a minute later.
    dev.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: sweepId },
      MaximumRetryAttempts: 0,
    });
    const granted = roleStatements(functionRoleId(sweepId)).map(grantOf);
    const actions = granted.flatMap((g) => g.actions);
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"]),
    );
    // It tells people; it starts, stops or invokes nothing.
    expect(actions.filter((a) => /^(states|lambda):/.test(a))).toEqual([]);
  });

  it("passes the cdk-nag AwsSolutions checks, every accepted finding suppressed with a reason", () => {
    expect(dev.nagErrors).toEqual([]);
    expect(prod.nagErrors).toEqual([]);
  });
});
