// The local Step Functions runner of the embedded runtime.
export {
  InvalidWorkflowDefinitionError,
  LocalStepFunctionsError,
  type LocalStepFunctionsErrorCode,
} from "./errors.ts";
export type {
  ExecutionDescription,
  ExecutionEventType,
  ExecutionHistoryEvent,
  ExecutionStatus,
  LocalExecutionEvent,
} from "./history.ts";
export {
  type ListExecutionsFilter,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StartExecutionInput,
  type StepCall,
  type StepHandler,
} from "./local-step-functions.ts";
