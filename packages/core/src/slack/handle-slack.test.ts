import { describe, expect, it, vi } from "vitest";
import type { ApprovalResumer } from "../ports/approval-resumer.ts";
import type { RouteResult } from "../router/decision.ts";
import { PolicyIndex } from "../router/policy-index.ts";
import type { RouterDeps } from "../router/route.ts";
import type { Approval, DecideApprovalInput } from "../store/approval.ts";
import type { AppendAuditInput } from "../store/audit.ts";
import type { Store } from "../store/store.ts";
import { handleSlackCommand } from "./handle-command.ts";
import { handleSlackInteraction } from "./handle-interaction.ts";
import { signSlackRequest } from "./verify-request.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = 1_764_000_000;

function signed(rawBody: string, secret = SECRET) {
  const timestamp = String(NOW);
  const signature = signSlackRequest({ signingSecret: secret, timestamp, body: rawBody });
  return {
    rawBody,
    headers: { "x-slack-request-timestamp": timestamp, "x-slack-signature": signature },
    signingSecret: SECRET,
    now: NOW,
  };
}

const APPROVAL: Approval = {
  id: "approval-01JNQ0000000000000000000AB",
  runId: "01JNQ0000000000000000000AB",
  policy: "rollback-checkout",
  target: "ecs-service:prod/checkout-api",
  planHash: "sha256:0123456789abcdef",
  requestedBy: "router",
  requestedAt: "2026-03-02T10:15:00.000Z",
  expiresAt: "2026-03-02T11:15:00.000Z",
  decision: "pending",
  taskToken: "token-1",
};

/** The part of the store the Slack handlers use, recording what they wrote. */
function fakeStore(approval: Approval | undefined = APPROVAL) {
  const audits: AppendAuditInput[] = [];
  const decisions: DecideApprovalInput[] = [];
  const store = {
    appendAudit: async (input: AppendAuditInput) => {
      audits.push(input);
      return { ...input, id: `audit-${audits.length}`, at: "2026-03-02T10:16:00.000Z" };
    },
    getApproval: async (id: string) => (id === approval?.id ? approval : undefined),
    decideApproval: async (input: DecideApprovalInput) => {
      decisions.push(input);
      if (approval === undefined || input.id !== approval.id) return { decided: false, reason: "not-found" };
      return {
        decided: true,
        approval: { ...approval, decision: input.decision, decidedBy: input.decidedBy },
      };
    },
  } as unknown as Store;
  return { store, audits, decisions };
}

function resumer() {
  return {
    resume: vi.fn<ApprovalResumer["resume"]>(async () => undefined),
    reject: vi.fn<ApprovalResumer["reject"]>(async () => undefined),
  };
}

function commandBody(text: string): string {
  return new URLSearchParams({
    team_id: "T0001",
    channel_id: "C0123456789",
    user_id: "U024BE7LH",
    user_name: "alice",
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1/abc",
    trigger_id: "trigger-1",
    token: "deprecated",
    team_domain: "example",
    channel_name: "oncall",
    api_app_id: "A0001",
  }).toString();
}

