import { describe, expect, it, vi } from "vitest";
import type { RouteResult } from "../router/decision.ts";
import { PolicyIndex } from "../router/policy-index.ts";
import { ACCESS_AUDIT_KIND } from "./access.ts";
import type { DeferredSlackCommand } from "./deferred.ts";
import { handleSlackCommand } from "./handle-command.ts";
import { SlackSettingsSchema } from "./settings.ts";
import {
  ALICE,
  APPROVAL_ID,
  approvalOf,
  BOB,
  CAROL,
  type CommandDepsOverrides,
  commandBody,
  commandDeps,
  fakeSlack,
  MemoryStore,
  NOW,
  ONCALL_GROUP,
  OPS_CHANNEL,
  OTHER_CHANNEL,
  RESPONSE_URL,
  RUN_ID,
  resumer,
  runOf,
  signed,
  testPolicies,
} from "./test-support.ts";

const SETTINGS = SlackSettingsSchema.parse({
  access: {
    rollback: { users: [ALICE], channels: [OPS_CHANNEL] },
    cleanup: {},
    approve: { groups: [ONCALL_GROUP] },
    deny: { groups: [ONCALL_GROUP] },
    pause: { users: [ALICE] },
    resume: { users: [ALICE] },
  },
});

const AWAITING: RouteResult = {
  signalId: "trigger-1",
  signalType: "chat-command",
  matched: ["rollback-by-hand"],
  decisions: [
    {
      kind: "await-approval",
      policy: "rollback-by-hand",
      runbook: "rollback",
      target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
      targetKey: "ecs-service:prod/checkout-api",
      runId: RUN_ID,
      executionName: "e",
      executionArn: "arn:aws:states:eu-west-1:123456789012:execution:rollback:e",
      alreadyStarted: false,
    },
  ],
  annotations: [],
};

/** A store, a Slack port whose on-call group is Alice, Bob and Carol, and the deps over them. */
function setUp(extra: CommandDepsOverrides = {}) {
  const memory = new MemoryStore();
  const slack = fakeSlack({ [ONCALL_GROUP]: [ALICE, BOB, CAROL] });
  const approvals = resumer();
  const deps = commandDeps(memory, { settings: SETTINGS, slack, approvals, ...extra });
  const send = (text: string, user = ALICE, channel = OPS_CHANNEL) =>
    handleSlackCommand(signed(commandBody(text, user, channel)), deps);
  return { memory, slack, approvals, deps, send };
}

function textOf(response: Awaited<ReturnType<typeof handleSlackCommand>>): string {
  return "text" in response.body ? response.body.text : "";
}

describe("handleSlackCommand: the signature", () => {
  it("answers 401 and audits a request not signed with the signing secret, before reading it", async () => {
    // Prepare
    const { memory, deps } = setUp();

    // Act
    const response = await handleSlackCommand(
      { ...signed("this is not a form %%% {", "another-secret"), path: "/slack/commands" },
      deps,
    );

    // Assess
    expect(response).toEqual({ status: 401, body: { error: "invalid signature" } });
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
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

  it("answers 401 to a request whose signature is over five minutes old", async () => {
    // Prepare
    const { deps } = setUp();
    const request = signed(commandBody("pause all --reason incident"));

    // Act
    const response = await handleSlackCommand({ ...request, now: NOW + 301 }, deps);

    // Assess
    expect(response.status).toBe(401);
  });
});

describe("handleSlackCommand: help and unknown commands", () => {
  it("lists every command, with the policies behind the runbook commands", async () => {
    // Prepare
    const { send, deps } = setUp();

    // Act
    const response = await send("help");
    const empty = await send("");

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ response_type: "ephemeral" });
    const text = textOf(response);
    for (const usage of [
      "/architech status",
      "/architech runs [runbook|policy|target]",
      "/architech run <run id>",
      "/architech approve <approval-id>",
      '/architech deny <approval-id> [--reason "<text>"]',
      '/architech pause <policy|all> [--for <duration>] --reason "<text>"',
      "/architech resume <policy|all>",
      "/architech rollback <service>",
    ]) {
      expect(text).toContain(usage);
    }
    expect(text).toContain("(policy rollback-by-hand, approve)");
    expect(text).toMatch(/rightsize <target>.*no policy answers it yet/);
    expect(textOf(empty)).toBe(text);
    expect(deps.deliver).not.toHaveBeenCalled();
  });

  it("tells how to use one command", async () => {
    // Prepare
    const { send } = setUp();

    // Act
    const response = await send("help pause");

    // Assess
    expect(textOf(response)).toBe(
      '`/architech pause <policy|all> [--for <duration>] --reason "<text>"` — pause a policy (for a while, or until resumed); `all` engages the kill switch',
    );
  });

  it("answers an unknown command with the commands there are, routing and auditing nothing", async () => {
    // Prepare
    const { send, deps, memory } = setUp();

    // Act
    const response = await send("restart prod/checkout-api");

    // Assess
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: expect.stringMatching(
          /^Unknown command `restart`\. Commands: `help`, `status`, .*`verify-backup`\. `\/architech help`/,
        ),
      },
    });
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([]);
  });
});

