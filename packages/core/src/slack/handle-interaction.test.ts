import { describe, expect, it, vi } from "vitest";
import { PolicyIndex } from "../router/policy-index.ts";
import { ACCESS_AUDIT_KIND } from "./access.ts";
import type { SlackInteractionDeps } from "./deps.ts";
import { handleSlackInteraction } from "./handle-interaction.ts";
import { SlackSettingsSchema } from "./settings.ts";
import {
  ALICE,
  APPROVAL_ID,
  approvalOf,
  BOB,
  CAROL,
  fakeSlack,
  interactionBody,
  MemoryStore,
  ONCALL_GROUP,
  OPS_CHANNEL,
  OTHER_CHANNEL,
  RUN_ID,
  resumer,
  runOf,
  signed,
  testPolicies,
} from "./test-support.ts";

const SETTINGS = SlackSettingsSchema.parse({
  access: {
    approve: { groups: [ONCALL_GROUP], channels: [OPS_CHANNEL] },
    deny: { groups: [ONCALL_GROUP] },
  },
});
const RESPONSE_URL = "https://hooks.slack.com/actions/T0001/2/def";

function textOf(response: Awaited<ReturnType<typeof handleSlackInteraction>>): string {
  return "text" in response.body ? response.body.text : "";
}

/** An approval pending on a run Alice asked for; Alice, Bob and Carol are on call. */
function setUp(extra: Partial<SlackInteractionDeps> = {}) {
  const memory = new MemoryStore();
  memory.approvals.set(APPROVAL_ID, approvalOf());
  memory.runs.set(RUN_ID, runOf({}, ALICE));
  const slack = fakeSlack({ [ONCALL_GROUP]: [ALICE, BOB, CAROL] });
  const approvals = resumer();
  const deps: SlackInteractionDeps = {
    store: memory.store,
    approvals,
    settings: SETTINGS,
    slack,
    policies: new PolicyIndex(testPolicies()),
    clock: { now: memory.now },
    ...extra,
  };
  const click = (
    actionId: string,
    user = BOB,
    channel: string | undefined = OPS_CHANNEL,
    value = APPROVAL_ID,
  ) => handleSlackInteraction(signed(interactionBody(actionId, value, user, channel)), deps);
  return { memory, slack, approvals, deps, click };
}

