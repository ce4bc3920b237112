import { NagSuppressions } from "cdk-nag";
import type { IConstruct } from "constructs";

/**
 * The cdk-nag `AwsSolutions` findings the control plane accepts, each narrowed to the exact wildcard or
 * managed policy it is about and with the reason a reviewer needs. Anything else fails `npm run synth`
 * and the stack tests.
 */

const BASIC_EXECUTION_ROLE =
  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

const lambdaRuntime = {
  id: "AwsSolutions-L1",
  reason:
    "Node.js 22 is the runtime the project targets and tests on (@middy/core 7, Powertools 2, the embedded " +
    "runtime); it moves to a newer one together with the toolchain, not ahead of it.",
};

const basicExecutionRole = {
  id: "AwsSolutions-IAM4",
  reason:
    "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs " +
    "(logs:CreateLogGroup, CreateLogStream, PutLogEvents).",
  appliesTo: [BASIC_EXECUTION_ROLE],
};

const functionVersions = {
  id: "AwsSolutions-IAM5",
  reason: "`<function ARN>:*` covers the versions and aliases of that one function, nothing else.",
  appliesTo: [{ regex: "/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g" }],
};

/** A Lambda function: tracing, table access, the router's executions, and its runbook's permissions. */
export function suppressFunctionFindings(fn: IConstruct, runbookResources: readonly string[] = []): void {
  const patterns = [...new Set(runbookResources.filter((r) => r !== "*" && r.includes("*")))];
  NagSuppressions.addResourceSuppressions(
    fn,
    [
      lambdaRuntime,
      basicExecutionRole,
      {
        id: "AwsSolutions-IAM5",
        reason:
          "`*` is the only resource X-Ray's PutTraceSegments/PutTelemetryRecords accept (active tracing), " +
          "and the runbook registry grants `*` only to APIs without resource-level permissions (each " +
          "permission says why, some narrowed by a condition).",
        appliesTo: ["Resource::*"],
      },
      {
        id: "AwsSolutions-IAM5",
        reason: "`<table ARN>/index/*` is the control plane's own table's global secondary indexes.",
        appliesTo: [{ regex: "/^Resource::<Table[A-Za-z0-9]+\\.Arn>\\/index\\/\\*$/g" }],
      },
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Stop/DescribeExecution act on execution ARNs, whose names the router derives per event; the " +
          "wildcard is limited to the executions of the control plane's own state machines.",
        appliesTo: [
          { regex: "/^Resource::arn:<AWS::Partition>:states:[^:]+:<AWS::AccountId>:execution:.*$/g" },
        ],
      },
      ...(patterns.length === 0
        ? []
        : [
            {
              id: "AwsSolutions-IAM5",
              reason:
                "The runbook acts on targets that policies choose at run time; the registry narrows each " +
                "grant to one service and resource type (see each permission's `why`).",
              appliesTo: patterns.map((resource) => `Resource::${resource}`),
            },
          ]),
    ],
    true,
  );
}

/** A state machine: it invokes its steps function (versions included), logs and traces. */
export function suppressStateMachineFindings(stateMachine: IConstruct): void {
  NagSuppressions.addResourceSuppressions(
    stateMachine,
    [
      functionVersions,
      {
        id: "AwsSolutions-IAM5",
        reason:
          "CloudWatch Logs vended delivery (logs:CreateLogDelivery, …) and X-Ray tracing accept only `*` " +
          "as resource; Step Functions needs them for logging ALL and tracing.",
        appliesTo: ["Resource::*"],
      },
    ],
    true,
  );
}

/** The role EventBridge Scheduler assumes to invoke the schedule router. */
export function suppressSchedulerRoleFindings(role: IConstruct): void {
  NagSuppressions.addResourceSuppressions(role, [functionVersions], true);
}

/** A queue that is itself a dead-letter queue (of EventBridge, SNS or Scheduler targets). */
export function suppressDeadLetterQueueFindings(queue: IConstruct): void {
  NagSuppressions.addResourceSuppressions(queue, [
    {
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is the dead-letter queue of EventBridge, SNS or Scheduler targets (their own DLQ " +
        "settings, which cdk-nag does not see); a DLQ of a DLQ would only move the problem.",
    },
  ]);
}

/** The custom-resource function SST adds to every stack (stack metadata, binding parameters). */
export function suppressFrameworkFindings(customResourceHandler: IConstruct): void {
  NagSuppressions.addResourceSuppressions(
    customResourceHandler,
    [
      {
        ...lambdaRuntime,
        reason: "SST creates and versions this deployment-time function itself; it runs only during deploys.",
      },
      basicExecutionRole,
    ],
    true,
  );
}