describe("handleSlackCommand: access", () => {
  it("opens read-only commands to everyone without settings, and denies the rest with 403, audited", async () => {
    // Prepare
    const { memory, deps } = setUp({ settings: undefined });
    const send = (text: string) => handleSlackCommand(signed(commandBody(text, CAROL, OTHER_CHANNEL)), deps);

    // Act
    const status = await send("status");
    const pause = await send("pause all --reason incident");
    const rollback = await send("rollback prod/checkout-api");

    // Assess
    expect(status.status).toBe(200);
    expect(pause).toEqual({
      status: 403,
      body: {
        response_type: "ephemeral",
        text: "You may not use `/architech pause`: no access rule allows it (commands that change something are denied unless a rule allows them).",
      },
    });
    expect(rollback.status).toBe(403);
    expect(memory.killSwitch).toBeUndefined();
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: ACCESS_AUDIT_KIND,
        action: "denied",
        actor: CAROL,
        details: { reason: "access-denied", command: "pause", channel: OTHER_CHANNEL, rule: "none" },
      }),
      expect.objectContaining({ actor: CAROL, details: expect.objectContaining({ command: "rollback" }) }),
    ]);
  });

  it("denies a person the rule does not list", async () => {
    // Prepare
    const { send, memory } = setUp();

    // Act
    const response = await send("pause rollback-by-hand --reason test", BOB);

    // Assess
    expect(response.status).toBe(403);
    expect(textOf(response)).toContain("you are not one of the people or user groups its access rule lists");
    expect(memory.pauses.size).toBe(0);
    expect(memory.audits).toEqual([expect.objectContaining({ action: "denied", actor: BOB })]);
  });

  it("also sends the refusal through the response URL, since Slack does not show a 403's body", async () => {
    // Prepare
    const { send, slack } = setUp();

    // Act
    const response = await send("pause rollback-by-hand --reason test", BOB);

    // Assess
    expect(slack.respond).toHaveBeenCalledWith(RESPONSE_URL, {
      text: textOf(response),
      responseType: "ephemeral",
    });
  });

  it("denies a listed person in a channel the rule does not list", async () => {
    // Prepare
    const { send, memory, deps } = setUp({ result: AWAITING });

    // Act
    const response = await send("rollback prod/checkout-api", ALICE, OTHER_CHANNEL);

    // Assess
    expect(response.status).toBe(403);
    expect(textOf(response)).toBe(
      `You may not use \`/architech rollback\`: it is not allowed in <#${OTHER_CHANNEL}>; use it in <#${OPS_CHANNEL}>.`,
    );
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(memory.audits).toEqual([
      expect.objectContaining({
        action: "denied",
        details: expect.objectContaining({ channel: OTHER_CHANNEL }),
      }),
    ]);
  });

  it("allows the members of a user group, and denies others", async () => {
    // Prepare
    const { send, memory, slack } = setUp();
    memory.approvals.set(APPROVAL_ID, approvalOf());
    memory.runs.set(RUN_ID, runOf({}, ALICE));

    // Act
    const outsider = await send(`approve ${APPROVAL_ID}`, "U0DAVE00004");
    const member = await send(`approve ${APPROVAL_ID}`, BOB);

    // Assess
    expect(outsider.status).toBe(403);
    expect(member.status).toBe(200);
    expect(textOf(member)).toBe(`Approval ${APPROVAL_ID} approved by <@${BOB}>.`);
    expect(slack.userGroupMembers).toHaveBeenCalledTimes(1);
  });
});

