import { stepsHandler, verifyBackupStepPorts } from "@architech/aws";

/** The verify-backup workflow's Task states: one step per invocation. */
export const handler = stepsHandler("verify-backup", verifyBackupStepPorts);
