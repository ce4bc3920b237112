import type { Decision, RouteResult, RouterDeps } from "@architech/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { builtOncePer } from "./built-once.ts";
import { type LambdaRuntime, lambdaRuntime } from "./runtime.ts";

/** The one call into core a router handler makes: an event in, what the router did with it out. */
export type RouteFunction<TEvent> = (event: TEvent, deps: RouterDeps) => Promise<RouteResult | RouteResult[]>;

/**
 * What a router handler returns. A failure that a retry cannot cure is returned, not thrown, so that the
 * delivery is not retried; it is logged and counted.
 */
export type RouterHandlerResult =
  | { ok: true; results: RouteResult[] }
  | { ok: false; error: { code: string; message: string } };

export type RouterHandler<TEvent> = (event: TEvent, context: Context) => Promise<RouterHandlerResult>;

/**
 * Builds a Lambda handler around one router call: Powertools tracer, logger (with the Lambda context) and
 * metrics (a `Decisions` count per decision kind and reason, flushed after every invocation), and the
 * error mapping at the edge ({@link routerErrors}). The runtime — configuration, clients, policies — is
 * built by the first invocation of a cold start and shared afterwards.
 *
 * @example
 * export const handler = routerHandler((event: EventBridgeEvent<string, unknown>, deps) => routeEvent(event, deps));
 */
export function routerHandler<TEvent>(
  route: RouteFunction<TEvent>,
  runtime: () => LambdaRuntime = lambdaRuntime,
): RouterHandler<TEvent> {
  const handlerFor = builtOncePer((current: LambdaRuntime) => wrap(route, current));
  return async (event, context) => handlerFor(runtime())(event, context);
}

function wrap<TEvent>(route: RouteFunction<TEvent>, runtime: LambdaRuntime): RouterHandler<TEvent> {
  const { logger, metrics, tracer, routerDeps } = runtime;
  const routeAndRecord = async (event: TEvent): Promise<RouterHandlerResult> => {
    const results = [await route(event, routerDeps)].flat();
    recordResults(results, logger, metrics);
    return { ok: true, results };
  };
  return middy<TEvent, RouterHandlerResult>(routeAndRecord)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(routerErrors({ logger, metrics }));
}

/**
 * The router's error mapping, as a middy middleware. A transient error (`transient === true`: throttling,
 * an unavailable store or Step Functions) is rethrown, so that Lambda retries the delivery and then sends
 * it to the dead-letter queue; the retry finds the decisions already taken. Anything else is permanent:
 * logged with its cause, counted, and returned as `{ ok: false, error }`, because retrying it would only
 * fail again.
 *
 * @example
 * middy(handler).use(logMetrics(metrics)).use(routerErrors({ logger, metrics }));
 */
export function routerErrors(options: {
  logger: Logger;
  metrics: Metrics;
}): MiddlewareObj<unknown, RouterHandlerResult> {
  const { logger, metrics } = options;
  return {
    onError: (request) => {
      const { error } = request;
      const failure = {
        code: errorCode(error),
        message: error instanceof Error ? error.message : String(error),
      };
      if (isTransient(error)) {
        logger.warn("transient failure: the delivery will be retried", { failure, error });
        metrics.addMetric("TransientFailures", MetricUnit.Count, 1);
        return;
      }
      logger.error("permanent failure: the delivery is not retried", { failure, error });
      metrics.addMetric("PermanentFailures", MetricUnit.Count, 1);
      request.response = { ok: false, error: failure };
    },
  };
}

function isTransient(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { transient?: unknown }).transient === true;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  return error instanceof Error ? error.name : "UnknownError";
}

/** A started decision's reason dimension: whether this delivery started it or found it started. */
function reasonOf(decision: Decision): string {
  if (decision.kind === "suppressed" || decision.kind === "rejected") return decision.reason;
  return decision.alreadyStarted ? "already-started" : "none";
}

function recordResults(results: readonly RouteResult[], logger: Logger, metrics: Metrics): void {
  metrics.addMetric("Signals", MetricUnit.Count, results.length);
  const counts = new Map<string, { decision: string; reason: string; count: number }>();
  for (const result of results) {
    logger.info("routed", {
      signalId: result.signalId,
      signalType: result.signalType,
      matched: result.matched,
      decisions: result.decisions,
      annotations: result.annotations,
    });
    for (const decision of result.decisions) {
      const reason = reasonOf(decision);
      const key = `${decision.kind}\u0000${reason}`;
      const entry = counts.get(key) ?? { decision: decision.kind, reason, count: 0 };
      entry.count += 1;
      counts.set(key, entry);
    }
  }
  // One EMF document per dimension pair: a shared buffer would put every count under every pair.
  for (const { decision, reason, count } of counts.values()) {
    metrics
      .singleMetric()
      .addDimensions({ decision, reason })
      .addMetric("Decisions", MetricUnit.Count, count);
  }
}