describe("handleSlackCommand: status, runs and run", () => {
  it("shows the kill switch, paused policies with who, why and until when, and runs in flight", async () => {
    // Prepare
    const { send, memory } = setUp();
    await memory.setKillSwitch({ engaged: true, reason: "incident 42", by: ALICE });
    await memory.pausePolicy({
      policy: "cleanup-by-hand",
      reason: "noisy",
      by: BOB,
      until: "2026-03-02T12:20:00.000Z",
    });
    await memory.pausePolicy({
      policy: "rollback-by-hand",
      reason: "3 failed runs in 1 h",
      by: "circuit-breaker",
    });
    memory.runs.set(RUN_ID, runOf());
    memory.runs.set(
      "01JNQ0000000000000000000AC",
      runOf({ id: "01JNQ0000000000000000000AC", status: "running" }),
    );
    memory.runs.set(
      "01JNQ0000000000000000000AD",
      runOf({ id: "01JNQ0000000000000000000AD", status: "succeeded" }),
    );

    // Act
    const response = await send("status", CAROL, OTHER_CHANNEL);

    // Assess
    expect(textOf(response).split("\n")).toEqual([
      `:octagonal_sign: *Kill switch engaged* by <@${ALICE}> at 2026-03-02 10:20 UTC: incident 42. Nothing acts automatically.`,
      "*Paused policies*:",
      `• cleanup-by-hand — by <@${BOB}> at 2026-03-02 10:20 UTC, until 2026-03-02 12:20 UTC: noisy`,
      "• rollback-by-hand — by circuit-breaker at 2026-03-02 10:20 UTC, until resumed: 3 failed runs in 1 h",
      "*pending*: none.",
      "*awaiting-approval*:",
      `• \`${RUN_ID}\` *awaiting-approval* — rollback on ecs-service:prod/checkout-api (policy rollback-by-hand), 2026-03-02 10:15 UTC`,
      "*running*:",
      "• `01JNQ0000000000000000000AC` *running* — rollback on ecs-service:prod/checkout-api (policy rollback-by-hand), 2026-03-02 10:15 UTC",
    ]);
  });

  it("says the kill switch is off and nothing is paused", async () => {
    // Prepare
    const { send } = setUp();

    // Act
    const response = await send("status");

    // Assess
    expect(textOf(response)).toContain("*Kill switch*: off.\n*Paused policies*: none.");
  });

  it("lists the newest runs first, at most ten, filtered by runbook, policy or target", async () => {
    // Prepare
    const { send, memory } = setUp();
    for (let i = 0; i < 12; i++) {
      const id = `01JNQ00000000000000000${String(i).padStart(4, "0")}`;
      const cleanup = i % 4 === 0;
      memory.runs.set(
        id,
        runOf({
          id,
          createdAt: `2026-03-02T09:${String(i).padStart(2, "0")}:00.000Z`,
          status: "succeeded",
          ...(cleanup ? { runbook: "cleanup", policy: "cleanup-by-hand", target: "account:*" } : {}),
        }),
      );
    }

    // Act
    const all = textOf(await send("runs")).split("\n");
    const byRunbook = textOf(await send("runs cleanup")).split("\n");
    const byPolicy = textOf(await send("runs rollback-by-hand")).split("\n");
    const byTarget = textOf(await send("runs prod/checkout-api")).split("\n");
    const none = textOf(await send("runs verify-backup"));

    // Assess
    expect(all[0]).toBe("The newest 10 runs:");
    expect(all).toHaveLength(12);
    expect(all[1]).toContain("`01JNQ000000000000000000011`");
    expect(all[10]).toContain("`01JNQ000000000000000000002`");
    expect(all[11]).toBe("… and older ones: `run <id>` shows one.");
    expect(byRunbook).toEqual([
      "The newest 3 runs for `cleanup`:",
      expect.stringContaining("`01JNQ000000000000000000008` *succeeded* — cleanup on account:*"),
      expect.stringContaining("`01JNQ000000000000000000004`"),
      expect.stringContaining("`01JNQ000000000000000000000`"),
    ]);
    expect(byPolicy[0]).toBe("The newest 9 runs for `rollback-by-hand`:");
    expect(byTarget[0]).toBe("The newest 9 runs for `prod/checkout-api`:");
    expect(none).toBe("No runs for `verify-backup`.");
  });

  it("shows one run, and says when there is none or no id was given", async () => {
    // Prepare
    const { send, memory } = setUp();
    memory.runs.set(
      RUN_ID,
      runOf(
        {
          status: "failed",
          reason: "the alarm was still in ALARM after the rollback",
          startedAt: "2026-03-02T10:16:00.000Z",
          finishedAt: "2026-03-02T10:31:00.000Z",
        },
        ALICE,
      ),
    );

    // Act
    const shown = textOf(await send(`run ${RUN_ID}`));
    const missing = textOf(await send("run 01JNQ0000000000000000000ZZ"));
    const bare = textOf(await send("run"));

    // Assess
    expect(shown.split("\n")).toEqual([
      `*Run \`${RUN_ID}\`*: *failed*`,
      "• runbook rollback on ecs-service:prod/checkout-api, mode approve",
      `• policy rollback-by-hand, asked for by <@${ALICE}>`,
      "• reason: the alarm was still in ALARM after the rollback",
      "• created 2026-03-02 10:15 UTC, updated 2026-03-02 10:15 UTC",
      "• started 2026-03-02 10:16 UTC",
      "• finished 2026-03-02 10:31 UTC",
    ]);
    expect(missing).toBe("No run `01JNQ0000000000000000000ZZ`; `runs` lists the newest.");
    expect(bare).toBe("run needs <run id>. Usage: /architech run <run id>");
  });
});

