// The core ports on AWS SDK v3 clients: each adapter takes its client, created once by the caller.

export { AwsBackupAdapter, type AwsBackupAdapterOptions } from "./backup/backup-adapter.ts";
export { AwsCloudWatchAdapter, type AwsCloudWatchAdapterOptions } from "./cloudwatch/cloudwatch-adapter.ts";
export {
  AwsDynamoDbTablesAdapter,
  type AwsDynamoDbTablesAdapterOptions,
} from "./dynamodb-tables/dynamodb-tables-adapter.ts";
export { AwsEc2Adapter, type AwsEc2AdapterOptions } from "./ec2/ec2-adapter.ts";
export { AwsEcrAdapter, type AwsEcrAdapterOptions } from "./ecr/ecr-adapter.ts";
export { AwsEcsAdapter, type AwsEcsAdapterOptions } from "./ecs/ecs-adapter.ts";
export { isPortError, type PortError, type ToPortErrorOptions, toPortError } from "./errors.ts";
export { AwsLambdaAdapter, type AwsLambdaAdapterOptions } from "./lambda-functions/lambda-adapter.ts";
export { AwsLogsAdapter, type AwsLogsAdapterOptions } from "./logs/logs-adapter.ts";
