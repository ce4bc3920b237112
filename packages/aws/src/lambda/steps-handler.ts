import { type Clock, type RunbookName, runStep, type StepContext } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { AwsCloudWatchAdapter } from "../cloudwatch/cloudwatch-adapter.ts";
import { createDynamoStore } from "../dynamodb/dynamo-store.ts";
import { AwsEcsAdapter } from "../ecs/ecs-adapter.ts";
import { AwsLambdaAdapter } from "../lambda-functions/lambda-adapter.ts";
import { readStepsConfig, type StepsConfig } from "./config.ts";
import { LogNotifier } from "./log-notifier.ts";

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
  const store = createDynamoStore({
    client: options.dynamodb ?? tracer.captureAWSv3Client(new DynamoDBClient({})),
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
      notifier: new LogNotifier(logger),
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
