import type { RunNoticeRef } from "../../ports/notifier.ts";
import type { SlackMessage } from "../../ports/slack.ts";
import { context, header, message, section } from "./elements.ts";
import { code, escapeMrkdwn, slackDate, slackMention, truncate } from "./mrkdwn.ts";

/** Where a run stands, as its one message shows it. */
export type RunMessageState =
  | { status: "started" }
  | { status: "awaiting-approval" }
  | { status: "progress"; step: string }
  | { status: "succeeded" | "failed" | "reverted" | "cancelled" | "dry-run"; reason: string };

export interface RunMessageInput {
  run: RunNoticeRef;
  state: RunMessageState;
  /** When the message was last changed (shown as "updated …"). */
  at?: string;
}

const LOOK: Record<RunMessageState["status"], { emoji: string; title: string; label: string }> = {
  started: { emoji: ":arrow_forward:", title: "Started", label: "started" },
  "awaiting-approval": {
    emoji: ":hourglass_flowing_sand:",
    title: "Awaiting approval",
    label: "awaiting approval",
  },
  progress: { emoji: ":gear:", title: "Running", label: "in progress" },
  succeeded: { emoji: ":white_check_mark:", title: "Succeeded", label: "succeeded" },
  failed: { emoji: ":x:", title: "Failed", label: "failed" },
  reverted: { emoji: ":leftwards_arrow_with_hook:", title: "Reverted", label: "reverted" },
  cancelled: { emoji: ":no_entry_sign:", title: "Cancelled", label: "cancelled" },
  "dry-run": { emoji: ":memo:", title: "Dry run", label: "dry run, nothing changed" },
};

const MODE: Record<RunNoticeRef["mode"], string> = {
  auto: "auto",
  approve: "asks for approval",
  "dry-run": "dry run (plans, changes nothing)",
};

/** `rollback on prod/checkout-api`, the subject of every message about a run. */
export function runSubject(run: RunNoticeRef): string {
  return `${run.runbook} on ${run.targetKey}`;
}

/** The context line every message about a run ends with: policy, mode, trigger, run id. */
export function runContext(run: RunNoticeRef, at?: string): string[] {
  const requested = run.trigger.requestedBy ? ` by ${slackMention(run.trigger.requestedBy)}` : "";
  return [
    `policy *${escapeMrkdwn(run.policy)}* · mode ${MODE[run.mode]}`,
    `trigger: ${escapeMrkdwn(truncate(run.trigger.summary, 300))}${requested}`,
    `run ${code(run.runId)}${at ? ` · updated ${slackDate(at)}` : ""}`,
  ];
}

/**
 * The one message a run has, in each of its states: it is posted when the run starts and updated in
 * place as it goes. A failure mentions the policy's on-call (`<@U…>` or `<!subteam^S…>`).
 *
 * @example
 * const { text, blocks } = buildRunMessage({ run, state: { status: "succeeded", reason: "alarm returned to OK" } });
 */
export function buildRunMessage({ run, state, at }: RunMessageInput): SlackMessage {
  const { emoji, title, label } = LOOK[state.status];
  const subject = runSubject(run);
  const oncall =
    state.status === "failed" && run.notify?.oncall ? slackMention(run.notify.oncall) : undefined;
  const detail =
    state.status === "progress"
      ? state.step
      : "reason" in state
        ? state.reason
        : state.status === "awaiting-approval"
          ? "waiting for a person to approve the plan (in the thread)"
          : run.mode === "dry-run"
            ? "planning; nothing will be changed"
            : "planning";
  const blocks = [
    header(`${title}: ${subject}`),
    section(
      `${emoji} *${escapeMrkdwn(subject)}* — *${label}*\n${escapeMrkdwn(truncate(detail, 2500))}` +
        (oncall ? `\n${oncall} please take a look.` : ""),
    ),
    context(runContext(run, at)),
  ];
  const text = `${oncall ? `${oncall} ` : ""}${escapeMrkdwn(`${subject} (${run.policy}): ${label} — ${detail}`)}`;
  return message(text, blocks);
}

/**
 * The reply that pages the on-call when a run whose message already exists fails: Slack notifies no one
 * for a mention added by editing a message, so the failure is said once more, as a new reply.
 *
 * @example
 * buildOnCallReply({ run, oncall: "S0PLATFORMONCALL", reason: "alarm still ALARM after the rollback" });
 */
export function buildOnCallReply(input: { run: RunNoticeRef; oncall: string; reason: string }): SlackMessage {
  const { run, oncall, reason } = input;
  const line = `${slackMention(oncall)} ${escapeMrkdwn(runSubject(run))} *failed*: ${escapeMrkdwn(truncate(reason, 2500))}`;
  return message(line, [
    section(line),
    context([`run ${code(run.runId)} · policy *${escapeMrkdwn(run.policy)}*`]),
  ]);
}
