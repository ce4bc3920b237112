import { type RunbookName, runStep, type StepContext } from "@architech/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { builtOncePer } from "./built-once.ts";
import type { StepsConfig } from "./config.ts";
import type { StepClients, StepPortsBuilder } from "./step-ports.ts";
import { createStoreRuntime, type StoreRuntimeOptions } from "./store-runtime.ts";

/** What the step functions of one execution environment share: built once per cold start. */
export interface StepsRuntime {
  readonly config: StepsConfig;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly context: StepContext;
}

/** Clients and a clock to build the runtime from instead of the defaults (tests inject them). */
export interface StepsRuntimeOptions extends StoreRuntimeOptions, StepClients {}

/**
 * Builds a steps function's runtime: configuration, Powertools logger and tracer, the store, the notifier
 * ({@link createStoreRuntime}), and the account ports its runbook acts through (`ports`: one client per
 * AWS service it calls, traced).
 *
 * @example
 * const runtime = createStepsRuntime({ env: { TABLE_NAME: "architech" } }, rollbackStepPorts);
 */
export function createStepsRuntime(options: StepsRuntimeOptions, ports: StepPortsBuilder): StepsRuntime {
  const { config, logger, tracer, clock, dynamodb, store, notifier } = createStoreRuntime(options);
  // One DynamoDB client for the store and for the tables that backup verification restores.
  const context: StepContext = {
    store,
    clock,
    ports: { ...ports({ clients: options, tracer, dynamodb }), notifier },
  };
  return { config, logger, tracer, context };
}

let options: StepsRuntimeOptions = {};
let generation = 0;

/** Sets what this process's steps runtimes are built from; the next invocation builds them anew. */
export function configureStepsRuntime(next: StepsRuntimeOptions): void {
  options = next;
  generation++;
}

/** The steps runtime of this execution environment for `ports`, built by the first invocation. */
function stepsRuntimeFor(ports: StepPortsBuilder): () => StepsRuntime {
  let current: { generation: number; runtime: StepsRuntime } | undefined;
  return () => {
    if (current?.generation !== generation)
      current = { generation, runtime: createStepsRuntime(options, ports) };
    return current.runtime;
  };
}

/**
 * The Lambda handler behind a runbook's Task states: the `Payload` of `arn:aws:states:::lambda:invoke`
 * is the step call, the result is the step's result. Errors are thrown as they are — their name is what
 * the workflow's `Retry` (`TransientPortError`, `TransientStoreError`) and `Catch` clauses match.
 *
 * `ports` names the AWS services the runbook calls ({@link rollbackStepPorts}…): the function's bundle
 * carries only their clients.
 *
 * @example
 * export const handler = stepsHandler("rollback", rollbackStepPorts);
 */
export function stepsHandler(
  runbook: RunbookName,
  ports: StepPortsBuilder,
  runtime: () => StepsRuntime = stepsRuntimeFor(ports),
) {
  const handlerFor = builtOncePer((rt: StepsRuntime) =>
    middy(async (payload: unknown) => {
      const step = (payload as { step?: unknown } | null)?.step;
      rt.logger.appendKeys({ runbook, step: typeof step === "string" ? step : undefined });
      return runStep(runbook, payload, rt.context);
    })
      .use(captureLambdaHandler(rt.tracer))
      .use(injectLambdaContext(rt.logger, { resetKeys: true })),
  );
  return async (event: unknown, context: Context): Promise<unknown> => handlerFor(runtime())(event, context);
}
