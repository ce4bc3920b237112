import { resolve } from "node:path";
import {
  compileEventPattern,
  type IamPermission,
  type LoadedPolicy,
  loadPolicyDirectory,
  loadSlackSettings,
  RUNBOOK_NAMES,
  type RunbookName,
  runbooks,
  type SlackSettings,
  scheduleTargetInput,
  scopePermission,
  stepFunctionSubstitutions,
  tableDefinition,
  workflowDefinitions,
} from "@architech/core";
import { Aws, Duration, RemovalPolicy, type Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambdaLib from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { type FunctionProps, Function as LambdaFunction, type StackContext } from "sst/constructs";
import {
  suppressDeadLetterQueueFindings,
  suppressFrameworkFindings,
  suppressFunctionFindings,
  suppressSchedulerRoleFindings,
  suppressStateMachineFindings,
} from "./nag-suppressions.ts";

/** The SSM SecureString parameter holding the Slack app's signing secret, by default, per stage. */
export function slackSigningSecretParameter(stage: string): string {
  return `/${stage}/architech/slack-signing-secret`;
}

/** The SSM SecureString parameter holding the Slack app's bot token (`xoxb-…`), per stage. */
export function slackBotTokenParameter(stage: string): string {
  return `/${stage}/architech/slack-bot-token`;
}

/** Where the policies live, relative to the project root (SST and the synth script run from there). */
export const POLICIES_DIR = "policies";

/**
 * The Slack settings (slash command, default channel, access rules), relative to the project root. The
 * Slack functions read them at cold start from the same path beside their code, the default of
 * `SLACK_SETTINGS_FILE`.
 */
export const SLACK_SETTINGS_FILE = "config/slack.yaml";

/** The EventBridge Scheduler schedule of the approval escalation sweep (no policy name has a dot). */
export const ESCALATION_SCHEDULE_NAME = "architech.escalate-approvals";

/**
 * How long the command function may run. A slash command is answered within Slack's 3 seconds (a runbook
 * command only acknowledged); the same function, invoked again asynchronously, then routes the command
 * (policies, guardrails, StartExecution) and answers through the response URL, which needs longer.
 */
const SLACK_COMMAND_TIMEOUT_SECONDS = 30;

/** Delivery retries before an event or a schedule tick is parked in a dead-letter queue. */
const DELIVERY_RETRIES = 8;
const DELIVERY_MAX_AGE = Duration.hours(2);

/** The period of every operational alarm: any occurrence within it raises the alarm. */
const ALARM_PERIOD = Duration.minutes(5);

/**
 * How long Scheduler keeps retrying an escalation tick it could not deliver: the next tick, a minute
 * later, sweeps the same approvals, so an old one is only worth parking in the dead-letter queue.
 */
const ESCALATION_TICK_MAX_AGE = Duration.minutes(5);

/**
 * The deployable control plane: the table, the router and step functions, one Standard state machine per
 * runbook, the EventBridge rules, Scheduler schedules and Budgets topic that feed the router, the Slack
 * functions and the approval escalation sweep. Everything it installs comes from `@architech/core` (table
 * definition, policies, Slack settings, workflows, runbook permissions). Operational alarms (parked
 * deliveries, failed or timed-out runs, router errors, throttles) notify the Ops topic, which posts them to
 * the default Slack channel.
 */
export function ControlPlane({ stack, app }: StackContext) {
  stack.tags.setTag("app", "architech");
  const isProd = app.stage === "prod";
  const removalPolicy = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  const retention = isProd ? logs.RetentionDays.SIX_MONTHS : logs.RetentionDays.ONE_MONTH;
  const policies = loadPolicies();
  const slackSettings = loadSlackSettingsOrFail();
  suppressFrameworkFindings(stack.customResourceHandler);
  // Region-wide APIs (X-Ray, vended log delivery, restore verdicts) take no resource: pin them to this region.
  const inThisRegion = { StringEquals: { "aws:RequestedRegion": stack.region } };
  const botTokenParameter = slackBotTokenParameter(app.stage);

  const table = new dynamodb.TableV2(stack, "Table", {
    partitionKey: keyAttribute(tableDefinition.partitionKey),
    sortKey: keyAttribute(tableDefinition.sortKey),
    globalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((gsi) => ({
      indexName: gsi.indexName,
      partitionKey: keyAttribute(gsi.partitionKey),
      sortKey: keyAttribute(gsi.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    })),
    billing: dynamodb.Billing.onDemand(),
    timeToLiveAttribute: tableDefinition.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    deletionProtection: isProd,
    removalPolicy,
  });

  // Every function gets its own role: it writes its own log group (not AWSLambdaBasicExecutionRole's logs
  // on `*`), traces in this region, reads the Slack parameters it is given, and what the stack grants it.
  // Every function may post to Slack (runs, approvals, reports, alarms): each is told the default channel.
  const functions = new Map<string, LambdaFunction>();
  const lambda = (
    id: string,
    handler: string,
    props: Partial<FunctionProps> = {},
    secureParameters: readonly string[] = [],
  ) => {
    const role = new iam.Role(stack, `${id}Role`, {
      description: `${id}: its own log group, tracing, its Slack parameters and the stack's grants`,
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    const logGroup = new logs.LogGroup(stack, `${id}Logs`, { retention, removalPolicy });
    logGroup.grantWrite(role);
    const fn = new LambdaFunction(stack, id, {
      handler,
      runtime: "nodejs22.x",
      architecture: "arm_64",
      memorySize: 512,
      timeout: 30,
      // Active tracing is switched on below, with an X-Ray grant pinned to this region instead of on `*`.
      tracing: "disabled",
      logGroup,
      role,
      // Minified (names kept: the workflows' Retry and Catch match error names), SDK clients tree-shaken.
      nodejs: { minify: true },
      ...props,
      environment: {
        TABLE_NAME: table.tableName,
        POWERTOOLS_SERVICE_NAME: "architech",
        POWERTOOLS_METRICS_NAMESPACE: "Architech",
        POWERTOOLS_LOG_LEVEL: isProd ? "INFO" : "DEBUG",
        SLACK_BOT_TOKEN_PARAMETER: botTokenParameter,
        ...(slackSettings.defaultChannel === undefined
          ? {}
          : { SLACK_DEFAULT_CHANNEL: slackSettings.defaultChannel }),
        ...props.environment,
      },
    });
    (fn.node.defaultChild as lambdaLib.CfnFunction).tracingConfig = { mode: "Active" };
    fn.attachPermissions([
      new iam.PolicyStatement({
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"],
        conditions: inThisRegion,
      }),
      ...secureParameterAccess(stack, [...secureParameters, botTokenParameter]),
    ]);
    functions.set(id, fn);
    return fn;
  };

  // One steps Lambda and one Standard state machine per runbook; the machine may invoke only its Lambda.
  const stepFunctions = new Map<RunbookName, LambdaFunction>();
  const stateMachines = new Map<RunbookName, sfn.StateMachine>();
  for (const runbook of RUNBOOK_NAMES) {
    const id = pascalCase(runbook);
    const steps = lambda(`${id}Steps`, `functions/steps/${runbook}.handler`, { timeout: 60 });
    // The registry is region- and account-agnostic; the deployed policy names only this account and region.
    steps.attachPermissions(
      runbooks[runbook].permissions.map((permission) =>
        permissionStatement(
          scopePermission(permission, {
            partition: stack.partition,
            region: stack.region,
            account: stack.account,
          }),
        ),
      ),
    );
    table.grantReadWriteData(steps);
    suppressFunctionFindings(steps, { name: runbook, permissions: runbooks[runbook].permissions });

    // Logging and tracing are set on the resource rather than through the L2 props, whose grants are on `*`
    // without a condition; the same grants are added below, pinned to this region.
    const stateMachine = new sfn.StateMachine(stack, `${id}Workflow`, {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(workflowDefinition(runbook))),
      definitionSubstitutions: { [stepFunctionSubstitution(runbook)]: steps.functionArn },
    });
    const workflowLogs = new logs.LogGroup(stack, `${id}WorkflowLogs`, { retention, removalPolicy });
    const cfnStateMachine = stateMachine.node.defaultChild as sfn.CfnStateMachine;
    cfnStateMachine.loggingConfiguration = {
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: workflowLogs.logGroupArn } }],
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    };
    cfnStateMachine.tracingConfiguration = { enabled: true };
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        resources: ["*"],
        conditions: inThisRegion,
      }),
    );
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
        ],
        resources: ["*"],
        conditions: inThisRegion,
      }),
    );
    steps.grantInvoke(stateMachine);
    suppressStateMachineFindings(stateMachine);
    stepFunctions.set(runbook, steps);
    stateMachines.set(runbook, stateMachine);
  }

  // The router: one Lambda per way in, each with the policies bundled beside its code and the account it
  // acts in (a chat command may name a resource by name only).
  const routerProps: Partial<FunctionProps> = {
    copyFiles: [{ from: POLICIES_DIR, to: "policies" }],
    environment: {
      ARCHITECH_ACCOUNT: Aws.ACCOUNT_ID,
      STATE_MACHINE_ARNS: stack.toJsonString(
        Object.fromEntries(
          [...stateMachines].map(([runbook, machine]) => [runbook, machine.stateMachineArn]),
        ),
      ),
    },
  };
  const ingest = lambda("Ingest", "functions/events/ingest.handler", routerProps);
  const budgetAlert = lambda("BudgetAlert", "functions/events/budget-alert.handler", routerProps);
  const schedule = lambda("Schedule", "functions/events/schedule.handler", routerProps);
  for (const router of [ingest, budgetAlert, schedule]) {
    table.grantReadWriteData(router);
    suppressFunctionFindings(router);
    for (const machine of stateMachines.values()) {
      machine.grantStartExecution(router);
      machine.grantExecution(router, "states:StopExecution", "states:DescribeExecution");
    }
  }

  // The approval escalation sweep: a router-like function (policies, table, Slack) that a schedule below
  // invokes every minute. It starts nothing, so it gets no state machine grant. A failed sweep is not
  // retried: the next tick sweeps the same approvals a minute later (its errors alarm).
  const escalateApprovals = lambda(
    "EscalateApprovals",
    "functions/events/escalate-approvals.handler",
    routerProps,
  );
  escalateApprovals.configureAsyncInvoke({ retryAttempts: 0 });
  table.grantReadWriteData(escalateApprovals);
  suppressFunctionFindings(escalateApprovals);

  // Slack → Lambda Function URLs. Slack signs every request and the handlers verify the signature with
  // the signing secret, read at cold start from an SSM SecureString parameter (never an environment
  // variable), so the URLs take no IAM auth. Every function may read the bot token the same way. The Slack
  // settings are bundled beside the code, where `SLACK_SETTINGS_FILE` looks by default: editing
  // config/slack.yaml takes a redeploy.
  const signingSecretParameter = slackSigningSecretParameter(app.stage);
  const slackProps: Partial<FunctionProps> = {
    ...routerProps,
    copyFiles: [...(routerProps.copyFiles ?? []), { from: SLACK_SETTINGS_FILE, to: SLACK_SETTINGS_FILE }],
    environment: { ...routerProps.environment, SLACK_SIGNING_SECRET_PARAMETER: signingSecretParameter },
  };
  const slackCommand = lambda(
    "SlackCommand",
    "functions/slack/command.handler",
    { ...slackProps, timeout: SLACK_COMMAND_TIMEOUT_SECONDS },
    [signingSecretParameter],
  );
  const slackInteraction = lambda("SlackInteraction", "functions/slack/interaction.handler", slackProps, [
    signingSecretParameter,
  ]);
  // Both read and write runs, approvals, pauses and the kill switch (`/architech pause all`).
  for (const fn of [slackCommand, slackInteraction]) {
    table.grantReadWriteData(fn);
    suppressFunctionFindings(fn);
  }
  for (const machine of stateMachines.values()) {
    machine.grantStartExecution(slackCommand);
    machine.grantExecution(slackCommand, "states:StopExecution", "states:DescribeExecution");
    // Approve / Deny: the buttons (interactions) and `/architech approve|deny` (commands) alike.
    for (const fn of [slackCommand, slackInteraction]) {
      machine.grant(fn, "states:SendTaskSuccess", "states:SendTaskFailure");
    }
  }
  // The command function hands a runbook command to itself, invoked asynchronously. In its role's
  // default policy, which the function depends on, its own ARN would make the function depend on itself:
  // the grant is a policy of its own, attached once the function exists.
  const slackCommandRole = slackCommand.role;
  if (slackCommandRole === undefined) throw new Error("the SlackCommand function has no role");
  new iam.Policy(stack, "SlackCommandSelfInvoke", {
    roles: [slackCommandRole],
    statements: [
      new iam.PolicyStatement({
        actions: ["lambda:InvokeFunction"],
        resources: [slackCommand.functionArn],
      }),
    ],
  });
  const slackCommandsUrl = slackCommand.addFunctionUrl({ authType: lambdaLib.FunctionUrlAuthType.NONE });
  const slackInteractionsUrl = slackInteraction.addFunctionUrl({
    authType: lambdaLib.FunctionUrlAuthType.NONE,
  });

  const deadLetterQueues = new Map<string, sqs.Queue>();
  const deadLetters = (id: string) => {
    const queue = new sqs.Queue(stack, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    suppressDeadLetterQueueFindings(queue);
    deadLetterQueues.set(id, queue);
    return queue;
  };

  // AWS events → EventBridge rules on the default bus, one per policy, with the policy's own pattern.
  const eventDeadLetters = deadLetters("EventDeadLetters");
  for (const { policy } of awsEventPolicies(policies)) {
    const rule = new events.Rule(stack, `${pascalCase(policy.name)}Rule`, {
      description: `${policy.name}: ${policy.description}`.slice(0, 512),
      // The L2 needs a pattern to validate; the override below replaces it with the policy's, verbatim.
      eventPattern: { source: ["aws.events"] },
      enabled: policy.enabled,
    });
    (rule.node.defaultChild as events.CfnRule).addPropertyOverride("EventPattern", policy.trigger.pattern);
    rule.addTarget(
      new targets.LambdaFunction(ingest, {
        deadLetterQueue: eventDeadLetters,
        retryAttempts: DELIVERY_RETRIES,
        maxEventAge: DELIVERY_MAX_AGE,
      }),
    );
  }

  // AWS Budgets → SNS → budget-alert. Budgets publishes to the topic only if its policy (and key) let it.
  const budgetsPrincipal = new iam.ServicePrincipal("budgets.amazonaws.com");
  const fromThisAccount = { StringEquals: { "aws:SourceAccount": stack.account } };
  const budgetsKey = new kms.Key(stack, "BudgetsTopicKey", {
    description: "Encrypts the AWS Budgets notifications topic",
    enableKeyRotation: true,
    removalPolicy,
  });
  budgetsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "AllowBudgetsToEncrypt",
      principals: [budgetsPrincipal],
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: ["*"],
      conditions: fromThisAccount,
    }),
  );
  const budgetsTopic = new sns.Topic(stack, "BudgetsTopic", {
    displayName: "Architech budget alerts",
    masterKey: budgetsKey,
    enforceSSL: true,
  });
  budgetsTopic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "AllowBudgetsToPublish",
      principals: [budgetsPrincipal],
      actions: ["sns:Publish"],
      resources: [budgetsTopic.topicArn],
      conditions: {
        ...fromThisAccount,
        ArnLike: { "aws:SourceArn": `arn:${stack.partition}:budgets::${stack.account}:*` },
      },
    }),
  );
  budgetsTopic.addSubscription(
    new subscriptions.LambdaSubscription(budgetAlert, { deadLetterQueue: deadLetters("BudgetDeadLetters") }),
  );

  // Scheduled policies → EventBridge Scheduler, one schedule per policy, in the policy's time zone.
  const scheduleDeadLetters = deadLetters("ScheduleDeadLetters");
  // A role per scheduled function: it may invoke only that function and park failed ticks.
  const schedulerRoleFor = (id: string, description: string, target: LambdaFunction) => {
    const role = new iam.Role(stack, id, {
      description,
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", { conditions: fromThisAccount }),
    });
    target.grantInvoke(role);
    scheduleDeadLetters.grantSendMessages(role);
    suppressSchedulerRoleFindings(role);
    return role;
  };
  const schedulerRole = schedulerRoleFor(
    "SchedulerRole",
    "EventBridge Scheduler invokes the schedule router",
    schedule,
  );
  const scheduleGroup = new scheduler.CfnScheduleGroup(stack, "ScheduleGroup", {
    name: `${app.stage}-${app.name}`.slice(0, 64),
  });
  for (const { policy } of scheduledPolicies(policies)) {
    const cfnSchedule = new scheduler.CfnSchedule(stack, `${pascalCase(policy.name)}Schedule`, {
      name: policy.name,
      groupName: scheduleGroup.ref,
      description: policy.description.slice(0, 512),
      scheduleExpression: policy.trigger.schedule.expression,
      scheduleExpressionTimezone: policy.trigger.schedule.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      state: policy.enabled ? "ENABLED" : "DISABLED",
      target: {
        arn: schedule.functionArn,
        roleArn: schedulerRole.roleArn,
        input: scheduleTargetInput({ schedule: policy.name, policy: policy.name }),
        deadLetterConfig: { arn: scheduleDeadLetters.queueArn },
        retryPolicy: {
          maximumRetryAttempts: DELIVERY_RETRIES,
          maximumEventAgeInSeconds: DELIVERY_MAX_AGE.toSeconds(),
        },
      },
    });
    // The schedules must not start before the role can invoke the router.
    cfnSchedule.node.addDependency(schedulerRole);
  }

  // The approval escalation sweep, every minute, with a role of its own that may invoke only its function.
  const escalationSchedulerRole = schedulerRoleFor(
    "EscalationSchedulerRole",
    "EventBridge Scheduler invokes the approval escalation sweep",
    escalateApprovals,
  );
  const escalationSchedule = new scheduler.CfnSchedule(stack, "EscalateApprovalsSchedule", {
    name: ESCALATION_SCHEDULE_NAME,
    groupName: scheduleGroup.ref,
    description: "Approvals pending past their policy's escalateAfter mention its on-call, once",
    scheduleExpression: "rate(1 minute)",
    flexibleTimeWindow: { mode: "OFF" },
    state: "ENABLED",
    target: {
      arn: escalateApprovals.functionArn,
      roleArn: escalationSchedulerRole.roleArn,
      deadLetterConfig: { arn: scheduleDeadLetters.queueArn },
      retryPolicy: {
        maximumRetryAttempts: DELIVERY_RETRIES,
        maximumEventAgeInSeconds: ESCALATION_TICK_MAX_AGE.toSeconds(),
      },
    },
  });
  escalationSchedule.node.addDependency(escalationSchedulerRole);

  // Operational alarms → the Ops topic (encrypted; CloudWatch may publish to it and use its key).
  const cloudwatchPrincipal = new iam.ServicePrincipal("cloudwatch.amazonaws.com");
  const opsKey = new kms.Key(stack, "OpsTopicKey", {
    description: "Encrypts the operational alarms topic",
    enableKeyRotation: true,
    removalPolicy,
  });
  opsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "AllowCloudWatchToEncrypt",
      principals: [cloudwatchPrincipal],
      actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
      resources: ["*"],
      conditions: fromThisAccount,
    }),
  );
  const opsTopic = new sns.Topic(stack, "OpsTopic", {
    displayName: "Architech operational alarms",
    masterKey: opsKey,
    enforceSSL: true,
  });
  opsTopic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "AllowCloudWatchAlarmsToPublish",
      principals: [cloudwatchPrincipal],
      actions: ["sns:Publish"],
      resources: [opsTopic.topicArn],
      conditions: {
        ...fromThisAccount,
        ArnLike: {
          "aws:SourceArn": `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
        },
      },
    }),
  );
  // The Ops topic → the default Slack channel. The function reads only the table (Slack thread store)
  // and the bot token.
  const opsAlarmNotice = lambda("OpsAlarmNotice", "functions/ops/alarm-notice.handler");
  table.grantReadData(opsAlarmNotice);
  suppressFunctionFindings(opsAlarmNotice);
  opsTopic.addSubscription(
    new subscriptions.LambdaSubscription(opsAlarmNotice, { deadLetterQueue: deadLetters("OpsDeadLetters") }),
  );

  // Both ways: an alarm firing, and its recovery, are posted.
  const opsAction = new cloudwatchActions.SnsAction(opsTopic);
  const alarm = (id: string, description: string, metric: cloudwatch.IMetric) => {
    const created = new cloudwatch.Alarm(stack, id, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(opsAction);
    created.addOkAction(opsAction);
    return created;
  };
  for (const [id, queue] of deadLetterQueues) {
    alarm(
      `${id}Alarm`,
      `${id}: deliveries parked in the dead-letter queue`,
      queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: "Maximum" }),
    );
  }
  for (const [runbook, machine] of stateMachines) {
    const id = pascalCase(runbook);
    alarm(
      `${id}WorkflowFailedAlarm`,
      `${runbook}: executions failed`,
      machine.metricFailed({ period: ALARM_PERIOD }),
    );
    alarm(
      `${id}WorkflowTimedOutAlarm`,
      `${runbook}: executions timed out`,
      machine.metricTimedOut({ period: ALARM_PERIOD }),
    );
  }
  for (const [id, router] of [
    ["Ingest", ingest],
    ["BudgetAlert", budgetAlert],
    ["Schedule", schedule],
  ] as const) {
    alarm(
      `${id}ErrorsAlarm`,
      `${id}: router invocations failed`,
      router.metricErrors({ period: ALARM_PERIOD }),
    );
  }
  alarm(
    "EscalateApprovalsErrorsAlarm",
    "EscalateApprovals: approval escalation sweeps failed",
    escalateApprovals.metricErrors({ period: ALARM_PERIOD }),
  );
  for (const [id, fn] of functions) {
    alarm(
      `${id}ThrottlesAlarm`,
      `${id}: invocations throttled`,
      fn.metricThrottles({ period: ALARM_PERIOD }),
    );
  }

  stack.addOutputs({
    TableName: table.tableName,
    BudgetsTopicArn: budgetsTopic.topicArn,
    OpsTopicArn: opsTopic.topicArn,
    SlackCommandsUrl: slackCommandsUrl.url,
    SlackInteractionsUrl: slackInteractionsUrl.url,
    ...Object.fromEntries(
      [...stateMachines].map(([runbook, machine]) => [
        `${pascalCase(runbook)}StateMachineArn`,
        machine.stateMachineArn,
      ]),
    ),
  });

  return {
    table,
    stateMachines,
    stepFunctions,
    budgetsTopic,
    opsTopic,
    ingest,
    budgetAlert,
    schedule,
    escalateApprovals,
    slackCommand,
    slackInteraction,
    opsAlarmNotice,
    slackSettings,
  };
}

/** The policies, loaded and validated as the router loads them; any problem fails the synth. */
function loadPolicies(): LoadedPolicy[] {
  const { policies, problems } = loadPolicyDirectory(resolve(POLICIES_DIR), process.cwd());
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`);
    throw new Error(`invalid policies:\n${lines.join("\n")}`);
  }
  return policies;
}