describe("handleSlackInteraction", () => {
  it("approves, resumes the workflow, replaces the approval message and tells the hook", async () => {
    // Prepare
    const onApprovalDecided = vi.fn();
    const { click, approvals, memory, slack } = setUp({ onApprovalDecided });

    // Act
    const response = await click("approve");

    // Assess
    const text = `Approval ${APPROVAL_ID} approved by <@${BOB}>.`;
    expect(response).toEqual({ status: 200, body: { replace_original: true, text } });
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, {
      text,
      responseType: "in_channel",
      replaceOriginal: true,
    });
    expect(approvals.resume).toHaveBeenCalledWith("token-1", {
      approvalId: APPROVAL_ID,
      approvedBy: BOB,
      planHash: "sha256:0123456789abcdef",
    });
    expect(memory.audits).toEqual([
      expect.objectContaining({ kind: "approval", action: "approved", actor: BOB, runId: RUN_ID }),
    ]);
    expect(onApprovalDecided).toHaveBeenCalledWith(expect.objectContaining({ decision: "approved" }), {
      decision: "approved",
      by: BOB,
    });
  });

  it("replaces the message first, then tells the hook, so that the hook's update of it stays", async () => {
    // Prepare
    const order: string[] = [];
    const { click, slack } = setUp({ onApprovalDecided: async () => void order.push("hook") });
    slack.respond.mockImplementation(async () => void order.push("replace"));

    // Act
    await click("approve");

    // Assess
    expect(order).toEqual(["replace", "hook"]);
  });

  it("denies and fails the workflow with ApprovalDenied", async () => {
    // Prepare
    const { click, approvals } = setUp();

    // Act
    const response = await click("deny");

    // Assess
    expect(response.body).toEqual({
      replace_original: true,
      text: `Approval ${APPROVAL_ID} denied by <@${BOB}>.`,
    });
    expect(approvals.reject).toHaveBeenCalledWith(
      "token-1",
      "ApprovalDenied",
      `denied by ${BOB}: denied in Slack by ${BOB}`,
    );
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("refuses the requester's own approval (four eyes), ephemerally, without replacing the message", async () => {
    // Prepare
    const { click, approvals, memory, slack } = setUp();

    // Act
    const response = await click("approve", ALICE);

    // Assess
    const text = "Not approved: you asked for this run; another person must approve it (four eyes).";
    expect(response).toEqual({
      status: 200,
      body: { response_type: "ephemeral", replace_original: false, text },
    });
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, {
      text,
      responseType: "ephemeral",
      replaceOriginal: false,
    });
    expect(approvals.resume).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
      expect.objectContaining({ kind: "approval", action: "refused", actor: ALICE }),
    ]);
  });

  it("treats a person named as the approval's requester as the requester", async () => {
    // Prepare
    const { click, memory } = setUp();
    memory.runs.clear();
    memory.approvals.set(APPROVAL_ID, approvalOf({ requestedBy: CAROL }));

    // Act
    const response = await click("approve", CAROL);

    // Assess
    expect(textOf(response)).toContain("four eyes");
  });

  it("honours the policy's approvers, and refuses to approve when the policies are not given", async () => {
    // Prepare
    const restricted = setUp({ policies: new PolicyIndex(testPolicies({ approvers: [CAROL] })) });
    const blind = setUp({ policies: undefined });

    // Act
    const bob = await restricted.click("approve", BOB);
    const carol = await restricted.click("approve", CAROL);
    const unchecked = await blind.click("approve", BOB);
    const denial = await blind.click("deny", BOB);

    // Assess
    expect(textOf(bob)).toBe(`Not approved: policy rollback-by-hand is approved only by <@${CAROL}>.`);
    expect(textOf(carol)).toBe(`Approval ${APPROVAL_ID} approved by <@${CAROL}>.`);
    expect(textOf(unchecked)).toBe(
      "Not approved: the approvers of policy rollback-by-hand cannot be checked here; approve it with the command.",
    );
    expect(textOf(denial)).toBe(`Approval ${APPROVAL_ID} denied by <@${BOB}>.`);
  });

  it("answers 403, audited, to a person or channel the access rule does not allow", async () => {
    // Prepare
    const { click, approvals, memory, slack } = setUp();

    // Act
    const outsider = await click("approve", "U0DAVE00004");
    const elsewhere = await click("approve", BOB, OTHER_CHANNEL);

    // Assess
    expect(outsider).toEqual({
      status: 403,
      body: {
        response_type: "ephemeral",
        replace_original: false,
        text: "You may not approve approvals: you are not one of the people or user groups its access rule lists.",
      },
    });
    expect(elsewhere.status).toBe(403);
    expect(slack.respond).toHaveBeenCalledWith(
      RESPONSE_URL,
      expect.objectContaining({ responseType: "ephemeral", replaceOriginal: false }),
    );
    expect(approvals.resume).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
      expect.objectContaining({ kind: ACCESS_AUDIT_KIND, action: "denied", actor: "U0DAVE00004" }),
      expect.objectContaining({
        kind: ACCESS_AUDIT_KIND,
        action: "denied",
        actor: BOB,
        details: expect.objectContaining({ command: "approve", channel: OTHER_CHANNEL }),
      }),
    ]);
  });

  it("denies every button without settings (secure by default)", async () => {
    // Prepare
    const { click, approvals } = setUp({ settings: undefined });

    // Act
    const approve = await click("approve");
    const deny = await click("deny");

    // Assess
    expect(approve.status).toBe(403);
    expect(deny.status).toBe(403);
    expect(approvals.resume).not.toHaveBeenCalled();
    expect(approvals.reject).not.toHaveBeenCalled();
  });

  it("refuses to approve from a message that showed another plan than the one stored, and audits it", async () => {
    // Prepare
    const { deps, approvals, memory } = setUp();
    const stale = (plan: string) =>
      handleSlackInteraction(signed(interactionBody("approve", APPROVAL_ID, BOB, OPS_CHANNEL, plan)), deps);

    // Act
    const refused = await stale("sha256:ffffffffffff");
    const accepted = await stale("sha256:0123456789ab");

    // Assess
    expect(textOf(refused)).toContain("the plan changed since this message was posted");
    expect(memory.audits.some((e) => e.action === "refused" && e.reason.includes("plan changed"))).toBe(true);
    expect(textOf(accepted)).toContain("approved by");
    expect(approvals.resume).toHaveBeenCalledTimes(1);
  });

  it("says clearly that an expired approval counts as denied", async () => {
    // Prepare
    const { click, memory } = setUp();
    memory.approvals.set(APPROVAL_ID, approvalOf({ expiresAt: "2026-03-02T10:00:00.000Z" }));

    // Act
    const response = await click("approve");

    // Assess
    expect(textOf(response)).toContain(
      "it expired at 2026-03-02T10:00:00.000Z: an approval not given in time counts as denied, so nothing was approved",
    );
  });

  it("answers an unknown approval without resuming anything", async () => {
    // Prepare
    const { click, approvals } = setUp();

    // Act
    const response = await click("approve", BOB, OPS_CHANNEL, "approval-unknown");

    // Assess
    expect(textOf(response)).toBe(
      "No approval `approval-unknown`: approvals are named `approval-<run id>`, as on the approval message.",
    );
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("keeps the decision when answering through the response URL or the hook fails", async () => {
    // Prepare
    const onError = vi.fn();
    const { click, slack, memory } = setUp({
      onError,
      onApprovalDecided: async () => {
        throw new Error("message gone");
      },
    });
    slack.respond.mockRejectedValueOnce(new Error("expired_url"));

    // Act
    const response = await click("approve");

    // Assess
    expect(response.status).toBe(200);
    expect(memory.approvals.get(APPROVAL_ID)?.decision).toBe("approved");
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it("catches a failure and answers generically", async () => {
    // Prepare
    const onError = vi.fn();
    const { click, memory } = setUp({ onError });
    memory.getApproval = async () => {
      throw new Error("table gone");
    };

    // Act
    const response = await click("approve");

    // Assess
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        replace_original: false,
        text: "Something went wrong with that button; nothing more is known here (the control plane's log says what). Try again.",
      },
    });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "table gone" }));
  });

  it("answers 401 to an unsigned interaction and unsupported to anything but a button", async () => {
    // Prepare
    const { deps, approvals, memory } = setUp();

    // Act
    const unsigned = await handleSlackInteraction(
      { ...signed(interactionBody("approve", APPROVAL_ID)), headers: {} },
      deps,
    );
    const other = await handleSlackInteraction(
      signed("payload=%7B%22type%22%3A%22view_submission%22%7D"),
      deps,
    );
    const otherButton = await handleSlackInteraction(signed(interactionBody("snooze", APPROVAL_ID)), deps);

    // Assess
    expect(unsigned.status).toBe(401);
    expect(other).toEqual({ status: 200, body: { text: "unsupported interaction" } });
    expect(otherButton).toEqual({ status: 200, body: { text: "unsupported interaction" } });
    expect(approvals.resume).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "decision",
        action: "rejected",
        details: expect.objectContaining({ reason: "invalid-signature" }),
      }),
    ]);
  });
});
