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
  /** The policy's concurrency slot the run holds (a lease of its own), released with `lease`. */
  concurrencySlot?: { key: string; owner: string; token: number };
  approval?: { escalateAfterMs: number; deadlineMs: number; approvers: string[] };
  blastRadius?: { maxCount?: number; maxPercent?: number };
  minAlarmDurationMs?: number;
  /** The policy's `notify`: where its messages go and who is on call. */
  notify?: { slack: string; oncall?: string };
  trigger: RunTrigger;
}

/** What triggered a run, as its steps and its notices need it. */
export interface RunTrigger {
  signalId: string;
  type: string;
  time: string;
  /** The signal's fields, without the raw event. */
  summary: Record<string, unknown>;
  /** One line a person reads: what happened (`alarm "checkout-5xx-rate" OK → ALARM …`). */
  description?: string;
  /** The CloudWatch alarm that triggered the run: when it entered ALARM (`since`), so runs thread under it. */
  alarm?: { name: string; arn: string; since: string; reason?: string };
  /** The person who asked for the run (a chat command): their Slack user id. */
  requestedBy?: string;
  /** Why they asked (`--reason`), as they wrote it. */
  reason?: string;
  /** What the command asked for beyond the policy (`{ dryRun: true, release: "checkout-api:41" }`). */
  requested?: Record<string, string | boolean>;
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
