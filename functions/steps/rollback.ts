import { rollbackStepPorts, stepsHandler } from "@architech/aws";

/** The rollback workflow's Task states: one step per invocation (plan, act, verify, record, release). */
export const handler = stepsHandler("rollback", rollbackStepPorts);
