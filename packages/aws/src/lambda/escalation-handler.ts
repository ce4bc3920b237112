import { escalateApprovals } from "@architech/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { builtOncePer } from "./built-once.ts";
import { type LambdaRuntime, lambdaRuntime } from "./runtime.ts";

/** What an escalation sweep's invocation returns: what it escalated, and what it could not. */
export interface EscalationHandlerResult {
  /** The ids of the approvals escalated by this invocation. */
  escalated: string[];
  /** How many pending approvals were looked at. */
  checked: number;
  /** Approvals whose escalation failed part-way; the sweep went on with the others. */
  failed: { approvalId: string; code: string; message: string }[];
}

export type EscalationHandler = (event: unknown, context: Context) => Promise<EscalationHandlerResult>;

/**
 * Builds the Lambda handler of the approval escalation sweep, invoked by a schedule every minute: every
 * approval still pending past its policy's `approval.escalateAfter` mentions the policy's on-call in the
 * run's thread, once ({@link escalateApprovals} claims each escalation, so that overlapping or retried
 * invocations never repeat one). The event is not read. The sweep is logged (what it escalated, what
 * failed) and counted; a sweep that cannot read the approvals at all throws, and the next one tries
 * again a minute later.
 *
 * @example
 * export const handler = escalationHandler();
 */
export function escalationHandler(runtime: () => LambdaRuntime = lambdaRuntime): EscalationHandler {
  const handlerFor = builtOncePer(wrap);
  return async (event, context) => handlerFor(runtime())(event, context);
}

function wrap(runtime: LambdaRuntime): EscalationHandler {
  const { logger, metrics, tracer, routerDeps } = runtime;
  const sweep = async (): Promise<EscalationHandlerResult> => {
    const { store, policies, notifier, clock } = routerDeps;
    if (notifier === undefined) {
      // Claiming an escalation nobody can be told of would use it up: leave the approvals pending.
      logger.warn("no notifier configured: approvals are not escalated");
      return { escalated: [], checked: 0, failed: [] };
    }
    const result = await escalateApprovals({ store, policies, notifier, clock });
    const failed = result.failed.map(({ approvalId, error }) => {
      logger.error("approval escalation failed", { approvalId, error });
      return { approvalId, code: errorCode(error), message: errorMessage(error) };
    });
    logger.info("approvals swept", { escalated: result.escalated, checked: result.checked, failed });
    metrics.addMetric("ApprovalsEscalated", MetricUnit.Count, result.escalated.length);
    metrics.addMetric("ApprovalEscalationFailures", MetricUnit.Count, failed.length);
    return { escalated: result.escalated, checked: result.checked, failed };
  };
  return middy<unknown, EscalationHandlerResult>(sweep)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use({
      onError: (request) => {
        logger.error("approval escalation sweep failed", { error: request.error });
      },
    });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  return error instanceof Error ? error.name : "UnknownError";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
