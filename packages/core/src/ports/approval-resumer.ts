/**
 * Resumes the workflow waiting on an approval: Step Functions' task token callback in the cloud, the
 * local runner on the embedded runtime.
 *
 * @example
 * await approvals.resume(taskToken, { approvalId, approvedBy, planHash });
 * await approvals.reject(taskToken, "ApprovalDenied", "denied by U024BE7LH: not now");
 */
export interface ApprovalResumer {
  /** Completes the waiting task with `output`: the workflow goes on. */
  resume(taskToken: string, output: unknown): Promise<void>;
  /** Fails the waiting task with `error` (its code) and `cause` (its message). */
  reject(taskToken: string, error: string, cause: string): Promise<void>;
}
