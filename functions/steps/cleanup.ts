import { cleanupStepPorts, stepsHandler } from "@architech/aws";

/** The cleanup workflow's Task states: one step per invocation. */
export const handler = stepsHandler("cleanup", cleanupStepPorts);
