// The embedded runtime: the whole control plane in one process, behind a local HTTP API.
export {
  DEFAULT_TIME_SCALE,
  type EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  ENDPOINTS,
  InvalidPoliciesError,
  SANDBOX_POLL_MS,
  startEmbeddedRuntime,
} from "./embedded-runtime.ts";
export { formatLogEntry, type RuntimeLogEntry, type RuntimeLogKind } from "./live-log.ts";
export {
  type BusEvent,
  LocalEventBus,
  MAX_PUT_EVENTS_ENTRIES,
  type PutEventsRequestEntry,
  type PutEventsResponse,
  type PutEventsResultEntry,
  PutEventsValidationError,
} from "./local-event-bus.ts";
export { type LocalSchedule, LocalScheduler, SCHEDULE_GROUP } from "./local-scheduler.ts";
export { nextFireTime, parseScheduleRule, type ScheduleRule, UnsupportedScheduleError } from "./next-fire.ts";
