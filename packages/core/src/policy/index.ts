export { loadPolicyDirectory } from "./directory.ts";
export { policyJsonSchema } from "./json-schema.ts";
export {
  type LoadedPolicy,
  type PolicyProblem,
  type PolicySetResult,
  type PolicySource,
  parsePolicyFile,
  parsePolicySet,
} from "./load.ts";
export {
  AllowedWindowSchema,
  ApprovalSchema,
  FreezeWindowSchema,
  type Guardrails,
  GuardrailsSchema,
  NotifySchema,
  type Policy,
  type PolicyInput,
  PolicySchema,
  type TargetSpec,
  TargetSpecSchema,
  type Trigger,
  TriggerSchema,
} from "./policy.ts";
export { isKnownTimeZone, scheduleExpressionProblem } from "./schedule-expression.ts";
