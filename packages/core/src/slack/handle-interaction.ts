import { parseFormBody } from "../signals/index.ts";
import { decideSlackApproval, tellApprovalDecided } from "./approvals.ts";
import type { SlackInteractionDeps } from "./deps.ts";
import {
  checkSlackSignature,
  INVALID_SIGNATURE,
  type SlackReplyBody,
  type SlackRequest,
  type SlackResponse,
} from "./signed-request.ts";

export type { SlackInteractionDeps } from "./deps.ts";

const UNSUPPORTED: SlackResponse = { status: 200, body: { text: "unsupported interaction" } };

/** The parts of a `block_actions` payload the approval buttons need. */
interface ButtonClick {
  actionId: "approve" | "deny";
  approvalId: string;
  userId: string;
  channelId: string | undefined;
  responseUrl: string | undefined;
  /** The plan hash the clicked message showed (`plan sha256:…`), when Slack sent the message along. */
  shownPlanHash: string | undefined;
}

/**
 * A Slack interaction (`POST /slack/interactions`): the Approve / Deny buttons of a plan.
 *
 * The signature is checked first (401 and an audit entry when it fails). The click must pass the
 * `approve` / `deny` access rule of `deps.settings` in the channel of the message (403, audited); an
 * approval must pass four eyes (not the person who asked for the run) and the policy's
 * `approval.approvers`; the store then decides it (refusing an expired one, or one whose plan changed)
 * and the workflow is resumed or failed through `approvals`; `onApprovalDecided` is told.
 *
 * Slack ignores the body of the acknowledgement of a `block_actions` request, so the answer is also
 * posted to the payload's `response_url` when `deps.slack` is given: a decision replaces the original
 * message (`replace_original`, which takes the buttons away), a refusal is an ephemeral message to the
 * person who clicked. The HTTP body says the same, for clients that read it. Anything but an approve /
 * deny button answers "unsupported interaction"; a failure is told to `onError` and answered generically.
 *
 * @example
 * const { status, body } = await handleSlackInteraction(
 *   { rawBody, headers, signingSecret, now },
 *   { store, approvals, settings, slack, policies },
 * );
 */
export async function handleSlackInteraction(
  request: SlackRequest,
  deps: SlackInteractionDeps,
): Promise<SlackResponse> {
  const checked = await checkSlackSignature(request, deps.store, "/slack/interactions");
  if (!checked.ok) return INVALID_SIGNATURE;
  const click = readButtonClick(request.rawBody);
  if (click === undefined) return UNSUPPORTED;
  try {
    return await answerClick(deps, click);
  } catch (error) {
    deps.onError?.(error);
    return {
      status: 200,
      body: {
        response_type: "ephemeral",
        replace_original: false,
        text: "Something went wrong with that button; nothing more is known here (the control plane's log says what). Try again.",
      },
    };
  }
}

async function answerClick(deps: SlackInteractionDeps, click: ButtonClick): Promise<SlackResponse> {
  const now = () => deps.clock?.now() ?? new Date();
  const policies = deps.policies;
  const result = await decideSlackApproval(
    {
      store: deps.store,
      approvals: deps.approvals,
      policyNamed: policies === undefined ? undefined : (name) => policies.byName(name),
      now,
      settings: deps.settings,
      slack: deps.slack,
      onError: deps.onError,
    },
    {
      approvalId: click.approvalId,
      decision: click.actionId === "approve" ? "approved" : "denied",
      userId: click.userId,
      channelId: click.channelId,
      via: "Slack",
      ...(click.shownPlanHash === undefined ? {} : { shownPlanHash: click.shownPlanHash }),
    },
  );
  const body: SlackReplyBody =
    result.kind === "decided"
      ? { replace_original: true, text: result.text }
      : { response_type: "ephemeral", replace_original: false, text: result.text };
  if (deps.slack && click.responseUrl !== undefined) {
    try {
      // A decision replaces the approval message for everyone; a refusal is for the clicker alone.
      const decided = result.kind === "decided";
      await deps.slack.respond(click.responseUrl, {
        text: body.text,
        responseType: decided ? "in_channel" : "ephemeral",
        replaceOriginal: decided,
      });
    } catch (error) {
      deps.onError?.(error);
    }
  }
  if (result.kind === "decided") await tellApprovalDecided(deps, result);
  if (result.kind === "access") {
    return { status: 403, body: { response_type: "ephemeral", replace_original: false, text: result.text } };
  }
  return { status: 200, body };
}

function readButtonClick(body: string): ButtonClick | undefined {
  const raw = parseFormBody(body).payload;
  if (raw === undefined) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(payload) || payload.type !== "block_actions" || !Array.isArray(payload.actions)) {
    return undefined;
  }
  const action: unknown = payload.actions[0];
  const userId = isRecord(payload.user) ? payload.user.id : undefined;
  if (typeof userId !== "string" || userId.trim() === "") return undefined;
  if (!isRecord(action) || (action.action_id !== "approve" && action.action_id !== "deny")) return undefined;
  if (typeof action.value !== "string" || action.value.trim() === "") return undefined;
  const channel = isRecord(payload.channel) ? payload.channel.id : undefined;
  const container = isRecord(payload.container) ? payload.container.channel_id : undefined;
  const channelId =
    typeof channel === "string" ? channel : typeof container === "string" ? container : undefined;
  const responseUrl = typeof payload.response_url === "string" ? payload.response_url : undefined;
  return {
    actionId: action.action_id,
    approvalId: action.value,
    userId,
    channelId,
    responseUrl,
    shownPlanHash: shownPlanHashOf(payload.message),
  };
}

/**
 * The plan hash the approval message showed when it was clicked: Slack sends the message along with a
 * button click, and the approval message names its plan (`plan \`sha256:0123456789ab\``). The buttons
 * carry only the approval id, so this is what tells whether the person saw the plan that is stored.
 */
function shownPlanHashOf(message: unknown): string | undefined {
  if (!isRecord(message)) return undefined;
  return /plan `([a-z0-9]+:[0-9a-f]{6,128})`/.exec(JSON.stringify(message.blocks ?? []))?.[1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
