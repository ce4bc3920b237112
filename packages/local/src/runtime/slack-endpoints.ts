import {
  type ApprovalResumer,
  handleSlackCommand,
  handleSlackInteraction,
  type RouteResult,
  type RouterDeps,
  runDeferredSlackCommand,
  type SlackApprovalDecision,
  type SlackHooks,
  type SlackPort,
  type SlackRequest,
  type SlackResponse,
  type SlackSettings,
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
  /** Who may use which command where (`config/slack.yaml`). */
  settings: SlackSettings;
  /** The workspace's Slack: user groups for access rules, response URLs for answers given later. */
  slack: SlackPort;
  /** The router's dependencies: the store (approvals, audit, runs, switches) and the policies. */
  router: RouterDeps;
  /** Routes a raw event as the bus does; undefined when the delivery failed (see the log). */
  deliver: (raw: unknown, origin: string) => Promise<RouteResult | undefined>;
  /** Resumes or fails the workflow waiting on an approval. */
  approvals: ApprovalResumer;
  /** Tells the approval's message who decided it. */
  onApprovalDecided: NonNullable<SlackHooks["onApprovalDecided"]>;
  /**
   * Runs work after the reply has gone, as the Lambda does by invoking itself: a runbook command is
   * acknowledged at once and answered through its response URL.
   */
  defer: (work: () => Promise<void>) => void;
  /** Told of every failure caught at the boundary (the person gets a generic reply). */
  onError: (error: unknown) => void;
}

/**
 * `POST /slack/commands` (slash commands) and `POST /slack/interactions` (approve / deny buttons), handled
 * by core's {@link handleSlackCommand} and {@link handleSlackInteraction} with the same settings, access
 * rules and four-eyes approvals as on AWS. Each request is checked against its `X-Slack-Signature` over
 * the raw body, with real wall-clock time (Slack signs with it), before anything in it is read; a
 * request that fails answers 401 and is audited.
 */
export function slackRoutes(context: SlackEndpointsContext): ApiRoute[] {
  const hooks: SlackHooks = {
    settings: context.settings,
    slack: context.slack,
    onError: context.onError,
    onApprovalDecided: (approval, decision: SlackApprovalDecision) =>
      context.onApprovalDecided(approval, decision),
  };
  const deliver = (raw: unknown) => context.deliver(raw, "Slack");
  return [
    {
      method: "POST",
      path: /^\/slack\/commands$/,
      handler: async (request) => {
        const deps = { ...context.router, ...hooks, deliver, approvals: context.approvals };
        return reply(
          await handleSlackCommand(await slackRequest(context, request), {
            ...deps,
            defer: async (job) =>
              context.defer(async () => {
                await runDeferredSlackCommand(job, { ...deps, slack: context.slack });
              }),
          }),
        );
      },
    },
    {
      method: "POST",
      path: /^\/slack\/interactions$/,
      handler: async (request) =>
        reply(
          await handleSlackInteraction(await slackRequest(context, request), {
            ...hooks,
            store: context.router.store,
            approvals: context.approvals,
            policies: context.router.policies,
            clock: context.router.clock,
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
