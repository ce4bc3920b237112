import type { ApprovalResumer } from "../ports/approval-resumer.ts";
import type { SlackPort } from "../ports/slack.ts";
import type { RouteResult } from "../router/decision.ts";
import type { PolicyIndex } from "../router/policy-index.ts";
import type { Clock } from "../router/ports.ts";
import type { RouterDeps } from "../router/route.ts";
import type { Approval } from "../store/approval.ts";
import type { ApprovalDecisionDeps } from "./decide-approval.ts";
import type { DeferredSlackCommand } from "./deferred.ts";
import type { SlackSettings } from "./settings.ts";

/** What an approval decision was, as told to {@link SlackHooks.onApprovalDecided}. */
export interface SlackApprovalDecision {
  decision: "approved" | "denied";
  /** The Slack user id of who decided. */
  by: string;
  reason?: string;
}

/** Optional collaborators of both Slack endpoints. */
export interface SlackHooks {
  /**
   * Who may use which command, where. Without it every command that changes something is denied (the
   * read-only ones stay open): pass the settings loaded with `loadSlackSettings`.
   */
  settings?: SlackSettings;
  /** Slack's API: user group members for access rules, and replies through response URLs. */
  slack?: SlackPort;
  /** Told of every failure caught at the boundary (the person gets a generic reply), e.g. to log it. */
  onError?: (error: unknown) => void;
  /**
   * Called after an approval was decided (by command or button), e.g. to update the approval message in
   * place. A failure is reported to `onError`; the decision stands.
   */
  onApprovalDecided?: (
    approval: Omit<Approval, "taskToken">,
    decision: SlackApprovalDecision,
  ) => Promise<void> | void;
}

/** What `handleSlackCommand` acts through: the router's dependencies, and optionally the rest. */
export type SlackCommandDeps = RouterDeps &
  SlackHooks & {
    /**
     * Routes the command as an event. Default: `routeEvent` with these deps. Answers undefined (or
     * throws) when the delivery failed; the reply then says so.
     */
    deliver?: (raw: unknown) => Promise<RouteResult | undefined>;
    /** Told of a delivery that threw; default `onError`. */
    onDeliveryError?: (error: unknown) => void;
    /** Resumes or fails a workflow waiting on an approval: needed by `approve` and `deny`. */
    approvals?: ApprovalResumer;
    /**
     * Hands a runbook command to a worker that routes it after Slack got its answer (see
     * `DeferredSlackCommand`). Without it, runbook commands are routed before answering.
     */
    defer?: (job: DeferredSlackCommand) => Promise<void>;
  };

/** What `handleSlackInteraction` acts through: the store, what resumes a waiting workflow, and the rest. */
export type SlackInteractionDeps = ApprovalDecisionDeps &
  SlackHooks & {
    /**
     * The policies, to honour a policy's `approval.approvers`. Without them no button approves anything:
     * who may approve could not be checked.
     */
    policies?: PolicyIndex;
    /** Default: the system clock. */
    clock?: Clock;
  };
