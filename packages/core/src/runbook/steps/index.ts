export { planHash } from "./common.ts";
export {
  ApprovalDenied,
  RunbookStepError,
  type StepCall,
  StepCallSchema,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./context.ts";
export { runbookSteps, runStep } from "./run-step.ts";
