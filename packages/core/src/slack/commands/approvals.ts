import { decideSlackApproval, tellApprovalDecided } from "../approvals.ts";
import type { CommandContext, CommandDefinition, CommandReply } from "./context.ts";

async function decide(
  context: CommandContext,
  approvalId: string,
  decision: "approved" | "denied",
  reason: string | undefined,
): Promise<CommandReply> {
  const { deps } = context;
  if (deps.approvals === undefined) {
    // A deployment that wires the command without the workflow resumer: say so rather than half-decide.
    return {
      text: "Approvals cannot be decided from this command here; use the buttons on the approval message.",
    };
  }
  const result = await decideSlackApproval(
    {
      store: deps.store,
      approvals: deps.approvals,
      policyNamed: (name) => deps.policies.byName(name),
      now: () => deps.clock.now(),
      settings: context.settings,
      slack: deps.slack,
      onError: deps.onError,
    },
    {
      approvalId,
      decision,
      userId: context.userId,
      channelId: context.channelId,
      via: decision === "approved" ? "the approve command in Slack" : "the deny command in Slack",
      accessChecked: true,
      ...(reason === undefined ? {} : { reason }),
    },
  );
  if (result.kind === "decided") await tellApprovalDecided(deps, result);
  return result.kind === "access" ? { text: result.text, status: 403 } : { text: result.text };
}

/** `approve <approval-id>`: approves a plan, under four eyes and the policy's approvers. */
export const approveCommand: CommandDefinition = {
  name: "approve",
  usage: "approve <approval-id>",
  summary: "approve a waiting plan (not one you asked for yourself)",
  grammar: { positional: { placeholder: "<approval-id>", required: true }, options: [] },
  run: (context, { positional }) => decide(context, positional ?? "", "approved", undefined),
};

/** `deny <approval-id> [--reason …]`: denies a plan; its run fails with ApprovalDenied. */
export const denyCommand: CommandDefinition = {
  name: "deny",
  usage: 'deny <approval-id> [--reason "<text>"]',
  summary: "deny a waiting plan",
  grammar: { positional: { placeholder: "<approval-id>", required: true }, options: ["reason"] },
  run: (context, { positional, options }) => decide(context, positional ?? "", "denied", options.reason),
};
