import type { AccountPorts } from "@architech/core";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { BackupClient } from "@aws-sdk/client-backup";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { AwsBackupAdapter } from "../backup/backup-adapter.ts";
import { AwsCloudWatchAdapter } from "../cloudwatch/cloudwatch-adapter.ts";
import { AwsDynamoDbTablesAdapter } from "../dynamodb-tables/dynamodb-tables-adapter.ts";
import { AwsEc2Adapter } from "../ec2/ec2-adapter.ts";
import { AwsEcrAdapter } from "../ecr/ecr-adapter.ts";
import { AwsEcsAdapter } from "../ecs/ecs-adapter.ts";
import { AwsLambdaAdapter } from "../lambda-functions/lambda-adapter.ts";
import { AwsLogsAdapter } from "../logs/logs-adapter.ts";

/** The clients a steps function may be given instead of the defaults (tests inject them). */
export interface StepClients {
  readonly ecs?: ECSClient;
  readonly lambda?: LambdaClient;
  readonly cloudwatch?: CloudWatchClient;
  readonly ecr?: ECRClient;
  readonly ec2?: EC2Client;
  readonly logs?: CloudWatchLogsClient;
  readonly backup?: BackupClient;
}

/** What a ports builder builds from: the injected clients, the tracer, the function's DynamoDB client. */
export interface StepPortsContext {
  readonly clients: StepClients;
  readonly tracer: Tracer;
  readonly dynamodb: DynamoDBClient;
}

/** The account ports of one runbook's steps function, the notifier aside (the runtime adds it). */
export type StepPorts = Omit<AccountPorts, "notifier">;

/**
 * Builds the ports a runbook's steps act through. One builder per runbook, each naming only the AWS
 * services its runbook calls, so that a steps function's bundle carries only those SDK clients (the
 * SDK is side-effect free: what a function does not reference is left out).
 */
export type StepPortsBuilder = (context: StepPortsContext) => StepPorts;

const traced = <C extends object>(context: StepPortsContext, client: C): C =>
  context.tracer.captureAWSv3Client(client);

const ecs = (c: StepPortsContext) =>
  new AwsEcsAdapter({ client: c.clients.ecs ?? traced(c, new ECSClient({})) });
const lambda = (c: StepPortsContext) =>
  new AwsLambdaAdapter({ client: c.clients.lambda ?? traced(c, new LambdaClient({})) });
const cloudwatch = (c: StepPortsContext) =>
  new AwsCloudWatchAdapter({ client: c.clients.cloudwatch ?? traced(c, new CloudWatchClient({})) });
const ecr = (c: StepPortsContext) =>
  new AwsEcrAdapter({ client: c.clients.ecr ?? traced(c, new ECRClient({})) });
const ec2 = (c: StepPortsContext) =>
  new AwsEc2Adapter({ client: c.clients.ec2 ?? traced(c, new EC2Client({})) });
const logs = (c: StepPortsContext) =>
  new AwsLogsAdapter({ client: c.clients.logs ?? traced(c, new CloudWatchLogsClient({})) });
const backup = (c: StepPortsContext) =>
  new AwsBackupAdapter({ client: c.clients.backup ?? traced(c, new BackupClient({})) });
// The tables that backup verification restores are read with the function's own DynamoDB client.
const tables = (c: StepPortsContext) => new AwsDynamoDbTablesAdapter({ client: c.dynamodb });

/** Rollback: ECS services, Lambda aliases, CloudWatch alarms. */
export const rollbackStepPorts: StepPortsBuilder = (c) => ({
  ecs: ecs(c),
  lambda: lambda(c),
  cloudwatch: cloudwatch(c),
});

/** Rightsize: the same services as rollback (sizes instead of releases, metrics instead of alarms). */
export const rightsizeStepPorts: StepPortsBuilder = rollbackStepPorts;

/** Cleanup: ECR, EC2, CloudWatch Logs and AWS Backup, and ECS for the images services still run. */
export const cleanupStepPorts: StepPortsBuilder = (c) => ({
  ...rollbackStepPorts(c),
  ecr: ecr(c),
  ec2: ec2(c),
  logs: logs(c),
  backup: backup(c),
});

/** Backup verification: AWS Backup, the restored DynamoDB tables and EBS volumes. */
export const verifyBackupStepPorts: StepPortsBuilder = (c) => ({
  ...rollbackStepPorts(c),
  backup: backup(c),
  dynamodb: tables(c),
  ec2: ec2(c),
});

/** Every port: for hosting all runbooks' steps in one process (tests, tools). */
export const allStepPorts: StepPortsBuilder = (c) => ({
  ...cleanupStepPorts(c),
  dynamodb: tables(c),
});
