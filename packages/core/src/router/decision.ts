import type { Target } from "../target/target.ts";

/** Why a matched policy did not act, in the order the guardrails are checked. */
export const SUPPRESSION_REASONS = [
  "switch", // kill switch, policy paused, or a freeze window set at run time
  "policy-freeze", // one of the policy's own freeze windows
  "outside-allowed-window",
  "duplicate", // the same event was already decided for this policy
  "cooldown",
  "circuit-open", // too many failed runs: the policy is paused
  "rate-limit",
  "max-concurrent",
  "blast-radius",
  "target-leased", // another run holds the target
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * Why a signal was refused before any guardrail: not a known event, no target to act on, or a chat
 * command whose arguments do not read (its detail is a usage line for the person who typed it).
 */
export type RejectionReason = "invalid-event" | "unresolved-target" | "invalid-arguments";

/** A decision that started a workflow: in `auto` mode (`start`), `dry-run` mode, or waiting for approval. */
export interface StartedDecision {
  kind: "start" | "dry-run" | "await-approval";
  policy: string;
  runbook: string;
  target: Target;
  targetKey: string;
  runId: string;
  executionName: string;
  executionArn: string;
  /** True when this delivery found the execution an earlier delivery had started. */
  alreadyStarted: boolean;
}

export interface SuppressedDecision {
  kind: "suppressed";
  policy: string;
  reason: SuppressionReason;
  detail: string;
  targetKey?: string;
  /** For a duplicate: the run the first delivery decided. */
  runId?: string;
}

export interface RejectedDecision {
  kind: "rejected";
  policy?: string;
  reason: RejectionReason;
  detail: string;
}

export type Decision = StartedDecision | SuppressedDecision | RejectedDecision;

/** What happened to a run that was waiting when its triggering alarm returned to OK. */
export interface RunAnnotation {
  runId: string;
  policy: string;
  action: "cancelled" | "annotated";
  detail: string;
}

/** Everything the router did with one signal. */
export interface RouteResult {
  signalId: string;
  signalType: string;
  matched: string[];
  decisions: Decision[];
  annotations: RunAnnotation[];
  /** For a deployment signal: whether it was added to the release history. */
  release?: { recorded: boolean; reason?: string };
}
