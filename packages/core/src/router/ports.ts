import type { RunbookName } from "../runbook/registry.ts";

/** The current time; injected so that guardrails are deterministic in tests. */
export interface Clock {
  now(): Date;
}

/** New run ids; injected for the same reason. Ids must be unique and contain no `#`. */
export interface IdSource {
  newRunId(): string;
}

/** What a workflow execution receives: everything a runbook's steps need to act and to report. */
export interface RunInput {
  runId: string;
  policy: string;
  runbook: RunbookName;
  mode: "auto" | "approve" | "dry-run";
  params: Record<string, unknown>;
  target: Record<string, unknown>;
  targetKey: string;
  lease: { owner: string; token: number; expiresAt: string };
  approval?: { escalateAfterMs: number; deadlineMs: number; approvers: string[] };
  blastRadius?: { maxCount?: number; maxPercent?: number };
  minAlarmDurationMs?: number;
  notify?: { slack: string };
  trigger: { signalId: string; type: string; time: string; summary: Record<string, unknown> };
}

export interface StartWorkflowInput {
  runbook: RunbookName;
  /** Deterministic per (policy, event): a retried start finds the execution it already started. */
  executionName: string;
  input: RunInput;
}

export type StartWorkflowResult = { executionArn: string; alreadyStarted: boolean };

/**
 * Starts runbook workflows: Step Functions `StartExecution` in AWS, the local runner on the embedded
 * runtime. Starting twice with the same name and input must return the same execution, not a second one.
 * Throws an error whose `transient` is true when a retry may succeed.
 */
export interface WorkflowStarter {
  startWorkflow(input: StartWorkflowInput): Promise<StartWorkflowResult>;
  /** Stops an execution (a run whose trigger resolved while it waited for approval). */
  stopWorkflow(executionArn: string, cause: string): Promise<void>;
}
