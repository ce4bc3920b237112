import { stepsHandler } from "@architech/aws";

/** The verify-backup workflow's Task states: one step per invocation. */
export const handler = stepsHandler("verify-backup");
