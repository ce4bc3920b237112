export interface RecoveryPoint {
  recoveryPointArn: string;
  resourceArn: string;
  /** AWS Backup's resource type: `DynamoDB`, `EBS`, `S3`, `RDS`… */
  resourceType: string;
  backupVaultName: string;
  createdAt: string;
  completedAt?: string;
  status: "COMPLETED" | "PARTIAL" | "DELETING" | "EXPIRED" | "AVAILABLE" | "STOPPED" | "CREATING";
  iamRoleArn?: string;
}

export type RestoreJobStatus = "PENDING" | "RUNNING" | "COMPLETED" | "ABORTED" | "FAILED";

export interface RestoreJob {
  restoreJobId: string;
  status: RestoreJobStatus;
  statusMessage?: string;
  createdResourceArn?: string;
  createdAt: string;
  completedAt?: string;
}

/** AWS Backup: recovery points (what cleanup must never delete, what verification restores) and restores. */
export interface BackupPort {
  /** Recovery points of one protected resource, newest first (all pages). */
  listRecoveryPoints(resourceArn: string): Promise<RecoveryPoint[]>;
  /** ARNs of every recovery point in every vault (all pages): a snapshot among them is a backup. */
  listAllRecoveryPointArns(): Promise<string[]>;
  getRestoreMetadata(recoveryPoint: RecoveryPoint): Promise<Record<string, string>>;
  startRestoreJob(input: {
    recoveryPoint: RecoveryPoint;
    metadata: Record<string, string>;
    iamRoleArn: string;
  }): Promise<{ restoreJobId: string }>;
  describeRestoreJob(restoreJobId: string): Promise<RestoreJob>;
  /** For restores started by an AWS Backup restore-testing plan: reports the validation's verdict. */
  putRestoreValidationResult(
    restoreJobId: string,
    status: "SUCCESSFUL" | "FAILED" | "TIMED_OUT" | "VALIDATING",
    message: string,
  ): Promise<void>;
}
