import type { Policy } from "../../policy/policy.ts";
import { commandGrammarFor, RUNBOOK_COMMANDS } from "../../router/command-request.ts";
import type { Decision, RouteResult } from "../../router/decision.ts";
import { routeEvent } from "../../router/route.ts";
import { isRunbookName } from "../../runbook/registry.ts";
import { commandUsage } from "../../signals/command-args.ts";
import type { SlackCommandInput } from "../../signals/slack-command.ts";
import type { DeferredSlackCommand } from "../deferred.ts";
import type { SlackCommandDeps } from "../deps.ts";
import type { CommandContext, CommandReply } from "./context.ts";

/** What each runbook command does, for `help`. Their arguments and options are the router's to read. */
export const RUNBOOK_SUMMARIES: Readonly<Record<string, string>> = {
  rollback: "roll a service or Lambda alias back to its last known-good release (or `--to` one)",
  rightsize: "recommend (and, where the policy allows, apply) a right size for a service or function",
  cleanup: "find stale resources of one kind, or of every kind",
  "verify-backup": "restore a resource's latest recovery point into isolation and check it",
};

/** The commands the enabled policies answer, as `name` → the policies behind it. */
export function commandsOf(policies: readonly Policy[]): Map<string, Policy[]> {
  const commands = new Map<string, Policy[]>();
  for (const policy of policies) {
    if (!policy.enabled || !("command" in policy.trigger)) continue;
    const name = policy.trigger.command.name;
    commands.set(name, [...(commands.get(name) ?? []), policy]);
  }
  return commands;
}

/**
 * The usage of a runbook command, as the router reads it (`rollback <service> [--to <release>] …`): the
 * grammar of the first policy that answers it, else its runbook's.
 */
export function runbookUsage(name: string, policies: readonly Policy[], command: string): string {
  const policy = commandsOf(policies).get(name)?.[0];
  const grammar = policy
    ? commandGrammarFor(policy)
    : isRunbookName(name)
      ? { name, ...RUNBOOK_COMMANDS[name] }
      : { name, options: [] };
  return commandUsage(grammar, command).replace(/^Usage: /, "");
}

/** What a runbook command needs besides its context: what was typed, and how to answer later. */
export interface RunbookCommandRequest {
  name: string;
  /** The command's text as typed, e.g. `rollback prod/checkout-api`. */
  text: string;
  /** The event the router takes: the verified raw body and Slack's timestamp. */
  input: SlackCommandInput & { timestamp: string };
  responseUrl: string;
  /** When the request arrived, in epoch seconds. */
  receivedAt: number;
}

/**
 * A runbook command: the router reads its target and options (and rejects what it cannot use with a
 * usage line, which the reply shows); here it is audited with the person as actor, then routed — at once,
 * or through `deps.defer` so that Slack gets its answer within its 3 seconds.
 */
export async function runRunbookCommand(
  context: CommandContext,
  request: RunbookCommandRequest,
): Promise<CommandReply> {
  const { deps, command, userId, channelId } = context;
  const { name } = request;
  const behind = commandsOf(deps.policies.policies).get(name) ?? [];
  if (behind.length === 0) return { text: noPolicyAnswers(name, command, deps.policies.policies) };

  await deps.store.appendAudit({
    kind: "action",
    action: "command",
    actor: userId,
    reason: `${command} ${request.text}`.slice(0, 4000),
    ...(behind.length === 1 && behind[0] ? { policy: behind[0].name } : {}),
    details: { command: name, channel: channelId },
  });

  if (deps.defer) {
    const job: DeferredSlackCommand = {
      kind: "slack-command",
      body: request.input.body,
      timestamp: request.input.timestamp,
      userId,
      channelId,
      responseUrl: request.responseUrl,
      text: request.text,
      requestedAt: new Date(request.receivedAt * 1000).toISOString(),
      responseUrlUses: 0,
    };
    try {
      await deps.defer(job);
    } catch (error) {
      deps.onError?.(error);
      return { text: `\`${request.text}\` could not be queued just now; nothing was started. Try again.` };
    }
    return { text: `Working on \`${request.text}\`…` };
  }
  const result = await routeSlackCommand(deps, request.input);
  return { text: describeRoute(result, name, command, deps.policies.policies) };
}

/** Routes the command through `deps.deliver` (the embedded runtime's bus), else `routeEvent`; undefined when it failed. */
export async function routeSlackCommand(
  deps: SlackCommandDeps,
  input: SlackCommandInput,
): Promise<RouteResult | undefined> {
  try {
    return await (deps.deliver ? deps.deliver(input) : routeEvent(input, deps));
  } catch (error) {
    (deps.onDeliveryError ?? deps.onError)?.(error);
    return undefined;
  }
}

/**
 * What the router did with a command, as the person who typed it reads it: one line per decision, or why
 * there is none.
 *
 * @example
 * describeRoute(await routeSlackCommand(deps, input), "rollback", "/architech", policies);
 */
export function describeRoute(
  result: RouteResult | undefined,
  name: string,
  command: string,
  policies: readonly Policy[],
): string {
  if (result === undefined) {
    return `\`${name}\` could not be routed just now; the control plane's log says why; try again.`;
  }
  if (result.decisions.length === 0) return noPolicyAnswers(name, command, policies);
  return result.decisions.map((decision) => describeDecision(decision, command)).join("\n");
}

function noPolicyAnswers(name: string, command: string, policies: readonly Policy[]): string {
  const names = [...commandsOf(policies).keys()].map((n) => `\`${n}\``);
  return `No policy answers \`${name}\`; policies with commands: ${names.length > 0 ? names.join(", ") : "none"}. Try \`${command} help\`.`;
}

/**
 * One line per decision, as the person who typed the command reads it.
 *
 * @example
 * describeDecision({ kind: "suppressed", policy: "rollback-checkout", reason: "cooldown", detail: "cooldown until 12:30" });
 * // "Policy rollback-checkout did not act (cooldown): cooldown until 12:30"
 */
export function describeDecision(decision: Decision, command = "/architech"): string {
  switch (decision.kind) {
    case "start":
    case "dry-run": {
      const what = decision.kind === "dry-run" ? "Dry run of" : "Started";
      const again = decision.alreadyStarted ? " (already started)" : "";
      return `${what} ${decision.runbook} on ${decision.targetKey} (policy ${decision.policy}): run ${decision.runId}${again}.`;
    }
    case "await-approval": {
      const approvalId = `approval-${decision.runId}`;
      return `${decision.runbook} on ${decision.targetKey} (policy ${decision.policy}) awaits approval: run ${decision.runId}, approval ${approvalId}. Another person approves or denies it with the buttons on the approval message or \`${command} approve ${approvalId}\`.`;
    }
    case "suppressed":
      return `Policy ${decision.policy} did not act (${decision.reason}): ${decision.detail}`;
    case "rejected":
      return `Rejected${decision.policy ? ` by policy ${decision.policy}` : ""} (${decision.reason}): ${decision.detail}`;
  }
}
