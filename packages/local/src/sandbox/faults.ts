import { ArchitechError, PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";

/** Every port call the sandbox serves, with the IAM action AWS would authorise it under (for Slack, the API method). */
const OPERATION_IAM_ACTIONS = {
  "ecs.describeService": "ecs:DescribeServices",
  "ecs.describeTaskDefinition": "ecs:DescribeTaskDefinition",
  "ecs.updateServiceTaskDefinition": "ecs:UpdateService",
  "ecs.registerResizedTaskDefinition": "ecs:RegisterTaskDefinition",
  "ecs.listServices": "ecs:ListServices",
  "lambda.getAlias": "lambda:GetAlias",
  "lambda.updateAlias": "lambda:UpdateAlias",
  "lambda.listVersions": "lambda:ListVersionsByFunction",
  "lambda.getFunctionConfiguration": "lambda:GetFunctionConfiguration",
  "lambda.updateFunctionMemory": "lambda:UpdateFunctionConfiguration",
  "lambda.listFunctions": "lambda:ListFunctions",
  "cloudwatch.describeAlarm": "cloudwatch:DescribeAlarms",
  "cloudwatch.listAlarmsForDimensions": "cloudwatch:DescribeAlarms",
  "cloudwatch.getMetricStatistics": "cloudwatch:GetMetricStatistics",
  "slack.postMessage": "chat:PostMessage",
  "slack.updateMessage": "chat:Update",
  "slack.deleteMessage": "chat:Delete",
  "slack.postEphemeral": "chat:PostEphemeral",
  "slack.respond": "response_url:POST",
  "slack.userGroupMembers": "usergroups:List",
  "ecr.listRepositories": "ecr:DescribeRepositories",
  "ecr.listImages": "ecr:DescribeImages",
  "ecr.deleteImages": "ecr:BatchDeleteImage",
  "ec2.listVolumes": "ec2:DescribeVolumes",
  "ec2.listSnapshots": "ec2:DescribeSnapshots",
  "ec2.listSnapshotIdsUsedByImages": "ec2:DescribeImages",
  "ec2.listAddresses": "ec2:DescribeAddresses",
  "ec2.createTags": "ec2:CreateTags",
  "ec2.deleteTags": "ec2:DeleteTags",
  "ec2.createSnapshot": "ec2:CreateSnapshot",
  "ec2.describeVolume": "ec2:DescribeVolumes",
  "ec2.deleteVolume": "ec2:DeleteVolume",
  "ec2.deleteSnapshot": "ec2:DeleteSnapshot",
  "ec2.releaseAddress": "ec2:ReleaseAddress",
  "logs.listLogGroups": "logs:DescribeLogGroups",
  "logs.putRetentionPolicy": "logs:PutRetentionPolicy",
  "backup.listRecoveryPoints": "backup:ListRecoveryPointsByResource",
  "backup.listAllRecoveryPointArns": "backup:ListRecoveryPointsByBackupVault",
  "backup.getRestoreMetadata": "backup:GetRecoveryPointRestoreMetadata",
  "backup.startRestoreJob": "backup:StartRestoreJob",
  "backup.describeRestoreJob": "backup:DescribeRestoreJob",
  "backup.putRestoreValidationResult": "backup:PutRestoreValidationResult",
  "dynamodb.describeTable": "dynamodb:DescribeTable",
  "dynamodb.sampleItems": "dynamodb:Scan",
  "dynamodb.deleteTable": "dynamodb:DeleteTable",
} as const;

export type SandboxOperation = keyof typeof OPERATION_IAM_ACTIONS;
export const SANDBOX_OPERATIONS = Object.keys(OPERATION_IAM_ACTIONS) as readonly SandboxOperation[];

/** What a fault makes the call throw, as the AWS adapters map the provider's errors. */
export type FaultKind = "throttle" | "timeout" | "access-denied" | "not-found";
const FAULT_KINDS: readonly FaultKind[] = ["throttle", "timeout", "access-denied", "not-found"];

const PORT_WILDCARDS = [
  "ecs.*",
  "lambda.*",
  "cloudwatch.*",
  "slack.*",
  "ecr.*",
  "ec2.*",
  "logs.*",
  "backup.*",
  "dynamodb.*",
] as const;

export type FaultOperation = SandboxOperation | (typeof PORT_WILDCARDS)[number] | "*";

export interface SandboxFault {
  /** One operation, every operation of a port (`ecs.*`), or every call (`*`). */
  operation: FaultOperation;
  error: FaultKind;
  /** How many matching calls fail; default 1, `Infinity` until {@link FaultPlan.clear}. */
  times?: number;
  /** Only calls on this target, e.g. `ecs-service:prod/checkout-api` or `lambda-alias:fn:live`. */
  target?: string;
}

export interface PendingFault {
  readonly operation: FaultOperation;
  readonly error: FaultKind;
  readonly remaining: number;
  readonly target?: string | undefined;
}

/** Faults waiting for their calls, consumed in the order they were injected. */
export class FaultPlan {
  #pending: {
    operation: FaultOperation;
    error: FaultKind;
    remaining: number;
    target?: string | undefined;
  }[] = [];

  /** Adds a fault; an unknown operation or error kind fails with the valid ones. */
  inject(fault: SandboxFault): void {
    const known: readonly string[] = [...SANDBOX_OPERATIONS, ...PORT_WILDCARDS, "*"];
    if (!known.includes(fault.operation)) {
      throw new ArchitechError(
        "InvalidFault",
        `unknown operation "${fault.operation}"; valid: ${known.join(", ")}`,
      );
    }
    if (!FAULT_KINDS.includes(fault.error)) {
      throw new ArchitechError(
        "InvalidFault",
        `unknown error "${fault.error}"; valid: ${FAULT_KINDS.join(", ")}`,
      );
    }
    const times = fault.times ?? 1;
    if (!(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new ArchitechError("InvalidFault", `times must be a whole number of at least 1, or Infinity`);
    }
    this.#pending.push({
      operation: fault.operation,
      error: fault.error,
      remaining: times,
      target: fault.target,
    });
  }

  clear(): void {
    this.#pending = [];
  }

  pending(): PendingFault[] {
    return this.#pending.map((fault) => ({ ...fault }));
  }

  /**
   * Consumes the first fault matching the call and returns the error to throw, or undefined when the call
   * should go through.
   */
  take(operation: SandboxOperation, target: string, resource: string): Error | undefined {
    const index = this.#pending.findIndex(
      (fault) =>
        (fault.operation === "*" ||
          fault.operation === operation ||
          (fault.operation.endsWith(".*") && operation.startsWith(fault.operation.slice(0, -1)))) &&
        (fault.target === undefined || fault.target === target),
    );
    const fault = this.#pending[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending.splice(index, 1);
    return faultError(fault.error, operation, resource);
  }
}

function faultError(kind: FaultKind, operation: SandboxOperation, resource: string): Error {
  switch (kind) {
    case "throttle":
      return new TransientPortError(`ThrottlingException: Rate exceeded (${operation})`);
    case "timeout":
      return new TransientPortError(`TimeoutError: ${operation} did not answer in time`);
    case "access-denied":
      return new PortRequestError(
        `AccessDeniedException: the role is not authorized to perform ${OPERATION_IAM_ACTIONS[operation]} on ${resource}`,
      );
    case "not-found":
      return new ResourceNotFoundError(resource);
  }
}
