// Public API of @architech/core. Domain only: no AWS SDK imports.
export { ArchitechError } from "./errors.ts";
export * from "./event-pattern/index.ts";
export * from "./signals/index.ts";
export * from "./slack/index.ts";
export * from "./store/index.ts";
export * from "./workflow/index.ts";