function interactionBody(actionId: string, value: string): string {
  const payload = {
    type: "block_actions",
    user: { id: "U024BE7LH" },
    actions: [{ type: "button", action_id: actionId, value }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function routerDeps(store: Store): RouterDeps {
  return {
    store,
    workflows: { startWorkflow: vi.fn(), stopWorkflow: vi.fn() } as unknown as RouterDeps["workflows"],
    clock: { now: () => new Date(NOW * 1000) },
    ids: { newRunId: () => "01JNQ0000000000000000000AB" },
    policies: new PolicyIndex([]),
  };
}

describe("handleSlackCommand", () => {
  it("answers 401 and audits a request not signed with the signing secret", async () => {
    // Prepare
    const { store, audits } = fakeStore();
    const deliver = vi.fn();

    // Act
    const response = await handleSlackCommand(
      { ...signed(commandBody("rollback checkout"), "another-secret"), path: "/slack/commands" },
      { ...routerDeps(store), deliver },
    );

    // Assess
    expect(response).toEqual({ status: 401, body: { error: "invalid signature" } });
    expect(deliver).not.toHaveBeenCalled();
    expect(audits).toEqual([
      expect.objectContaining({
        kind: "decision",
        action: "rejected",
        actor: "slack",
        details: {
          reason: "invalid-signature",
          path: "/slack/commands",
          signature: "present",
          timestamp: "present",
        },
      }),
    ]);
  });

  it("answers help without routing anything", async () => {
    // Prepare
    const { store } = fakeStore();
    const deliver = vi.fn();

    // Act
    const response = await handleSlackCommand(signed(commandBody("help")), { ...routerDeps(store), deliver });

    // Assess
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: "No policy answers a command yet: give a policy `trigger: { command: { name } }`.",
      },
    });
    expect(deliver).not.toHaveBeenCalled();
  });

  it("routes the command and describes each decision", async () => {
    // Prepare
    const { store } = fakeStore();
    const result: RouteResult = {
      signalId: "s1",
      signalType: "chat-command",
      matched: ["rollback-checkout"],
      decisions: [
        {
          kind: "suppressed",
          policy: "rollback-checkout",
          reason: "cooldown",
          detail: "cooldown until 12:30",
        } as RouteResult["decisions"][number],
      ],
      annotations: [],
    };
    const deliver = vi.fn(async () => result);

    // Act
    const response = await handleSlackCommand(signed(commandBody("rollback prod/checkout-api")), {
      ...routerDeps(store),
      deliver,
    });

    // Assess
    expect(deliver).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "slack-command", timestamp: String(NOW) }),
    );
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: "Policy rollback-checkout did not act (cooldown): cooldown until 12:30",
      },
    });
  });

  it("says so when the command could not be routed", async () => {
    // Prepare
    const { store } = fakeStore();
    const onDeliveryError = vi.fn();
    const failure = new Error("throttled");

    // Act
    const response = await handleSlackCommand(signed(commandBody("rollback prod/checkout-api")), {
      ...routerDeps(store),
      deliver: async () => {
        throw failure;
      },
      onDeliveryError,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ text: expect.stringContaining("could not be routed just now") });
    expect(onDeliveryError).toHaveBeenCalledWith(failure);
  });
});

describe("handleSlackInteraction", () => {
  it("approves the approval and resumes its workflow with the approval", async () => {
    // Prepare
    const { store, audits, decisions } = fakeStore();
    const approvals = resumer();

    // Act
    const response = await handleSlackInteraction(signed(interactionBody("approve", APPROVAL.id)), {
      store,
      approvals,
    });

    // Assess
    expect(response).toEqual({
      status: 200,
      body: { text: `Approval ${APPROVAL.id} approved by <@U024BE7LH>.` },
    });
    expect(decisions).toEqual([
      { id: APPROVAL.id, planHash: APPROVAL.planHash, decision: "approved", decidedBy: "U024BE7LH" },
    ]);
    expect(approvals.resume).toHaveBeenCalledWith("token-1", {
      approvalId: APPROVAL.id,
      approvedBy: "U024BE7LH",
      planHash: APPROVAL.planHash,
    });
    expect(approvals.reject).not.toHaveBeenCalled();
    expect(audits).toEqual([
      expect.objectContaining({
        kind: "approval",
        action: "approved",
        actor: "U024BE7LH",
        runId: APPROVAL.runId,
      }),
    ]);
  });

  it("denies the approval and fails its workflow with ApprovalDenied", async () => {
    // Prepare
    const { store } = fakeStore();
    const approvals = resumer();

    // Act
    const response = await handleSlackInteraction(signed(interactionBody("deny", APPROVAL.id)), {
      store,
      approvals,
    });

    // Assess
    expect(response.body).toEqual({ text: `Approval ${APPROVAL.id} denied by <@U024BE7LH>.` });
    expect(approvals.reject).toHaveBeenCalledWith(
      "token-1",
      "ApprovalDenied",
      "denied by U024BE7LH: denied in Slack by U024BE7LH",
    );
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("answers an unknown approval without resuming anything", async () => {
    // Prepare
    const { store } = fakeStore();
    const approvals = resumer();

    // Act
    const response = await handleSlackInteraction(signed(interactionBody("approve", "approval-unknown")), {
      store,
      approvals,
    });

    // Assess
    expect(response.body).toEqual({ text: "Not approved: no approval approval-unknown." });
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("answers 401 to an unsigned interaction and unsupported to anything but a button", async () => {
    // Prepare
    const { store } = fakeStore();
    const approvals = resumer();

    // Act
    const unsigned = await handleSlackInteraction(
      { ...signed(interactionBody("approve", APPROVAL.id)), headers: {} },
      { store, approvals },
    );
    const other = await handleSlackInteraction(signed("payload=%7B%22type%22%3A%22view_submission%22%7D"), {
      store,
      approvals,
    });

    // Assess
    expect(unsigned.status).toBe(401);
    expect(other).toEqual({ status: 200, body: { text: "unsupported interaction" } });
    expect(approvals.resume).not.toHaveBeenCalled();
  });
});
