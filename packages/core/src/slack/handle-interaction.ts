import { parseFormBody } from "../signals/index.ts";
import {
  type ApprovalDecisionDeps,
  type ApprovalDecisionRequest,
  decideApproval,
} from "./decide-approval.ts";
import {
  checkSlackSignature,
  INVALID_SIGNATURE,
  type SlackRequest,
  type SlackResponse,
} from "./signed-request.ts";

/** What {@link handleSlackInteraction} acts through: the store, and what resumes a waiting workflow. */
export type SlackInteractionDeps = ApprovalDecisionDeps;

/**
 * A Slack interaction (`POST /slack/interactions`): the approve / deny buttons of a plan. The signature is
 * checked first (401 and an audit entry when it fails); the approval is then decided and its workflow
 * resumed or failed through `approvals`. Anything but an approve / deny button answers
 * "unsupported interaction".
 *
 * @example
 * const { status, body } = await handleSlackInteraction({ rawBody, headers, signingSecret, now }, { store, approvals });
 */
export async function handleSlackInteraction(
  request: SlackRequest,
  deps: SlackInteractionDeps,
): Promise<SlackResponse> {
  const checked = await checkSlackSignature(request, deps.store, "/slack/interactions");
  if (!checked.ok) return INVALID_SIGNATURE;
  return { status: 200, body: { text: await answerInteraction(deps, request.rawBody) } };
}

interface BlockAction {
  action_id?: unknown;
  value?: unknown;
}

async function answerInteraction(deps: SlackInteractionDeps, body: string): Promise<string> {
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
  const request: ApprovalDecisionRequest = {
    id: action.value,
    decision,
    by: userId,
    via: "Slack",
    ...(decision === "denied" ? { reason: `denied in Slack by ${userId}` } : {}),
  };
  const outcome = await decideApproval(deps, request);
  if (!outcome.decided) return `Not ${decision}: ${outcome.message}.`;
  return `Approval ${action.value} ${decision} by <@${userId}>.`;
}
