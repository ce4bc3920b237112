import { cleanupSteps } from "../cleanup-steps.ts";
import { rightsizeSteps } from "../rightsize-steps.ts";
import { rollbackSteps } from "../rollback-steps.ts";
import { verifyBackupSteps } from "../verify-backup-steps.ts";
import { recordOutcome, releaseLease, requestApproval } from "./common.ts";
import {
  RunbookStepError,
  type StepCall,
  StepCallSchema,
  type StepContext,
  type StepHandler,
} from "./context.ts";

const commonSteps: Record<string, StepHandler> = {
  "record-outcome": recordOutcome,
  "release-lease": releaseLease,
  "request-approval": requestApproval,
};

/** Each runbook's own steps; every runbook also has the common ones. */
export const runbookSteps: Record<string, Record<string, StepHandler>> = {
  rollback: rollbackSteps,
  rightsize: rightsizeSteps,
  cleanup: cleanupSteps,
  "verify-backup": verifyBackupSteps,
};

/**
 * Runs one workflow step: what a step Lambda (and, on the embedded runtime, every local Task) calls.
 * An unknown runbook or step, or a malformed payload, is a permanent error naming the valid choices.
 *
 * @example
 * await runStep("rollback", { step: "plan", run, state }, { ports, store, clock });
 */
export async function runStep(
  runbook: string,
  payload: unknown,
  context: StepContext,
): Promise<Record<string, unknown>> {
  const parsed = StepCallSchema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new RunbookStepError(`malformed step payload: ${problems}`);
  }
  const call = parsed.data as unknown as StepCall;
  const steps = runbookSteps[runbook];
  if (!steps) {
    throw new RunbookStepError(
      `no steps for runbook "${runbook}"; runbooks with steps: ${Object.keys(runbookSteps).join(", ")}`,
    );
  }
  const handler = steps[call.step] ?? commonSteps[call.step];
  if (!handler) {
    const valid = [...Object.keys(steps), ...Object.keys(commonSteps)].join(", ");
    throw new RunbookStepError(`runbook ${runbook} has no step "${call.step}"; its steps: ${valid}`);
  }
  return handler(call, context);
}
