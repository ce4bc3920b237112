// Public API of @architech/core. Domain only: no AWS SDK imports.
export { ArchitechError } from "./errors.ts";
export * from "./event-pattern/index.ts";
export * from "./notify/index.ts";
export * from "./policy/index.ts";
export * from "./ports/index.ts";
export * from "./releases/index.ts";
export * from "./router/index.ts";
export * from "./runbook/index.ts";
export * from "./signals/index.ts";
export * from "./slack/index.ts";
export * from "./store/index.ts";
export * from "./target/index.ts";
export * from "./time/index.ts";
export * from "./workflow/index.ts";
export * from "./workflows/index.ts";
export * from "./yaml/index.ts";
