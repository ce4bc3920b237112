export {
  type CommandRequest,
  type CommandRequestResult,
  commandGrammarFor,
  RUNBOOK_COMMANDS,
  readCommandRequest,
  saferMode,
} from "./command-request.ts";
export {
  type Decision,
  type RejectedDecision,
  type RejectionReason,
  type RouteResult,
  type RunAnnotation,
  type StartedDecision,
  SUPPRESSION_REASONS,
  type SuppressedDecision,
  type SuppressionReason,
} from "./decision.ts";
export { signalEventView } from "./event-view.ts";
export { executionNameFor, MAX_EXECUTION_NAME_LENGTH } from "./execution-name.ts";
export { PolicyIndex } from "./policy-index.ts";
export type {
  Clock,
  IdSource,
  RunInput,
  RunTrigger,
  StartWorkflowInput,
  StartWorkflowResult,
  WorkflowStarter,
} from "./ports.ts";
export {
  type AccountScope,
  backupResourceTargetOf,
  resolveTarget,
  SERVICE_TARGET_FORMS,
  serviceTargetOf,
  type TargetResolution,
} from "./resolve-target.ts";
export { DEDUPE_TTL_MS, GUARDRAIL_ORDER, type RouterDeps, RUN_LEASE_MS, route, routeEvent } from "./route.ts";
export { alarmRefOf, noticeNotifyOf, runNoticeRefOf } from "./run-notice.ts";
