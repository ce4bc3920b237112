import {
  type ApprovalResumer,
  handleSlackCommand,
  handleSlackInteraction,
  type RouteResult,
  type RouterDeps,
  type SlackRequest,
  type SlackResponse,
} from "@architech/core";
import { type ApiRequest, type ApiRoute, answer } from "./http-api.ts";

export {
  type ApprovalDecisionOutcome,
  type ApprovalDecisionRequest,
  describeDecision,
} from "@architech/core";

export interface SlackEndpointsContext {
  /** The Slack app's signing secret: every request must be signed with it. */
  signingSecret: string;
  /** The router's dependencies: the store (approvals, audit) and the policies the commands list. */
  router: RouterDeps;
  /** Routes a raw event as the bus does; undefined when the delivery failed (see the log). */
  deliver: (raw: unknown, origin: string) => Promise<RouteResult | undefined>;
  /** Resumes or fails the workflow waiting on an approval. */
  approvals: ApprovalResumer;
}

/**
 * `POST /slack/commands` (slash commands) and `POST /slack/interactions` (approve / deny buttons), handled
 * by core's {@link handleSlackCommand} and {@link handleSlackInteraction}. Each request is checked against
 * its `X-Slack-Signature` over the raw body, with real wall-clock time (Slack signs with it), before
 * anything in it is read; a request that fails answers 401 and is audited.
 */
export function slackRoutes(context: SlackEndpointsContext): ApiRoute[] {
  return [
    {
      method: "POST",
      path: /^\/slack\/commands$/,
      handler: async (request) =>
        reply(
          await handleSlackCommand(await slackRequest(context, request), {
            ...context.router,
            deliver: (raw) => context.deliver(raw, "Slack"),
          }),
        ),
    },
    {
      method: "POST",
      path: /^\/slack\/interactions$/,
      handler: async (request) =>
        reply(
          await handleSlackInteraction(await slackRequest(context, request), {
            store: context.router.store,
            approvals: context.approvals,
          }),
        ),
    },
  ];
}

async function slackRequest(context: SlackEndpointsContext, request: ApiRequest): Promise<SlackRequest> {
  return {
    rawBody: await request.text(),
    headers: {
      "x-slack-request-timestamp": request.header("x-slack-request-timestamp"),
      "x-slack-signature": request.header("x-slack-signature"),
    },
    signingSecret: context.signingSecret,
    now: Date.now() / 1000,
    path: request.path,
  };
}

function reply(response: SlackResponse): unknown {
  return response.status === 200 ? response.body : answer(response.status, response.body);
}
