import type { Run } from "../../store/run.ts";

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** An actor as Slack shows it: a mention for a Slack user id, the name as it is otherwise (`circuit-breaker`). */
export function who(actor: string): string {
  return SLACK_USER.test(actor) ? `<@${actor}>` : actor;
}

/** An ISO instant, to the minute, in UTC: `2026-03-02 10:15 UTC`. */
export function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The Slack user who asked for a run by a chat command, read from the run's stored signal. */
export function requesterOf(run: Run | undefined): string | undefined {
  const signal = run?.signal;
  if (signal?.type !== "chat-command") return undefined;
  const userId = signal.userId;
  return typeof userId === "string" && userId.trim() !== "" ? userId : undefined;
}

/** One line about a run, for lists. */
export function runLine(run: Run): string {
  return `• \`${run.id}\` *${run.status}* — ${run.runbook} on ${run.target} (policy ${run.policy}), ${when(run.createdAt)}`;
}

/** `/architech <usage>` as code, for replies. */
export function usageOf(command: string, usage: string): string {
  return `Usage: \`${command} ${usage}\``;
}