/**
 * The Slack settings, loaded and validated as the Slack functions load them; any problem fails the synth,
 * listing every one as `file:line:column path: message`.
 *
 * @example
 * loadSlackSettingsOrFail().defaultChannel; // "#ops"
 */
export function loadSlackSettingsOrFail(file: string = SLACK_SETTINGS_FILE): SlackSettings {
  try {
    return loadSlackSettings(file);
  } catch (cause) {
    throw new Error(`invalid Slack settings:\n${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

type PatternPolicy = LoadedPolicy & { policy: { trigger: { pattern: Record<string, unknown> } } };
type ScheduledPolicy = LoadedPolicy & {
  policy: { trigger: { schedule: { expression: string; timezone: string } } };
};

/**
 * The policies whose pattern matches AWS service events (every `source` is an `aws.*` name): those need an
 * EventBridge rule. Patterns on Architech's own sources (e.g. `architech.budgets`) are matched by the router
 * on the signals it derives itself. Each pattern is compiled here, so an invalid one fails the synth.
 */
export function awsEventPolicies(policies: readonly LoadedPolicy[]): PatternPolicy[] {
  return policies.filter((loaded): loaded is PatternPolicy => {
    const trigger = loaded.policy.trigger;
    if (!("pattern" in trigger)) return false;
    compileEventPattern(trigger.pattern);
    const sources = trigger.pattern.source;
    return (
      Array.isArray(sources) &&
      sources.length > 0 &&
      sources.every((source) => typeof source === "string" && source.startsWith("aws."))
    );
  });
}

/** The policies triggered by a schedule: each gets an EventBridge Scheduler schedule. */
export function scheduledPolicies(policies: readonly LoadedPolicy[]): ScheduledPolicy[] {
  return policies.filter((loaded): loaded is ScheduledPolicy => "schedule" in loaded.policy.trigger);
}

/**
 * Reading SSM SecureString parameters: `ssm:GetParameter` on exactly these parameters of this account and
 * region, and `kms:Decrypt` of the account's keys only through SSM (the AWS managed key aws/ssm, whose id
 * is not known at synth).
 */
function secureParameterAccess(stack: Stack, names: readonly string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ["ssm:GetParameter"],
      resources: names.map(
        (name) => `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${name}`,
      ),
    }),
    new iam.PolicyStatement({
      actions: ["kms:Decrypt"],
      resources: [`arn:${stack.partition}:kms:${stack.region}:${stack.account}:key/*`],
      conditions: { StringEquals: { "kms:ViaService": `ssm.${stack.region}.amazonaws.com` } },
    }),
  ];
}

function permissionStatement(permission: IamPermission): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.ALLOW,
    actions: [...permission.actions],
    resources: [...permission.resources],
    ...(permission.condition === undefined ? {} : { conditions: permission.condition }),
  });
}

function workflowDefinition(runbook: RunbookName): Readonly<Record<string, unknown>> {
  const definition = workflowDefinitions[runbook];
  if (definition === undefined) throw new Error(`runbook ${runbook} has no workflow definition`);
  return definition;
}

function stepFunctionSubstitution(runbook: RunbookName): string {
  const substitution = stepFunctionSubstitutions[runbook];
  if (substitution === undefined) throw new Error(`runbook ${runbook} has no step function substitution`);
  return substitution;
}

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

function keyAttribute(name: string): dynamodb.Attribute {
  const attribute = tableDefinition.attributes.find((a) => a.name === name);
  if (attribute === undefined) throw new Error(`table key ${name} is not among the table's attributes`);
  return { name, type: ATTRIBUTE_TYPES[attribute.type] };
}

/** `verify-backup` → `VerifyBackup`: construct ids and output names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
