import type { IamPermission } from "@architech/core";
import { type NagPackSuppression, NagSuppressions } from "cdk-nag";
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

/**
 * A Lambda function: its own log group, tracing, its Slack parameters, table access, the router's
 * executions, and — for a steps function — its runbook's permissions, each remaining wildcard named with
 * the runbook's reasons.
 */
export function suppressFunctionFindings(
  fn: IConstruct & { readonly role?: IConstruct | undefined },
  runbook?: { name: string; permissions: readonly IamPermission[] },
): void {
  // The function's role is a sibling of the function (each function has its own), so both get them.
  NagSuppressions.addResourceSuppressions(
    fn.role === undefined ? [fn] : [fn, fn.role],
    [
      lambdaRuntime,
      {
        id: "AwsSolutions-IAM5",
        reason:
          "`*` is the only resource of APIs without resource-level permissions: X-Ray's PutTraceSegments and " +
          "PutTelemetryRecords (pinned to this region by aws:RequestedRegion), and the runbooks' read-only " +
          "Describe/List/Get calls and their few writes of that kind, each narrowed by a condition (see each " +
          "permission's `why`).",
        appliesTo: ["Resource::*"],
      },
      {
        id: "AwsSolutions-IAM5",
        reason:
          "The Slack parameters are SecureStrings under the account's AWS managed key aws/ssm, whose id is " +
          "not known at synth; kms:Decrypt is limited to use through SSM by the kms:ViaService condition.",
        appliesTo: [
          { regex: "/^Resource::arn:<AWS::Partition>:kms:[^:]+:(<AWS::AccountId>|\\d{12}):key\\/\\*$/" },
        ],
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
      ...(runbook === undefined ? [] : runbookWildcards(runbook.name, runbook.permissions)),
    ],
    true,
  );
}

/**
 * One IAM5 suppression per wildcard ARN pattern of a runbook's permissions, as the stack renders it (this
 * account, region and partition), with the reasons of every permission that uses it.
 */
export function runbookWildcards(name: string, permissions: readonly IamPermission[]): NagPackSuppression[] {
  const reasons = new Map<string, string[]>();
  for (const permission of permissions) {
    for (const resource of permission.resources) {
      if (resource === "*" || !resource.includes("*")) continue;
      const why = `${permission.why}${permission.condition === undefined ? "" : " (with a condition)"}`;
      reasons.set(resource, [...(reasons.get(resource) ?? []), why]);
    }
  }
  return [...reasons].map(([resource, whys]) => ({
    id: "AwsSolutions-IAM5",
    reason:
      `The ${name} runbook acts on targets that policies choose at run time, so its grant is narrowed to ` +
      `this account and region and to one resource type: ${whys.join("; ")}.`,
    appliesTo: [{ regex: `/^Resource::${renderedArnPattern(resource)}$/` }],
  }));
}

/**
 * A registry ARN as cdk-nag sees it once the stack has scoped it: the partition and, when they are tokens,
 * the account and region as `<AWS::…>` references, otherwise as literal values.
 */
function renderedArnPattern(arn: string): string {
  const [, partition = "", service = "", region = "", account = "", ...resource] = arn.split(":");
  const field = (value: string, token: string, literal: string) =>
    value === "*" ? `(<${token}>|${literal})` : escapeRegex(value);
  return [
    "arn",
    partition === "aws" ? "(<AWS::Partition>|aws[a-z-]*)" : escapeRegex(partition),
    escapeRegex(service),
    field(region, "AWS::Region", "[a-z0-9-]+"),
    field(account, "AWS::AccountId", "\\d{12}"),
    escapeRegex(resource.join(":")),
  ].join(":");
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
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
          "as resource; Step Functions needs them for logging ALL and tracing. Both grants are pinned to " +
          "this region by aws:RequestedRegion.",
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
