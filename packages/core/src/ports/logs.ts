export interface LogGroup {
  logGroupName: string;
  arn: string;
  /** Undefined: events are kept forever. */
  retentionInDays?: number;
  createdAt: string;
  storedBytes: number;
  tags: Record<string, string>;
}

/** CloudWatch Logs, for cleanup: log groups without retention get one (they are never deleted). */
export interface LogsPort {
  listLogGroups(): Promise<LogGroup[]>;
  putRetentionPolicy(logGroupName: string, retentionInDays: number): Promise<void>;
}
