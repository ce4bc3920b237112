import { normalizeRecords, type RouteResult, type RouterDeps, route, routeEvent } from "@architech/core";

/**
 * Routes each record of an SNS (or SQS) delivery on its own, in order. A record that is not a known
 * event is rejected and audited by `routeEvent`, like any malformed input, without holding back the
 * records beside it; a transient failure throws, and the retried delivery finds the records already
 * decided. Any other input is routed as one event.
 *
 * @example
 * export const handler = routerHandler((event: SNSEvent, deps) => routeRecords(event, deps));
 */
export async function routeRecords(event: unknown, deps: RouterDeps): Promise<RouteResult[]> {
  const results: RouteResult[] = [];
  for (const [index, normalized] of normalizeRecords(event).entries()) {
    results.push(
      normalized.ok ? await route(normalized.signal, deps) : await routeEvent(recordAt(event, index), deps),
    );
  }
  return results;
}

/** The delivery cut down to its `index`th record, as `normalizeRecords` reads each one. */
function recordAt(event: unknown, index: number): unknown {
  if (typeof event !== "object" || event === null) return event;
  const records = (event as { Records?: unknown }).Records;
  if (!Array.isArray(records) || records.length <= 1) return event;
  return { ...event, Records: [records[index]] };
}
