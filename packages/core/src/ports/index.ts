// Ports for what runbooks touch. `@architech/aws` implements them on the AWS SDK; `@architech/local`
// implements them over the sandbox account.
export type {
  AlarmDescription,
  AlarmState,
  CloudWatchPort,
  MetricDatapoint,
  MetricQuery,
} from "./cloudwatch.ts";
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
export type { Notification, Notifier } from "./notifier.ts";

import type { CloudWatchPort } from "./cloudwatch.ts";
import type { EcsPort } from "./ecs.ts";
import type { LambdaPort } from "./lambda.ts";
import type { Notifier } from "./notifier.ts";

/** Everything the rollback and rightsize runbooks act through. */
export interface AccountPorts {
  ecs: EcsPort;
  lambda: LambdaPort;
  cloudwatch: CloudWatchPort;
  notifier: Notifier;
}