describe("handleSlackCommand: runbook commands", () => {
  it("routes the command as a chat-command signal, describes the decisions and audits who asked", async () => {
    // Prepare
    const { send, deps, memory } = setUp({ result: AWAITING });

    // Act
    const response = await send("rollback prod/checkout-api --to checkout-api:41");

    // Assess
    expect(deps.deliver).toHaveBeenCalledWith({
      kind: "slack-command",
      body: commandBody("rollback prod/checkout-api --to checkout-api:41"),
      timestamp: String(NOW),
    });
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: `rollback on ecs-service:prod/checkout-api (policy rollback-by-hand) awaits approval: run ${RUN_ID}, approval ${APPROVAL_ID}. Another person approves or denies it with the buttons on the approval message or \`/architech approve ${APPROVAL_ID}\`.`,
      },
    });
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "action",
        action: "command",
        actor: ALICE,
        reason: "/architech rollback prod/checkout-api --to checkout-api:41",
        policy: "rollback-by-hand",
        details: { command: "rollback", channel: OPS_CHANNEL },
      }),
    ]);
  });

  it("shows the router's refusal of bad arguments as it gives it", async () => {
    // Prepare
    const refusal: RouteResult = {
      ...AWAITING,
      decisions: [
        {
          kind: "rejected",
          policy: "rollback-by-hand",
          reason: "unresolved-target",
          detail: "rollback needs <service>. Usage: /architech rollback <service>",
        },
      ],
    };
    const { send } = setUp({ result: refusal });

    // Act
    const response = await send("rollback");

    // Assess
    expect(textOf(response)).toBe(
      "Rejected by policy rollback-by-hand (unresolved-target): rollback needs <service>. Usage: /architech rollback <service>",
    );
  });

  it("answers a runbook command no policy answers without routing it", async () => {
    // Prepare
    const { send, deps } = setUp({ settings: SlackSettingsSchema.parse({ access: { rightsize: {} } }) });

    // Act
    const response = await send("rightsize prod/checkout-api");

    // Assess
    expect(textOf(response)).toBe(
      "No policy answers `rightsize`; policies with commands: `rollback`, `cleanup`. Try `/architech help`.",
    );
    expect(deps.deliver).not.toHaveBeenCalled();
  });

  it("refuses a quote left open, with the usage", async () => {
    // Prepare
    const { send, deps } = setUp();

    // Act
    const response = await send('cleanup "ebs-volumes');

    // Assess
    expect(textOf(response)).toMatch(
      /^`\/architech cleanup`: a quote is left open \(missing "\)\.\nUsage: `\/architech cleanup/,
    );
    expect(deps.deliver).not.toHaveBeenCalled();
  });

  it("says so when the command could not be routed", async () => {
    // Prepare
    const failure = new Error("throttled");
    const onDeliveryError = vi.fn();
    const { send } = setUp({
      deliver: vi.fn<(raw: unknown) => Promise<RouteResult | undefined>>(async () => {
        throw failure;
      }),
      onDeliveryError,
    });

    // Act
    const response = await send("cleanup");

    // Assess
    expect(response.status).toBe(200);
    expect(textOf(response)).toBe(
      "`cleanup` could not be routed just now; the control plane's log says why; try again.",
    );
    expect(onDeliveryError).toHaveBeenCalledWith(failure);
  });

  it("with defer, answers at once and hands over a JSON job instead of routing", async () => {
    // Prepare
    const jobs: DeferredSlackCommand[] = [];
    const { send, deps } = setUp({ defer: async (job) => void jobs.push(job) });

    // Act
    const response = await send('rollback prod/checkout-api --reason "bad deploy"');

    // Assess
    expect(textOf(response)).toBe('Working on `rollback prod/checkout-api --reason "bad deploy"`…');
    expect(deps.deliver).not.toHaveBeenCalled();
    expect(jobs).toEqual([
      {
        kind: "slack-command",
        body: commandBody('rollback prod/checkout-api --reason "bad deploy"'),
        timestamp: String(NOW),
        userId: ALICE,
        channelId: OPS_CHANNEL,
        responseUrl: RESPONSE_URL,
        text: 'rollback prod/checkout-api --reason "bad deploy"',
        requestedAt: new Date(NOW * 1000).toISOString(),
        responseUrlUses: 0,
      },
    ]);
    expect(JSON.parse(JSON.stringify(jobs[0]))).toEqual(jobs[0]);
  });

  it("with defer, says so when the job cannot be handed over", async () => {
    // Prepare
    const onError = vi.fn();
    const { send } = setUp({
      defer: async () => {
        throw new Error("queue unavailable");
      },
      onError,
    });

    // Act
    const response = await send("cleanup");

    // Assess
    expect(textOf(response)).toBe("`cleanup` could not be queued just now; nothing was started. Try again.");
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "queue unavailable" }));
  });

  it("routes a command a policy names beyond the four, under the default rule", async () => {
    // Prepare
    const [rollback] = testPolicies();
    if (rollback === undefined) throw new Error("no policy");
    const restart = { ...rollback, name: "restart-by-hand", trigger: { command: { name: "restart" } } };
    const { send, deps } = setUp({
      policies: new PolicyIndex([restart]),
      settings: SlackSettingsSchema.parse({ access: { default: { users: [ALICE] } } }),
      result: AWAITING,
    });

    // Act
    const allowed = await send("restart prod/checkout-api");
    const denied = await send("restart prod/checkout-api", BOB);

    // Assess
    expect(allowed.status).toBe(200);
    expect(deps.deliver).toHaveBeenCalledTimes(1);
    expect(denied.status).toBe(403);
  });
});

