// Ports for what runbooks touch. `@architech/aws` implements them on the AWS SDK; `@architech/local`
// implements them over the sandbox account.

export type { ApprovalResumer } from "./approval-resumer.ts";
export type { BackupPort, RecoveryPoint, RestoreJob, RestoreJobStatus } from "./backup.ts";
export type {
  AlarmDescription,
  AlarmState,
  CloudWatchPort,
  MetricDatapoint,
  MetricQuery,
} from "./cloudwatch.ts";
export type { DynamoDbTablesPort, TableDescription } from "./dynamodb-tables.ts";
export type { EbsSnapshot, EbsVolume, Ec2Port, ElasticIp } from "./ec2.ts";
export type { EcrImage, EcrPort, EcrRepository } from "./ecr.ts";
export type {
  EcsContainerSize,
  EcsDeployment,
  EcsPort,
  EcsServiceDescription,
  EcsTaskDefinition,
} from "./ecs.ts";
export { PortRequestError, ResourceNotFoundError, TransientPortError } from "./errors.ts";
export type {
  LambdaAliasDescription,
  LambdaFunctionConfiguration,
  LambdaPort,
  LambdaVersion,
} from "./lambda.ts";
export type { LogGroup, LogsPort } from "./logs.ts";
export type { Notification, Notifier, PlanChange, RunNotice, RunNoticeRef } from "./notifier.ts";
export type {
  SlackBlock,
  SlackMessage,
  SlackMessageRef,
  SlackPort,
  SlackPostInput,
  SlackResponseUrlMessage,
} from "./slack.ts";

import type { BackupPort } from "./backup.ts";
import type { CloudWatchPort } from "./cloudwatch.ts";
import type { DynamoDbTablesPort } from "./dynamodb-tables.ts";
import type { Ec2Port } from "./ec2.ts";
import type { EcrPort } from "./ecr.ts";
import type { EcsPort } from "./ecs.ts";
import type { LambdaPort } from "./lambda.ts";
import type { LogsPort } from "./logs.ts";
import type { Notifier } from "./notifier.ts";

/** Everything the rollback and rightsize runbooks act through. */
export interface AccountPorts {
  ecs: EcsPort;
  lambda: LambdaPort;
  cloudwatch: CloudWatchPort;
  notifier: Notifier;
  /** Cleanup and backup verification. Optional until every runtime provides them; steps that need one refuse clearly without it. */
  ecr?: EcrPort;
  ec2?: Ec2Port;
  logs?: LogsPort;
  backup?: BackupPort;
  dynamodb?: DynamoDbTablesPort;
}
