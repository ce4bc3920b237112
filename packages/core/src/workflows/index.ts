import cleanup from "./cleanup.asl.json" with { type: "json" };
import rightsize from "./rightsize.asl.json" with { type: "json" };
import rollback from "./rollback.asl.json" with { type: "json" };
import verifyBackup from "./verify-backup.asl.json" with { type: "json" };

/**
 * The runbooks' workflows: Amazon States Language (JSONPath), kept as data. The stack deploys them with
 * the step function's ARN substituted for `${…StepsFunctionArn}`; the embedded runtime runs the same
 * files with every Task bound to the step handler in-process.
 */
export const workflowDefinitions: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  rollback,
  rightsize,
  cleanup,
  "verify-backup": verifyBackup,
};

/** The definition substitution each workflow uses for its step function, by runbook. */
export const stepFunctionSubstitutions: Readonly<Record<string, string>> = {
  rollback: "RollbackStepsFunctionArn",
  rightsize: "RightsizeStepsFunctionArn",
  cleanup: "CleanupStepsFunctionArn",
  "verify-backup": "VerifyBackupStepsFunctionArn",
};
