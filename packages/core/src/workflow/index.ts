export {
  MAX_STATE_NAME_LENGTH,
  type ValidateWorkflowOptions,
  validateWorkflowDefinition,
  type WorkflowDefinitionProblem,
  type WorkflowValidation,
} from "./validate-definition.ts";
