import {
  type Approval,
  type Decision,
  normalizeEvent,
  type Policy,
  parseFormBody,
  type RouteResult,
  type Store,
  verifySlackRequest,
} from "@architech/core";
import { type ApiRequest, type ApiRoute, answer } from "./http-api.ts";

const SLACK_ACTOR = "slack";

/** What deciding an approval needs, whichever way the decision arrives. */
export interface ApprovalDecisionRequest {
  id: string;
  decision: "approved" | "denied";
  /** Who decides, e.g. a Slack user id. */
  by: string;
  reason?: string;
  /** How the decision arrived, for the audit entry: "the local API", "Slack". */
  via: string;
}

export type ApprovalDecisionOutcome =
  | { decided: true; approval: Omit<Approval, "taskToken"> }
  | { decided: false; notFound: boolean; message: string };

export interface SlackEndpointsContext {
  /** The Slack app's signing secret: every request must be signed with it. */
  signingSecret: string;
  store: Store;
  policies: readonly Policy[];
  /** Routes a raw event as the bus does; undefined when the delivery failed (see the log). */
  deliver: (raw: unknown, origin: string) => Promise<RouteResult | undefined>;
  decide: (request: ApprovalDecisionRequest) => Promise<ApprovalDecisionOutcome>;
}

/**
 * `POST /slack/commands` (slash commands) and `POST /slack/interactions` (approve / deny buttons). Each
 * request is checked against its `X-Slack-Signature` over the raw body, with real wall-clock time (Slack
 * signs with it), before anything in it is read; a request that fails answers 401 and is audited.
 */
export function slackRoutes(context: SlackEndpointsContext): ApiRoute[] {
  return [
    {
      method: "POST",
      path: /^\/slack\/commands$/,
      handler: async (request) => {
        const checked = await verify(context, request);
        if (!checked.ok) return checked.answer;
        return ephemeral(await answerCommand(context, checked.body, checked.timestamp));
      },
    },
    {
      method: "POST",
      path: /^\/slack\/interactions$/,
      handler: async (request) => {
        const checked = await verify(context, request);
        if (!checked.ok) return checked.answer;
        return { text: await answerInteraction(context, checked.body) };
      },
    },
  ];
}

type Verified = { ok: true; body: string; timestamp: string } | { ok: false; answer: unknown };

async function verify(context: SlackEndpointsContext, request: ApiRequest): Promise<Verified> {
  const body = await request.text();
  const timestamp = request.header("x-slack-request-timestamp") ?? "";
  const signature = request.header("x-slack-signature") ?? "";
  const ok = verifySlackRequest({
    signingSecret: context.signingSecret,
    timestamp,
    body,
    signature,
    now: Date.now() / 1000,
  });
  if (ok) return { ok: true, body, timestamp };
  await context.store.appendAudit({
    kind: "decision",
    action: "rejected",
    actor: SLACK_ACTOR,
    reason: `${request.path}: the request is not signed with the Slack signing secret, or its timestamp is over 5 minutes away`,
    details: {
      reason: "invalid-signature",
      path: request.path,
      signature: signature === "" ? "missing" : "present",
      timestamp: timestamp === "" ? "missing" : "present",
    },
  });
  return { ok: false, answer: answer(401, { error: "invalid signature" }) };
}

function ephemeral(text: string): { response_type: "ephemeral"; text: string } {
  return { response_type: "ephemeral", text };
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

function helpText(command: string, policies: readonly Policy[]): string {
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

async function answerCommand(
  context: SlackEndpointsContext,
  body: string,
  timestamp: string,
): Promise<string> {
  const input = { kind: "slack-command", body, timestamp };
  const normalized = normalizeEvent(input);
  if (!normalized.ok || normalized.signal.type !== "chat-command") {
    // Routed all the same, so that the rejection is audited as any invalid event is.
    await context.deliver(input, "Slack");
    const message = normalized.ok ? `a ${normalized.signal.type} signal` : normalized.error.message;
    return `The command could not be read: ${message}`;
  }
  const signal = normalized.signal;
  const name = signal.args[0] ?? "";
  if (name === "" || name === "help") return helpText(signal.command, context.policies);
  const result = await context.deliver(input, "Slack");
  if (result === undefined)
    return `\`${name}\` could not be routed just now; see the runtime's log and try again.`;
  if (result.decisions.length === 0) {
    const names = [...commandsOf(context.policies).keys()].map((n) => `\`${n}\``);
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
      return `${decision.runbook} on ${decision.targetKey} (policy ${decision.policy}) awaits approval: run ${decision.runId}, approval ${approvalId}. Approve or deny it with the buttons on the plan, or POST /api/approvals/${approvalId}.`;
    }
    case "suppressed":
      return `Policy ${decision.policy} did not act (${decision.reason}): ${decision.detail}`;
    case "rejected":
      return `Rejected${decision.policy ? ` by policy ${decision.policy}` : ""} (${decision.reason}): ${decision.detail}`;
  }
}

interface BlockAction {
  action_id?: unknown;
  value?: unknown;
}

async function answerInteraction(context: SlackEndpointsContext, body: string): Promise<string> {
  const unsupported = "unsupported interaction";
  const raw = parseFormBody(body).payload;
  if (raw === undefined) return unsupported;
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return unsupported;
  }
  if (typeof payload !== "object" || payload === null) return unsupported;
  const { type, actions, user } = payload as { type?: unknown; actions?: unknown; user?: unknown };
  if (type !== "block_actions" || !Array.isArray(actions)) return unsupported;
  const action = actions[0] as BlockAction | undefined;
  const userId = typeof user === "object" && user !== null ? (user as { id?: unknown }).id : undefined;
  if (typeof userId !== "string" || userId.trim() === "") return unsupported;
  if (action?.action_id !== "approve" && action?.action_id !== "deny") return unsupported;
  if (typeof action.value !== "string" || action.value.trim() === "") return unsupported;
  const decision = action.action_id === "approve" ? "approved" : "denied";
  const outcome = await context.decide({
    id: action.value,
    decision,
    by: userId,
    via: "Slack",
    ...(decision === "denied" ? { reason: `denied in Slack by ${userId}` } : {}),
  });
  if (!outcome.decided) return `Not ${decision}: ${outcome.message}.`;
  return `Approval ${action.value} ${decision} by <@${userId}>.`;
}
