// The core ports on AWS SDK v3 clients: each adapter takes its client, created once by the caller.
export { AwsCloudWatchAdapter, type AwsCloudWatchAdapterOptions } from "./cloudwatch/cloudwatch-adapter.ts";
export { AwsEcsAdapter, type AwsEcsAdapterOptions } from "./ecs/ecs-adapter.ts";
export { isPortError, type PortError, type ToPortErrorOptions, toPortError } from "./errors.ts";
export { AwsLambdaAdapter, type AwsLambdaAdapterOptions } from "./lambda-functions/lambda-adapter.ts";
