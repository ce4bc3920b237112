import type { Decision, RouteResult, Signal } from "@architech/core";
import { describeSignal } from "@architech/core";
import type { SandboxAction } from "../sandbox/context.ts";
import type { SlackActivity } from "../slack/recording-slack.ts";
import type { LocalExecutionEvent } from "../stepfunctions/history.ts";

/** What a line of the live log is about. */
export type RuntimeLogKind =
  | "runtime"
  | "event"
  | "decision"
  | "workflow"
  | "action"
  | "notification"
  | "schedule"
  | "error";

/** One line of the live log. `at` is the virtual clock's time. */
export interface RuntimeLogEntry {
  at: string;
  kind: RuntimeLogKind;
  text: string;
  runId?: string;
}

/**
 * A log entry as one readable line: virtual time of day, what it is about, what happened.
 *
 * @example
 * formatLogEntry({ at: "2026-12-01T10:00:03.000Z", kind: "decision", text: "rollback-on-errors: start …" });
 * // "10:00:03  decision      rollback-on-errors: start …"
 */
export function formatLogEntry(entry: RuntimeLogEntry): string {
  const time = entry.at.slice(11, 19);
  return `${time}  ${entry.kind.padEnd(12)}  ${entry.text}`;
}

export function describeDecision(decision: Decision): string {
  switch (decision.kind) {
    case "start":
    case "dry-run":
    case "await-approval": {
      const verb = decision.kind === "start" ? "start" : decision.kind;
      const again = decision.alreadyStarted ? " (already started)" : "";
      return `${decision.policy}: ${verb} ${decision.runbook} on ${decision.targetKey} — run ${decision.runId}${again}`;
    }
    case "suppressed":
      return `${decision.policy}: suppressed (${decision.reason}) — ${decision.detail}`;
    case "rejected":
      return `${decision.policy ?? "no policy"}: rejected (${decision.reason}) — ${decision.detail}`;
  }
}

/** The line an event gives as it arrives on the bus, before it is routed. */
export function eventLogEntry(origin: string, signal: Signal | undefined): Omit<RuntimeLogEntry, "at"> {
  return {
    kind: "event",
    text: `${origin}: ${signal === undefined ? "an event the router does not read" : describeSignal(signal)}`,
  };
}

/** The entries a routed event gives: each decision with its reason, the release recorded, runs settled. */
export function routingLogEntries(result: RouteResult): Omit<RuntimeLogEntry, "at">[] {
  const entries: Omit<RuntimeLogEntry, "at">[] = [];
  if (result.release !== undefined) {
    entries.push({
      kind: "decision",
      text: result.release.recorded
        ? "release recorded in the deployment history"
        : `release not recorded: ${result.release.reason ?? "already known"}`,
    });
  }
  if (result.matched.length === 0 && result.decisions.length === 0) {
    entries.push({ kind: "decision", text: "no policy matches" });
  }
  for (const decision of result.decisions) {
    const runId = "runId" in decision ? decision.runId : undefined;
    entries.push({ kind: "decision", text: describeDecision(decision), ...(runId ? { runId } : {}) });
  }
  for (const annotation of result.annotations) {
    entries.push({
      kind: "decision",
      text: `run ${annotation.runId} (${annotation.policy}) ${annotation.action}: ${annotation.detail}`,
      runId: annotation.runId,
    });
  }
  return entries;
}

const QUIET_EVENTS = new Set(["TaskScheduled", "TaskSubmitted", "TaskSucceeded"]);

/** A workflow history event as a line, or `undefined` for the events that only repeat a transition. */
export function describeExecutionEvent(event: LocalExecutionEvent): string | undefined {
  if (QUIET_EVENTS.has(event.type) || event.type.endsWith("StateExited")) return undefined;
  const name = `${event.stateMachineName}/${event.executionArn.split(":").pop() ?? ""}`;
  const failure =
    event.error === undefined ? "" : ` — ${event.error}${event.cause ? `: ${firstLine(event.cause)}` : ""}`;
  if (event.type.endsWith("StateEntered")) {
    const type = event.type.slice(0, -"StateEntered".length);
    return `${name} → ${event.stateName ?? "?"} (${type})`;
  }
  if (event.type.startsWith("Map")) {
    return `${name} ${event.stateName ?? ""}[${event.index ?? "?"}] ${event.type.slice(3)}${failure}`;
  }
  return `${name} ${event.type}${event.stateName ? ` in ${event.stateName}` : ""}${failure}`;
}

export function describeAction(action: SandboxAction): string {
  const who = action.via === "scenario" ? "scenario" : "sandbox";
  const change = action.error
    ? ` FAILED: ${action.error}`
    : action.after
      ? ` ${compact(action.before)} → ${compact(action.after)}`
      : "";
  return `${who} ${action.operation} ${action.target}${change}`;
}

/**
 * A Slack message posted or updated (or an ephemeral, a response-URL reply) as a line: where, which
 * message, what it says now, with Slack's markup made readable.
 *
 * @example
 * describeSlackActivity({ kind: "updated", message }); // "#oncall 1796119500.000002 (in thread 1796119500.000001) updated: <!subteam^S…> rollback … failed — …"
 */
export function describeSlackActivity(activity: SlackActivity): string {
  switch (activity.kind) {
    case "posted":
    case "updated":
    case "deleted": {
      const { channel, ts, threadTs, text } = activity.message;
      const where = `${channel} ${ts}${threadTs ? ` (in thread ${threadTs})` : ""}`;
      return `${where} ${activity.kind}: ${firstLine(readable(text))}`;
    }
    case "ephemeral":
      return `${activity.ephemeral.channel} to ${activity.ephemeral.user} only: ${firstLine(readable(activity.ephemeral.text))}`;
    case "response":
      return `response (${activity.response.responseType}${activity.response.replaceOriginal ? ", replacing" : ""}): ${firstLine(readable(activity.response.text))}`;
  }
}

/** Slack mrkdwn as a log shows it: mentions as `@id`, dates as their fallback, entities decoded. */
function readable(text: string): string {
  return text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<@([A-Z0-9]+)>/g, "@$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function compact(value: Record<string, unknown> | undefined): string {
  if (value === undefined) return "∅";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 240 ? `${line.slice(0, 237)}…` : line;
}
