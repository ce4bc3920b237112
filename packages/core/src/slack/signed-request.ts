import type { Store } from "../store/store.ts";
import { verifySlackRequest } from "./verify-request.ts";

const SLACK_ACTOR = "slack";

/** A request Slack sent: its raw body as received, its headers with lower-case names. */
export interface SlackRequest {
  rawBody: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** The Slack app's signing secret: the request must be signed with it. */
  signingSecret: string;
  /** Wall-clock time in seconds since the epoch (Slack signs with real time). */
  now: number;
  /** Where the request arrived, for the audit entry of a rejected one. */
  path?: string;
}

/**
 * A message in answer to a slash command or an interaction, as Slack reads it: `response_type` says who
 * sees it (ephemeral: only the person), `replace_original` whether it replaces the message whose button
 * was clicked.
 */
export interface SlackReplyBody {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  text: string;
}

/**
 * What a Slack handler answers: the HTTP status and the JSON body. 403 is an access refusal (its body
 * still tells the person why); 401 a request that is not Slack's.
 */
export type SlackResponse =
  | { status: 200; body: SlackReplyBody }
  | { status: 403; body: SlackReplyBody & { response_type: "ephemeral" } }
  | { status: 401; body: { error: "invalid signature" } };

export const INVALID_SIGNATURE: SlackResponse = { status: 401, body: { error: "invalid signature" } };

/**
 * Checks the request's `x-slack-signature` over its raw body; one that fails is audited as a rejected
 * decision. True when the request may be read.
 */
export async function checkSlackSignature(
  request: SlackRequest,
  store: Store,
  defaultPath: string,
): Promise<{ ok: true; timestamp: string } | { ok: false }> {
  const timestamp = request.headers["x-slack-request-timestamp"] ?? "";
  const signature = request.headers["x-slack-signature"] ?? "";
  const ok = verifySlackRequest({
    signingSecret: request.signingSecret,
    timestamp,
    body: request.rawBody,
    signature,
    now: request.now,
  });
  if (ok) return { ok: true, timestamp };
  const path = request.path ?? defaultPath;
  await store.appendAudit({
    kind: "decision",
    action: "rejected",
    actor: SLACK_ACTOR,
    reason: `${path}: the request is not signed with the Slack signing secret, or its timestamp is over 5 minutes away`,
    details: {
      reason: "invalid-signature",
      path,
      signature: signature === "" ? "missing" : "present",
      timestamp: timestamp === "" ? "missing" : "present",
    },
  });
  return { ok: false };
}