describe("handleSlackCommand: approve and deny", () => {
  /** An approval pending on a run asked for by `requester` (null: by an alarm). */
  function withApproval(extra: Parameters<typeof setUp>[0] = {}, requester: string | null = ALICE) {
    const setup = setUp(extra);
    setup.memory.approvals.set(APPROVAL_ID, approvalOf());
    setup.memory.runs.set(RUN_ID, runOf({}, requester ?? undefined));
    return setup;
  }

  it("approves another person's run, resumes its workflow, audits and tells the hook", async () => {
    // Prepare
    const onApprovalDecided = vi.fn();
    const { send, approvals, memory } = withApproval({ onApprovalDecided });

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, BOB);

    // Assess
    expect(textOf(response)).toBe(`Approval ${APPROVAL_ID} approved by <@${BOB}>.`);
    expect(approvals.resume).toHaveBeenCalledWith("token-1", {
      approvalId: APPROVAL_ID,
      approvedBy: BOB,
      planHash: "sha256:0123456789abcdef",
    });
    expect(memory.audits).toEqual([
      expect.objectContaining({ kind: "approval", action: "approved", actor: BOB, runId: RUN_ID }),
    ]);
    expect(onApprovalDecided).toHaveBeenCalledWith(
      expect.objectContaining({ id: APPROVAL_ID, decision: "approved", decidedBy: BOB }),
      { decision: "approved", by: BOB },
    );
    expect(onApprovalDecided.mock.calls[0]?.[0]).not.toHaveProperty("taskToken");
  });

  it("accepts the run id for the approval id", async () => {
    // Prepare
    const { send } = withApproval();

    // Act
    const response = await send(`approve ${RUN_ID}`, BOB);

    // Assess
    expect(textOf(response)).toBe(`Approval ${APPROVAL_ID} approved by <@${BOB}>.`);
  });

  it("refuses the person who asked for the run (four eyes), and audits the refusal", async () => {
    // Prepare
    const { send, approvals, memory } = withApproval();

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, ALICE);

    // Assess
    expect(response.status).toBe(200);
    expect(textOf(response)).toBe(
      "Not approved: you asked for this run; another person must approve it (four eyes).",
    );
    expect(approvals.resume).not.toHaveBeenCalled();
    expect(memory.approvals.get(APPROVAL_ID)?.decision).toBe("pending");
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "approval",
        action: "refused",
        actor: ALICE,
        reason: `${ALICE} may not approve ${APPROVAL_ID}: you asked for this run; another person must approve it (four eyes)`,
        runId: RUN_ID,
      }),
    ]);
  });

  it("lets anyone allowed approve a run no person asked for", async () => {
    // Prepare
    const { send } = withApproval({}, null);

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, ALICE);

    // Assess
    expect(textOf(response)).toBe(`Approval ${APPROVAL_ID} approved by <@${ALICE}>.`);
  });

  it("honours the policy's approvers", async () => {
    // Prepare
    const { send, approvals } = withApproval({
      policies: new PolicyIndex(testPolicies({ approvers: [CAROL] })),
    });

    // Act
    const bob = await send(`approve ${APPROVAL_ID}`, BOB);
    const carol = await send(`approve ${APPROVAL_ID}`, CAROL);

    // Assess
    expect(textOf(bob)).toBe(`Not approved: policy rollback-by-hand is approved only by <@${CAROL}>.`);
    expect(textOf(carol)).toBe(`Approval ${APPROVAL_ID} approved by <@${CAROL}>.`);
    expect(approvals.resume).toHaveBeenCalledTimes(1);
  });

  it("says clearly that an expired approval counts as denied", async () => {
    // Prepare
    const { send, memory, approvals } = withApproval();
    memory.approvals.set(APPROVAL_ID, approvalOf({ expiresAt: "2026-03-02T10:19:00.000Z" }));

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, BOB);

    // Assess
    expect(textOf(response)).toBe(
      `Not approved: approval ${APPROVAL_ID} cannot be approved: it expired at 2026-03-02T10:19:00.000Z: an approval not given in time counts as denied, so nothing was approved; ask for the run again if it is still needed.`,
    );
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("says clearly that the plan changed", async () => {
    // Prepare
    const { send, memory, approvals } = withApproval();
    const stored = memory.approvals.get(APPROVAL_ID);
    // The plan is re-planned between the read and the decision.
    memory.getApproval = async () => (stored ? { ...stored, planHash: "sha256:stale0000000" } : undefined);

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, BOB);

    // Assess
    expect(textOf(response)).toContain(
      "the plan changed since the approval was requested, so nothing was approved",
    );
    expect(approvals.resume).not.toHaveBeenCalled();
  });

  it("does not decide twice, and answers an unknown approval", async () => {
    // Prepare
    const { send } = withApproval();

    // Act
    await send(`approve ${APPROVAL_ID}`, BOB);
    const again = await send(`deny ${APPROVAL_ID}`, CAROL);
    const unknown = await send("approve approval-01JNQ0000000000000000000ZZ", BOB);

    // Assess
    expect(textOf(again)).toBe(
      `Not denied: approval ${APPROVAL_ID} cannot be denied: it has already been decided (approved by ${BOB}).`,
    );
    expect(textOf(unknown)).toBe(
      "No approval `approval-01JNQ0000000000000000000ZZ`: approvals are named `approval-<run id>`, as on the approval message.",
    );
  });

  it("denies with a quoted reason (typographic quotes too), and the requester may deny their own", async () => {
    // Prepare
    const { send, approvals, memory } = withApproval();

    // Act
    const response = await send(`deny ${APPROVAL_ID} --reason \u201cbad deploy\u201d`, ALICE);

    // Assess
    expect(textOf(response)).toBe(`Approval ${APPROVAL_ID} denied by <@${ALICE}>: bad deploy.`);
    expect(approvals.reject).toHaveBeenCalledWith(
      "token-1",
      "ApprovalDenied",
      `denied by ${ALICE}: bad deploy`,
    );
    expect(memory.audits).toEqual([
      expect.objectContaining({ kind: "approval", action: "denied", actor: ALICE, reason: "bad deploy" }),
    ]);
  });

  it("answers bad arguments with the usage", async () => {
    // Prepare
    const { send } = withApproval();

    // Act
    const missing = await send("approve", BOB);
    const unknownOption = await send(`deny ${APPROVAL_ID} --force`, BOB);

    // Assess
    expect(textOf(missing)).toBe("approve needs <approval-id>. Usage: /architech approve <approval-id>");
    expect(textOf(unknownOption)).toBe(
      'deny does not take --force; deny takes --reason. Usage: /architech deny <approval-id> [--reason "<text>"]',
    );
  });

  it("says so when approvals cannot be decided by command here", async () => {
    // Prepare
    const { send } = withApproval({ approvals: undefined });

    // Act
    const response = await send(`approve ${APPROVAL_ID}`, BOB);

    // Assess
    expect(textOf(response)).toContain("use the buttons on the approval message");
  });
});

