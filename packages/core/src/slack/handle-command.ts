import type { Policy } from "../policy/policy.ts";
import type { Decision, RouteResult } from "../router/decision.ts";
import { type RouterDeps, routeEvent } from "../router/route.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import {
  checkSlackSignature,
  INVALID_SIGNATURE,
  type SlackRequest,
  type SlackResponse,
} from "./signed-request.ts";

/** What {@link handleSlackCommand} acts through: the router's dependencies, and optionally how to route. */
export type SlackCommandDeps = RouterDeps & {
  /**
   * Routes the command as an event. Default: {@link routeEvent} with these deps. Answers undefined (or
   * throws) when the delivery failed; the reply then says so.
   */
  deliver?: (raw: unknown) => Promise<RouteResult | undefined>;
  /** Told of a delivery that threw, e.g. to log it. */
  onDeliveryError?: (error: unknown) => void;
};

/**
 * A Slack slash command (`POST /slack/commands`): the signature is checked over the raw body before
 * anything in it is read (a request that fails answers 401 and is audited); the command is then routed
 * as a chat-command signal, and the reply — ephemeral, for the person who typed it — tells what the
 * policies did.
 *
 * @example
 * const { status, body } = await handleSlackCommand({ rawBody, headers, signingSecret, now: Date.now() / 1000 }, deps);
 */
export async function handleSlackCommand(
  request: SlackRequest,
  deps: SlackCommandDeps,
): Promise<SlackResponse> {
  const checked = await checkSlackSignature(request, deps.store, "/slack/commands");
  if (!checked.ok) return INVALID_SIGNATURE;
  const text = await answerCommand(deps, request.rawBody, checked.timestamp);
  return { status: 200, body: { response_type: "ephemeral", text } };
}

async function deliverCommand(deps: SlackCommandDeps, raw: unknown): Promise<RouteResult | undefined> {
  try {
    return await (deps.deliver ? deps.deliver(raw) : routeEvent(raw, deps));
  } catch (error) {
    deps.onDeliveryError?.(error);
    return undefined;
  }
}

/** The commands the enabled policies answer, as `name` → the policies behind it. */
function commandsOf(policies: readonly Policy[]): Map<string, Policy[]> {
  const commands = new Map<string, Policy[]>();
  for (const policy of policies) {
    if (!policy.enabled || !("command" in policy.trigger)) continue;
    const name = policy.trigger.command.name;
    commands.set(name, [...(commands.get(name) ?? []), policy]);
  }
  return commands;
}

/** The reply to `<command> help`: every command the enabled policies answer. */
export function slackHelpText(command: string, policies: readonly Policy[]): string {
  const commands = commandsOf(policies);
  if (commands.size === 0)
    return "No policy answers a command yet: give a policy `trigger: { command: { name } }`.";
  return [
    `Usage: \`${command} <command> <target>\`, the target as \`<cluster>/<service>\`, \`<service> --cluster <cluster>\` or \`<function>:<alias>\`. Commands:`,
    ...[...commands].map(
      ([name, behind]) =>
        `• \`${name}\` — ${behind.map((p) => `${p.name} (${p.runbook}, ${p.mode}): ${p.description}`).join("; ")}`,
    ),
  ].join("\n");
}

async function answerCommand(deps: SlackCommandDeps, body: string, timestamp: string): Promise<string> {
  const input = { kind: "slack-command", body, timestamp };
  const normalized = normalizeEvent(input);
  const policies = deps.policies.policies;
  if (!normalized.ok || normalized.signal.type !== "chat-command") {
    // Routed all the same, so that the rejection is audited as any invalid event is.
    await deliverCommand(deps, input);
    const message = normalized.ok ? `a ${normalized.signal.type} signal` : normalized.error.message;
    return `The command could not be read: ${message}`;
  }
  const signal = normalized.signal;
  const name = signal.args[0] ?? "";
  if (name === "" || name === "help") return slackHelpText(signal.command, policies);
  const result = await deliverCommand(deps, input);
  if (result === undefined)
    return `\`${name}\` could not be routed just now; the control plane's log says why; try again.`;
  if (result.decisions.length === 0) {
    const names = [...commandsOf(policies).keys()].map((n) => `\`${n}\``);
    return `No policy answers \`${name}\`; policies with commands: ${names.length > 0 ? names.join(", ") : "none"}. Try \`${signal.command} help\`.`;
  }
  return result.decisions.map(describeDecision).join("\n");
}

/** One line per decision, as the person who typed the command reads it. */
export function describeDecision(decision: Decision): string {
  switch (decision.kind) {
    case "start":
    case "dry-run": {
      const what = decision.kind === "dry-run" ? "Dry run of" : "Started";
      const again = decision.alreadyStarted ? " (already started)" : "";
      return `${what} ${decision.runbook} on ${decision.targetKey} (policy ${decision.policy}): run ${decision.runId}${again}.`;
    }
    case "await-approval": {
      const approvalId = `approval-${decision.runId}`;
      return `${decision.runbook} on ${decision.targetKey} (policy ${decision.policy}) awaits approval: run ${decision.runId}, approval ${approvalId}. Approve or deny it with the buttons on the approval message.`;
    }
    case "suppressed":
      return `Policy ${decision.policy} did not act (${decision.reason}): ${decision.detail}`;
    case "rejected":
      return `Rejected${decision.policy ? ` by policy ${decision.policy}` : ""} (${decision.reason}): ${decision.detail}`;
  }
}
