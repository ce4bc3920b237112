import type { PlanChange, RunNoticeRef } from "../../ports/notifier.ts";
import type { SlackMessage } from "../../ports/slack.ts";
import { actions, context, header, listText, message, section } from "./elements.ts";
import { code, escapeMrkdwn, isSlackId, slackDate, slackMention, truncate } from "./mrkdwn.ts";
import { runContext, runSubject } from "./run-message.ts";

/** `action_id`s of the approval buttons, as the interaction handler reads them. */
export const APPROVE_ACTION_ID = "approve";
export const DENY_ACTION_ID = "deny";

export interface ApprovalRequestInput {
  run: RunNoticeRef;
  approvalId: string;
  expiresAt: string;
  escalateAt?: string;
  plan: { summary: string; why: string; changes: readonly PlanChange[]; planHash: string };
}

/**
 * One change as a line: `target: action (from → to)`.
 *
 * @example
 * describeChange({ target: "prod/checkout-api", action: "roll back", from: "checkout-api:42", to: "checkout-api:41" });
 * // "• *prod/checkout-api*: roll back (checkout-api:42 → checkout-api:41)"
 */
export function describeChange(change: PlanChange): string {
  const fromTo =
    change.from !== undefined || change.to !== undefined
      ? ` (${escapeMrkdwn(change.from ?? "?")} → ${escapeMrkdwn(change.to ?? "?")})`
      : "";
  return `• *${escapeMrkdwn(truncate(change.target, 300))}*: ${escapeMrkdwn(truncate(change.action, 500))}${fromTo}`;
}

/**
 * The approval request: the plan (summary, why, each change), the run, the deadline, and the Approve and
 * Deny buttons. A button's `value` is the approval id and nothing else: the task token that resumes the
 * workflow stays in the store, and the plan hash is checked there, not taken from the message.
 *
 * @example
 * const { blocks } = buildApprovalRequest({ run, approvalId: "approval-r1", expiresAt, plan });
 * // blocks.at(-1): { type: "actions", elements: [{ action_id: "approve", value: "approval-r1", style: "primary" }, …] }
 */
export function buildApprovalRequest(input: ApprovalRequestInput): SlackMessage {
  const { run, approvalId, expiresAt, escalateAt, plan } = input;
  const subject = runSubject(run);
  const changes =
    plan.changes.length === 0
      ? "_no changes listed_"
      : listText(plan.changes.map(describeChange), { maxChars: 2900 });
  const deadline = [
    `:alarm_clock: expires ${slackDate(expiresAt)}: not approved by then counts as *denied*`,
    escalateAt ? `on-call mentioned ${slackDate(escalateAt)} if still waiting` : "",
  ];
  const blocks = [
    header(`Approval needed: ${subject}`),
    section(`*Plan*\n${escapeMrkdwn(truncate(plan.summary, 1500))}`),
    section(`*Why*\n${escapeMrkdwn(truncate(plan.why, 1000))}`),
    section(`*Changes (${plan.changes.length})*\n${changes}`),
    context(deadline),
    context([...runContext(run), `approval ${code(approvalId)} · plan ${code(shortHash(plan.planHash))}`]),
    actions(`approval:${approvalId}`, [
      { text: "Approve", actionId: APPROVE_ACTION_ID, value: approvalId, style: "primary" },
      { text: "Deny", actionId: DENY_ACTION_ID, value: approvalId, style: "danger" },
    ]),
  ];
  const text = escapeMrkdwn(`Approval needed (${approvalId}, expires ${expiresAt}): ${plan.summary}`);
  return message(text, blocks);
}

export interface ApprovalDecidedInput {
  run: RunNoticeRef;
  approvalId: string;
  decision: "approved" | "denied" | "expired";
  /** Who decided: a Slack user id is mentioned, anything else (`architech`) shown as it is. */
  by: string;
  reason?: string;
  /** When it was decided. */
  at: string;
}

/**
 * The approval once decided: the buttons are gone, the message says who decided and when — or that it
 * expired, which counts as a denial.
 *
 * @example
 * buildApprovalDecided({ run, approvalId, decision: "approved", by: "U024BE7LH", at: now.toISOString() });
 */
export function buildApprovalDecided(input: ApprovalDecidedInput): SlackMessage {
  const { run, approvalId, decision, by, reason, at } = input;
  const subject = runSubject(run);
  const who = isSlackId(by) ? slackMention(by) : escapeMrkdwn(by);
  const line =
    decision === "approved"
      ? `:white_check_mark: *Approved* by ${who} ${slackDate(at)}`
      : decision === "denied"
        ? `:no_entry: *Denied* by ${who} ${slackDate(at)}`
        : `:hourglass: *Expired* ${slackDate(at)}: nobody approved in time, so *denied*`;
  const blocks = [
    header(
      `${decision === "approved" ? "Approved" : decision === "denied" ? "Denied" : "Expired"}: ${subject}`,
    ),
    section(`${line}${reason ? `\n${escapeMrkdwn(truncate(reason, 1000))}` : ""}`),
    context([...runContext(run), `approval ${code(approvalId)}`]),
  ];
  const text =
    decision === "expired"
      ? escapeMrkdwn(`Approval ${approvalId} expired (denied): ${subject}`)
      : `${escapeMrkdwn(`Approval ${approvalId} ${decision} by`)} ${who}: ${escapeMrkdwn(subject)}`;
  return message(text, blocks);
}

/**
 * The reply to an approval still waiting at its escalation time: it mentions the policy's on-call.
 *
 * @example
 * buildApprovalEscalation({ run, approvalId: "approval-r1", expiresAt: "2026-12-01T11:00:00.000Z" });
 */
export function buildApprovalEscalation(input: {
  run: RunNoticeRef;
  approvalId: string;
  expiresAt: string;
}): SlackMessage {
  const { run, approvalId, expiresAt } = input;
  const oncall = run.notify?.oncall ? `${slackMention(run.notify.oncall)} ` : "";
  const line =
    `${oncall}:rotating_light: approval ${code(approvalId)} for *${escapeMrkdwn(runSubject(run))}* is still waiting; ` +
    `it expires ${slackDate(expiresAt)} and then counts as denied.`;
  const text = `${oncall}${escapeMrkdwn(`approval ${approvalId} for ${runSubject(run)} is still waiting; it expires ${expiresAt}`)}`;
  return message(text, [section(line), context(runContext(run))]);
}

function shortHash(planHash: string): string {
  const [algorithm, hex = ""] = planHash.split(":");
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : planHash.slice(0, 20);
}