describe("handleSlackCommand: pause and resume", () => {
  it("pauses a policy for a while, with who and why, audited", async () => {
    // Prepare
    const { send, memory } = setUp();

    // Act
    const response = await send('pause rollback-by-hand --for 2h --reason "bad deploy"');

    // Assess
    expect(textOf(response)).toBe(
      `Policy rollback-by-hand paused by <@${ALICE}> until 2026-03-02 12:20 UTC: bad deploy.`,
    );
    expect(memory.pauses.get("rollback-by-hand")).toEqual({
      policy: "rollback-by-hand",
      reason: "bad deploy",
      by: ALICE,
      at: "2026-03-02T10:20:00.000Z",
      until: "2026-03-02T12:20:00.000Z",
    });
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "switch",
        action: "paused",
        actor: ALICE,
        policy: "rollback-by-hand",
        reason: "bad deploy (until 2026-03-02T12:20:00.000Z)",
      }),
    ]);
  });

  it("pauses a policy until resumed when no duration is given", async () => {
    // Prepare
    const { send, memory } = setUp();

    // Act
    const response = await send("pause cleanup-by-hand --reason noisy");

    // Assess
    expect(textOf(response)).toBe(`Policy cleanup-by-hand paused by <@${ALICE}> until resumed: noisy.`);
    expect(memory.pauses.get("cleanup-by-hand")?.until).toBeUndefined();
  });

  it("engages the kill switch with all, audited, and refuses a duration for it", async () => {
    // Prepare
    const { send, memory } = setUp();

    // Act
    const timed = await send("pause all --for 1h --reason incident");
    const engaged = await send("pause all --reason incident");

    // Assess
    expect(textOf(timed)).toMatch(/^The kill switch has no expiry/);
    expect(textOf(engaged)).toBe(
      `:octagonal_sign: Kill switch engaged by <@${ALICE}>: incident. Nothing acts automatically until \`/architech resume all\`.`,
    );
    expect(memory.killSwitch).toMatchObject({ engaged: true, reason: "incident", by: ALICE });
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "switch",
        action: "kill-switch-engaged",
        actor: ALICE,
        reason: "incident",
      }),
    ]);
  });

  it("requires a reason, names the policies for an unknown one, and bounds the duration", async () => {
    // Prepare
    const { send, memory } = setUp();

    // Act
    const noReason = textOf(await send("pause rollback-by-hand"));
    const unknown = textOf(await send("pause rolback --reason x"));
    const badDuration = textOf(await send("pause rollback-by-hand --for soon --reason x"));
    const tooShort = textOf(await send("pause rollback-by-hand --for 10s --reason x"));

    // Assess
    expect(noReason).toBe(
      '`/architech pause` needs --reason: say why, for the people who find it paused.\nUsage: `/architech pause <policy|all> [--for <duration>] --reason "<text>"`',
    );
    expect(unknown).toBe(
      "No policy `rolback`; policies: `rollback-by-hand`, `cleanup-by-hand`, or `all`. `/architech help` lists the commands.",
    );
    expect(badDuration).toMatch(/^--for takes a duration such as 30m, 2h or 1d, not "soon"\. Usage: /);
    expect(tooShort).toMatch(/^--for is from 1m to 30d; leave it out to pause until resumed\./);
    expect(memory.pauses.size).toBe(0);
    expect(memory.audits).toEqual([]);
  });

  it("resumes a paused policy, audited, and says when one is not paused", async () => {
    // Prepare
    const { send, memory } = setUp();
    await memory.pausePolicy({ policy: "rollback-by-hand", reason: "3 failed runs", by: "circuit-breaker" });

    // Act
    const resumed = textOf(await send("resume rollback-by-hand"));
    const again = textOf(await send("resume rollback-by-hand"));
    const unknown = textOf(await send("resume nothing-like-it"));

    // Assess
    expect(resumed).toBe(`Policy rollback-by-hand resumed by <@${ALICE}>.`);
    expect(memory.pauses.size).toBe(0);
    expect(again).toBe("Policy rollback-by-hand is not paused. `/architech status` shows what is.");
    expect(unknown).toMatch(/^No policy `nothing-like-it`; policies: /);
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "switch",
        action: "resumed",
        actor: ALICE,
        policy: "rollback-by-hand",
        reason: `resumed in Slack by ${ALICE}`,
      }),
    ]);
  });

  it("releases the kill switch with all, telling what is still paused", async () => {
    // Prepare
    const { send, memory } = setUp();
    await memory.setKillSwitch({ engaged: true, reason: "incident", by: BOB });
    await memory.pausePolicy({ policy: "cleanup-by-hand", reason: "noisy", by: BOB });

    // Act
    const released = textOf(await send('resume all --reason "incident over"'));
    const again = textOf(await send("resume all"));

    // Assess
    expect(released).toBe(
      `Kill switch released by <@${ALICE}>: automation acts again. Still paused: cleanup-by-hand.`,
    );
    expect(memory.killSwitch).toMatchObject({ engaged: false, by: ALICE, reason: "incident over" });
    expect(again).toBe("The kill switch is not engaged. Still paused: cleanup-by-hand.");
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: "switch",
        action: "kill-switch-released",
        actor: ALICE,
        reason: "incident over",
      }),
    ]);
  });
});

describe("handleSlackCommand: failures", () => {
  it("catches a failure, tells onError and answers generically, without its message", async () => {
    // Prepare
    const onError = vi.fn();
    const { send, memory } = setUp({ onError });
    const failure = new Error("ProvisionedThroughputExceededException at Table.query (secret-table)");
    memory.readSwitches = async () => {
      throw failure;
    };

    // Act
    const response = await send("status");

    // Assess
    expect(response).toEqual({
      status: 200,
      body: {
        response_type: "ephemeral",
        text: "Something went wrong with that command; nothing more is known here (the control plane's log says what). Try again, or `/architech status`.",
      },
    });
    expect(onError).toHaveBeenCalledWith(failure);
  });

  it("answers a body that is not a slash command, and routes it so that the rejection is audited", async () => {
    // Prepare
    const { deps } = setUp();

    // Act
    const response = await handleSlackCommand(signed("team_id=T1&text=help"), deps);

    // Assess
    expect(textOf(response)).toMatch(/^The command could not be read: /);
    expect(deps.deliver).toHaveBeenCalledWith(expect.objectContaining({ kind: "slack-command" }));
  });
});
