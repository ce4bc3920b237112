import type { Notification, Notifier, RunNotice } from "@architech/core";
import type { Logger } from "@aws-lambda-powertools/logger";

type Level = "info" | "warn" | "error";

/**
 * Writes notifications and run notices to the function's structured log, one entry each, where a metric
 * filter or a log subscription can pick them up: `notification` or `notice` holds the whole object (run,
 * policy, channel, severity), the message a line people can read. It is the notifier of a deployment
 * without a Slack app (`SLACK_BOT_TOKEN_PARAMETER` unset); where one is configured, the Slack notifier
 * replaces it.
 *
 * @example
 * const notifier: Notifier = slack ? slackNotifier : new LogNotifier(logger);
 * await notifier.announce({ kind: "run-finished", run, status: "succeeded", reason: "alarm back to OK" });
 */
export class LogNotifier implements Notifier {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async notify(notification: Notification): Promise<void> {
    const level: Level =
      notification.severity === "failure" ? "error" : notification.severity === "warning" ? "warn" : "info";
    this.#logger[level](notification.text, { notification: { ...notification } });
  }

  /** Never throws: the log is the last place a notice can go. */
  async announce(notice: RunNotice): Promise<void> {
    try {
      this.#logger[levelOf(notice)](describeNotice(notice), { notice: { ...notice } });
    } catch {
      // A logger that cannot write has nowhere to report it either; the run goes on.
    }
  }
}

/** Failures are errors, what waits for a person is a warning, the rest is information. */
function levelOf(notice: RunNotice): Level {
  switch (notice.kind) {
    case "run-finished":
      return notice.status === "failed" || notice.status === "reverted" ? "error" : "info";
    case "circuit-breaker":
      return "error";
    case "approval-requested":
    case "approval-escalated":
      return "warn";
    default:
      return "info";
  }
}

/** One line that says what happened: `run 01J… (rollback-api → rollback on ecs:prod/api) finished: failed — …`. */
function describeNotice(notice: RunNotice): string {
  if (notice.kind === "circuit-breaker") {
    return `policy ${notice.policy} paused by its circuit breaker: ${notice.detail}`;
  }
  const { run } = notice;
  const about = `run ${run.runId} (${run.policy} → ${run.runbook} on ${run.targetKey})`;
  switch (notice.kind) {
    case "run-started":
      return `${about} started: ${notice.status}, triggered by ${run.trigger.summary}`;
    case "run-progress":
      return `${about}: ${notice.step}`;
    case "run-finished":
      return `${about} finished: ${notice.status} — ${notice.reason}`;
    case "approval-requested":
      return `${about} awaits approval ${notice.approvalId} until ${notice.expiresAt}: ${notice.plan.summary}`;
    case "approval-decided":
      return `${about}: approval ${notice.approvalId} ${notice.decision} by ${notice.by}${notice.reason === undefined ? "" : ` (${notice.reason})`}`;
    case "approval-escalated":
      return `${about}: approval ${notice.approvalId} still pending, escalated; it expires at ${notice.expiresAt}`;
  }
}
