export { CLEANUP_RESOURCE_KINDS, CleanupParamsSchema } from "./cleanup.ts";
export {
  DEPLOYMENT_ACCOUNT,
  DEPLOYMENT_REGION,
  type DeploymentScope,
  type GrantLike,
  isMutatingAction,
  isWildcardResource,
  READ_ONLY_VERBS,
  scopeArn,
  scopePermission,
  type UnscopedWrite,
  unscopedWrites,
} from "./iam.ts";
export {
  getRunbook,
  isRunbookName,
  RUNBOOK_NAMES,
  type RunbookName,
  runbooks,
  UnknownRunbookError,
} from "./registry.ts";
export { RightsizeParamsSchema } from "./rightsize.ts";
export { RollbackParamsSchema } from "./rollback.ts";
export type { RollbackPlan } from "./rollback-steps.ts";
export * from "./steps/index.ts";
export type { IamPermission, RunbookDefinition } from "./types.ts";
export { VerifyBackupParamsSchema } from "./verify-backup.ts";
export {
  type BackupVerdict,
  RESTORED_TABLE_PREFIX,
  type RestoreCleanup,
  type RestoreJobCheck,
  type RestoreValidation,
  restoredTableName,
  type SelectedRecoveryPoint,
  type StartedRestore,
  verifyBackupSteps,
} from "./verify-backup-steps.ts";
