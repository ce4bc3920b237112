import { rightsizeStepPorts, stepsHandler } from "@architech/aws";

/** The rightsize workflow's Task states: one step per invocation (plan, act, verify, record, release). */
export const handler = stepsHandler("rightsize", rightsizeStepPorts);
