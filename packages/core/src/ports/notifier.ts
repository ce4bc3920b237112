import type { SlackBlock } from "./slack.ts";

/** A free-form notification: a report or a digest that is not one of a run's own messages. */
export interface Notification {
  /** Slack channel (`#ops` or a channel id). */
  channel: string;
  /** Plain text: what a log keeps, and the message's fallback in Slack (escaped there). */
  text: string;
  /** The run the notification is about, for threading and links. */
  runId?: string;
  severity: "info" | "warning" | "failure";
  /** Who to mention (a policy's on-call: `U…` user or `S…` user group id); only for failures. */
  mention?: string;
  /**
   * What Slack shows, built with core's block builders (a digest, a report); `text` stays the fallback
   * and what a log keeps. Without blocks, Slack shows `text` as a report.
   */
  blocks?: readonly SlackBlock[];
}

/** The run a notice is about, as the router and the workflow steps both know it. */
export interface RunNoticeRef {
  runId: string;
  policy: string;
  runbook: string;
  targetKey: string;
  mode: "auto" | "approve" | "dry-run";
  /** The policy's `notify`: where its messages go and who is on call. */
  notify?: { slack: string; oncall?: string };
  /** What triggered the run. `alarm` is set when a CloudWatch alarm did: its runs thread under it. */
  trigger: {
    type: string;
    summary: string;
    alarm?: { name: string; arn: string; since: string; reason?: string };
    /** The person who asked for the run (a chat command), e.g. a Slack user id. */
    requestedBy?: string;
  };
}

/** One change a plan makes, as a person approving it reads it. */
export interface PlanChange {
  /** The resource changed (`prod/checkout-api`, `vol-0abc…`). */
  target: string;
  /** What happens to it (`roll back to checkout-api:41`, `delete (snapshot first)`). */
  action: string;
  /** From → to, when the change has a before and after. */
  from?: string;
  to?: string;
}

/**
 * What a run has to say, as it happens. One message per run, updated in place (started → finished);
 * approvals are messages of their own with Approve / Deny buttons carrying only the approval id.
 */
export type RunNotice =
  | {
      kind: "run-started";
      run: RunNoticeRef;
      /** `awaiting-approval` when the run waits for a person before acting. */
      status: "pending" | "awaiting-approval" | "dry-run";
    }
  | {
      kind: "run-progress";
      run: RunNoticeRef;
      /** What the run is doing now (`rolling back to v41`, `verifying: alarm still ALARM`). */
      step: string;
    }
  | {
      kind: "run-finished";
      run: RunNoticeRef;
      status: "succeeded" | "failed" | "reverted" | "cancelled" | "dry-run";
      reason: string;
    }
  | {
      kind: "approval-requested";
      run: RunNoticeRef;
      approvalId: string;
      expiresAt: string;
      /** When an approval still pending should mention the on-call. */
      escalateAt?: string;
      plan: { summary: string; why: string; changes: PlanChange[]; planHash: string };
    }
  | {
      kind: "approval-decided";
      run: RunNoticeRef;
      approvalId: string;
      decision: "approved" | "denied" | "expired";
      by: string;
      reason?: string;
    }
  | {
      kind: "approval-escalated";
      run: RunNoticeRef;
      approvalId: string;
      expiresAt: string;
    }
  | {
      kind: "circuit-breaker";
      policy: string;
      notify?: { slack: string; oncall?: string };
      detail: string;
    };

/**
 * Where runs report to people: Slack (through a `SlackPort`) in AWS and on the embedded runtime, where
 * the Slack port records what was said.
 */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
  /** A run's own messages. Never throws for a delivery failure: a run must not fail because Slack did. */
  announce(notice: RunNotice): Promise<void>;
}
