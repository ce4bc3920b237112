export { durationSchema, formatDuration, parseDuration } from "./duration.ts";
