import { type Clock, type RunbookName, runStep, type SlackPort, type StepContext } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { BackupClient } from "@aws-sdk/client-backup";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SSMClient } from "@aws-sdk/client-ssm";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { AwsBackupAdapter } from "../backup/backup-adapter.ts";
import { AwsCloudWatchAdapter } from "../cloudwatch/cloudwatch-adapter.ts";
import { createDynamoStore } from "../dynamodb/dynamo-store.ts";
import { AwsDynamoDbTablesAdapter } from "../dynamodb-tables/dynamodb-tables-adapter.ts";
import { AwsEc2Adapter } from "../ec2/ec2-adapter.ts";
import { AwsEcrAdapter } from "../ecr/ecr-adapter.ts";
import { AwsEcsAdapter } from "../ecs/ecs-adapter.ts";
import { AwsLambdaAdapter } from "../lambda-functions/lambda-adapter.ts";
import { AwsLogsAdapter } from "../logs/logs-adapter.ts";
import { readStepsConfig, type StepsConfig } from "./config.ts";
import { createLambdaNotifier } from "./notifier.ts";

/** What the step functions of one execution environment share: built once per cold start. */
export interface StepsRuntime {
  readonly config: StepsConfig;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly context: StepContext;
}

/** Clients and a clock to build the runtime from instead of the defaults (tests inject them). */
export interface StepsRuntimeOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly dynamodb?: DynamoDBClient;
  readonly ecs?: ECSClient;
  readonly lambda?: LambdaClient;
  readonly cloudwatch?: CloudWatchClient;
  readonly ecr?: ECRClient;
  readonly ec2?: EC2Client;
  readonly logs?: CloudWatchLogsClient;
  readonly backup?: BackupClient;
  readonly ssm?: SSMClient;
  /** Default: Slack from the environment (the bot token in SSM); tests inject one. */
  readonly slack?: SlackPort;
  readonly clock?: Clock;
}

/**
 * Builds the step functions' runtime: configuration, Powertools logger and tracer, one client per AWS
 * service (traced), the store and the account ports runbooks act through.
 */
export function createStepsRuntime(options: StepsRuntimeOptions = {}): StepsRuntime {
  const config = readStepsConfig(options.env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const tracer = new Tracer({ serviceName: config.serviceName });
  const clock = options.clock ?? { now: () => new Date() };
  // One DynamoDB client for the store and for the tables that backup verification restores.
  const dynamodb = options.dynamodb ?? tracer.captureAWSv3Client(new DynamoDBClient({}));
  const store = createDynamoStore({
    client: dynamodb,
    tableName: config.tableName,
    clock,
  });
  const context: StepContext = {
    store,
    clock,
    ports: {
      ecs: new AwsEcsAdapter({ client: options.ecs ?? tracer.captureAWSv3Client(new ECSClient({})) }),
      lambda: new AwsLambdaAdapter({
        client: options.lambda ?? tracer.captureAWSv3Client(new LambdaClient({})),
      }),
      cloudwatch: new AwsCloudWatchAdapter({
        client: options.cloudwatch ?? tracer.captureAWSv3Client(new CloudWatchClient({})),
      }),
      notifier: createLambdaNotifier({
        config,
        logger,
        threads: store,
        clock,
        ssm: () => options.ssm ?? tracer.captureAWSv3Client(new SSMClient({})),
        ...(options.slack ? { slack: options.slack } : {}),
      }).notifier,
      ecr: new AwsEcrAdapter({ client: options.ecr ?? tracer.captureAWSv3Client(new ECRClient({})) }),
      ec2: new AwsEc2Adapter({ client: options.ec2 ?? tracer.captureAWSv3Client(new EC2Client({})) }),
      logs: new AwsLogsAdapter({
        client: options.logs ?? tracer.captureAWSv3Client(new CloudWatchLogsClient({})),
      }),
      backup: new AwsBackupAdapter({
        client: options.backup ?? tracer.captureAWSv3Client(new BackupClient({})),
      }),
      dynamodb: new AwsDynamoDbTablesAdapter({ client: dynamodb }),
    },
  };
  return { config, logger, tracer, context };
}

let options: StepsRuntimeOptions = {};
let current: StepsRuntime | undefined;

/** Sets what this process's steps runtime is built from, and drops the one already built. */
export function configureStepsRuntime(next: StepsRuntimeOptions): void {
  options = next;
  current = undefined;
}

/** The steps runtime of this execution environment, built by the first invocation. */
export function stepsRuntime(): StepsRuntime {
  current ??= createStepsRuntime(options);
  return current;
}

/**
 * The Lambda handler behind a runbook's Task states: the `Payload` of `arn:aws:states:::lambda:invoke`
 * is the step call, the result is the step's result. Errors are thrown as they are — their name is what
 * the workflow's `Retry` (`TransientPortError`, `TransientStoreError`) and `Catch` clauses match.
 *
 * @example
 * export const handler = stepsHandler("rollback");
 */
export function stepsHandler(runbook: RunbookName, runtime: () => StepsRuntime = stepsRuntime) {
  let built:
    | { runtime: StepsRuntime; handler: (event: unknown, context: Context) => Promise<unknown> }
    | undefined;
  return async (event: unknown, context: Context): Promise<unknown> => {
    const rt = runtime();
    if (built?.runtime !== rt) {
      const handler = middy(async (payload: unknown) => {
        const step = (payload as { step?: unknown } | null)?.step;
        rt.logger.appendKeys({ runbook, step: typeof step === "string" ? step : undefined });
        return runStep(runbook, payload, rt.context);
      })
        .use(captureLambdaHandler(rt.tracer))
        .use(injectLambdaContext(rt.logger, { resetKeys: true }));
      built = { runtime: rt, handler };
    }
    return built.handler(event, context);
  };
}
