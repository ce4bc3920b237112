import { randomUUID } from "node:crypto";
import { normalizeEvent, type RouteResult, type RouterDeps, route, routeEvent } from "@architech/core";
import { eventLogEntry, type RuntimeLogEntry, routingLogEntries } from "./live-log.ts";

/** PutEvents accepts at most this many entries per request. */
export const MAX_PUT_EVENTS_ENTRIES = 10;
/** PutEvents refuses an entry above 256 KB. */
const MAX_ENTRY_BYTES = 256 * 1024;
const DELIVERY_ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;

/** One entry of a PutEvents request, as the API takes it. */
export interface PutEventsRequestEntry {
  Source: string;
  DetailType: string;
  /** A JSON object, as text. */
  Detail: string;
  Resources?: string[];
  /** Defaults to the time the bus receives the entry. */
  Time?: string | Date;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** What PutEvents answers: one result per entry, in order. */
export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** A request PutEvents refuses as a whole (HTTP 400), as opposed to a failed entry. */
export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PutEventsValidationError";
  }
}

/** An event as EventBridge delivers it to a rule's target. */
export interface BusEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface LocalEventBusOptions {
  account: string;
  region: string;
  router: RouterDeps;
  log: (entry: Omit<RuntimeLogEntry, "at">) => void;
}

/**
 * The account's default bus on the embedded runtime. Every event — put through the API, emitted by the
 * sandbox, or sent by a schedule — goes through the router the cloud's router Lambda runs, one at a time
 * in arrival order, so that the live log reads as a story. A delivery that fails for a transient reason
 * is retried, as EventBridge retries a target.
 *
 * @example
 * const bus = new LocalEventBus({ account, region, router, log });
 * await bus.putEvents([{ Source: "aws.cloudwatch", DetailType: "CloudWatch Alarm State Change", Detail: "{…}" }]);
 */
export class LocalEventBus {
  readonly #options: LocalEventBusOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalEventBusOptions) {
    this.#options = options;
  }

  /**
   * PutEvents: each valid entry becomes an event on the bus and is routed before this resolves, so that a
   * caller can read its runs straight away. An invalid entry fails alone, with PutEvents' error codes.
   *
   * @throws PutEventsValidationError when `entries` is not a list of 1–10 entries.
   */
  async putEvents(entries: unknown): Promise<PutEventsResponse> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
      throw new PutEventsValidationError(
        `Entries must be a list of 1 to ${MAX_PUT_EVENTS_ENTRIES} entries, got ${Array.isArray(entries) ? entries.length : typeof entries}`,
      );
    }
    const now = this.#options.router.clock.now();
    const results: PutEventsResultEntry[] = [];
    const deliveries: Promise<unknown>[] = [];
    for (const entry of entries) {
      const event = this.#toEvent(entry, now);
      if ("ErrorCode" in event) {
        results.push(event);
        continue;
      }
      results.push({ EventId: event.id });
      deliveries.push(this.deliver(event, "PutEvents"));
    }
    await Promise.all(deliveries);
    return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
  }

  /** Routes one raw event (any shape the router accepts) after those already queued. */
  deliver(raw: unknown, origin: string): Promise<RouteResult | undefined> {
    const delivery = this.#queue.then(() => this.#route(raw, origin));
    this.#queue = delivery.catch(() => undefined);
    return delivery;
  }

  /** Resolves once every event delivered so far has been routed. */
  async idle(): Promise<void> {
    let queued: Promise<unknown>;
    do {
      queued = this.#queue;
      await queued;
    } while (queued !== this.#queue);
  }

  async #route(raw: unknown, origin: string): Promise<RouteResult | undefined> {
    const { router, log } = this.#options;
    const normalized = normalizeEvent(raw);
    log(eventLogEntry(origin, normalized.ok ? normalized.signal : undefined));
    for (let attempt = 1; ; attempt++) {
      try {
        const result = normalized.ok ? await route(normalized.signal, router) : await routeEvent(raw, router);
        for (const entry of routingLogEntries(result)) log(entry);
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const transient = (error as { transient?: unknown }).transient === true;
        if (!transient || attempt >= DELIVERY_ATTEMPTS) {
          log({ kind: "error", text: `${origin}: delivery failed after ${attempt} attempt(s): ${message}` });
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
    }
  }

  #toEvent(entry: unknown, now: Date): BusEvent | { ErrorCode: string; ErrorMessage: string } {
    const invalid = (message: string) => ({ ErrorCode: "InvalidArgument", ErrorMessage: message });
    if (typeof entry !== "object" || entry === null) return invalid("An entry must be an object.");
    const { Source, DetailType, Detail, Resources, Time } = entry as Record<string, unknown>;
    if (typeof Source !== "string" || Source.length === 0) return invalid("Parameter Source is not valid.");
    if (typeof DetailType !== "string" || DetailType.length === 0) {
      return invalid("Parameter DetailType is not valid.");
    }
    if (typeof Detail !== "string") return invalid("Parameter Detail is not valid.");
    if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
      return invalid("Total size of the entries in the request is over the limit.");
    }
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    }
    if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed: it must be a JSON object." };
    }
    if (
      Resources !== undefined &&
      (!Array.isArray(Resources) || Resources.some((r) => typeof r !== "string"))
    ) {
      return invalid("Parameter Resources is not valid: a list of ARNs.");
    }
    let time = now;
    if (Time !== undefined) {
      time = new Date(typeof Time === "number" ? Time * 1000 : String(Time));
      if (Number.isNaN(time.getTime())) return invalid("Parameter Time is not valid.");
    }
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": DetailType,
      source: Source,
      account: this.#options.account,
      // EventBridge writes event times to the second.
      time: `${time.toISOString().slice(0, 19)}Z`,
      region: this.#options.region,
      resources: (Resources as string[] | undefined) ?? [],
      detail: detail as Record<string, unknown>,
    };
  }
}
