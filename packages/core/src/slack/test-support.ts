// Shared by the Slack tests: an in-memory store (the parts the Slack layer uses, with the real store's
// validation and approval rules), a recording Slack port, and signed Slack requests.
import { type Mock, vi } from "vitest";
import { type Policy, type PolicyInput, PolicySchema } from "../policy/policy.ts";
import type { ApprovalResumer } from "../ports/approval-resumer.ts";
import type { SlackPort } from "../ports/slack.ts";
import type { RouteResult } from "../router/decision.ts";
import { PolicyIndex } from "../router/policy-index.ts";
import type { RouterDeps } from "../router/route.ts";
import {
  type Approval,
  type DecideApprovalInput,
  DecideApprovalInputSchema,
  type DecideApprovalResult,
} from "../store/approval.ts";
import { type AppendAuditInput, AppendAuditInputSchema, type AuditEntry } from "../store/audit.ts";
import type { Run, RunStatus } from "../store/run.ts";
import type { Store } from "../store/store.ts";
import {
  type KillSwitch,
  KillSwitchSchema,
  type PausePolicyInput,
  PausePolicyInputSchema,
  type PolicyPause,
  type SetKillSwitchInput,
  SetKillSwitchInputSchema,
} from "../store/switch.ts";
import type { SlackCommandDeps } from "./deps.ts";
import type { SlackRequest } from "./signed-request.ts";
import { signSlackRequest } from "./verify-request.ts";

export const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
/** Wall-clock seconds of every request: 2026-03-02T10:20:00Z. */
export const NOW = 1_772_446_800;
export const NOW_DATE = new Date(NOW * 1000);
export const ALICE = "U0ALICE0001";
export const BOB = "U0BOB000002";
export const CAROL = "U0CAROL0003";
export const ONCALL_GROUP = "S0ONCALL001";
export const OPS_CHANNEL = "C0OPS000001";
export const OTHER_CHANNEL = "C0OTHER0002";
export const RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1/abc";

/** A request as Slack sends it, signed with `secret` at {@link NOW}. */
export function signed(rawBody: string, secret = SECRET): SlackRequest {
  const timestamp = String(NOW);
  return {
    rawBody,
    headers: {
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signSlackRequest({ signingSecret: secret, timestamp, body: rawBody }),
    },
    signingSecret: SECRET,
    now: NOW,
  };
}

/** A slash command's body: `/architech <text>` typed by `user` in `channel`. */
export function commandBody(text: string, user = ALICE, channel = OPS_CHANNEL): string {
  return new URLSearchParams({
    token: "deprecated",
    team_id: "T0001",
    team_domain: "example",
    channel_id: channel,
    channel_name: "ops",
    user_id: user,
    user_name: "someone",
    command: "/architech",
    text,
    response_url: RESPONSE_URL,
    trigger_id: `trigger-${text.length}-${user}`,
    api_app_id: "A0001",
  }).toString();
}

/** A button click on an approval message, as Slack posts it to the interactivity URL. */
export function interactionBody(
  actionId: string,
  value: string,
  user = BOB,
  channel: string | undefined = OPS_CHANNEL,
  shownPlan?: string,
): string {
  const payload = {
    type: "block_actions",
    user: { id: user, username: "someone", team_id: "T0001" },
    api_app_id: "A0001",
    team: { id: "T0001", domain: "example" },
    ...(channel === undefined ? {} : { channel: { id: channel, name: "ops" } }),
    container: {
      type: "message",
      message_ts: "1772446500.000100",
      ...(channel ? { channel_id: channel } : {}),
    },
    response_url: "https://hooks.slack.com/actions/T0001/2/def",
    trigger_id: "interaction-trigger",
    actions: [{ type: "button", action_id: actionId, block_id: "decision", value, action_ts: "1" }],
    // Slack sends the clicked message along; the approval message names its plan in a context block.
    ...(shownPlan === undefined
      ? {}
      : {
          message: {
            type: "message",
            ts: "1772446500.000100",
            blocks: [
              {
                type: "context",
                elements: [{ type: "mrkdwn", text: `approval \`${value}\` · plan \`${shownPlan}\`` }],
              },
            ],
          },
        }),
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export const RUN_ID = "01JNQ0000000000000000000AB";
export const APPROVAL_ID = `approval-${RUN_ID}`;

/** A run asked for by `requester` with a chat command (or by an alarm when undefined). */
export function runOf(overrides: Partial<Run> = {}, requester?: string): Run {
  return {
    id: RUN_ID,
    policy: "rollback-by-hand",
    runbook: "rollback",
    target: "ecs-service:prod/checkout-api",
    signal:
      requester === undefined
        ? { type: "alarm", id: "alarm-1" }
        : { type: "chat-command", id: "trigger-1", userId: requester, channelId: OPS_CHANNEL },
    mode: "approve",
    status: "awaiting-approval",
    createdAt: "2026-03-02T10:15:00.000Z",
    updatedAt: "2026-03-02T10:15:02.000Z",
    ...overrides,
  };
}

export function approvalOf(overrides: Partial<Approval> = {}): Approval {
  return {
    id: APPROVAL_ID,
    runId: RUN_ID,
    policy: "rollback-by-hand",
    target: "ecs-service:prod/checkout-api",
    planHash: "sha256:0123456789abcdef",
    requestedBy: "router",
    requestedAt: "2026-03-02T10:15:00.000Z",
    expiresAt: "2026-03-02T11:15:00.000Z",
    decision: "pending",
    taskToken: "token-1",
    ...overrides,
  };
}

/**
 * The parts of the store the Slack layer uses, in memory: audit entries are validated as the real store
 * validates them (so a test fails on an entry the store would refuse), approvals are decided under the
 * same conditions (pending, unexpired, same plan).
 */
export class MemoryStore {
  readonly audits: AuditEntry[] = [];
  readonly runs = new Map<string, Run>();
  readonly approvals = new Map<string, Approval>();
  killSwitch: KillSwitch | undefined;
  readonly pauses = new Map<string, PolicyPause>();
  readonly now: () => Date;

  constructor(now: () => Date = () => NOW_DATE) {
    this.now = now;
  }

  get store(): Store {
    return this as unknown as Store;
  }

  async appendAudit(input: AppendAuditInput): Promise<AuditEntry> {
    const parsed = AppendAuditInputSchema.parse(input);
    const entry: AuditEntry = {
      ...parsed,
      id: String(this.audits.length + 1).padStart(26, "0"),
      at: this.now().toISOString(),
    };
    this.audits.push(entry);
    return entry;
  }

  async getRun(id: string): Promise<Run | undefined> {
    return this.runs.get(id);
  }

  async listRunsByStatus(input: { status: RunStatus; limit?: number }) {
    return this.page(
      [...this.runs.values()].filter((run) => run.status === input.status),
      input.limit,
    );
  }

  async listRunsByPolicy(input: { policy: string; limit?: number }) {
    return this.page(
      [...this.runs.values()].filter((run) => run.policy === input.policy),
      input.limit,
    );
  }

  async listRunsByTarget(input: { target: string; limit?: number }) {
    return this.page(
      [...this.runs.values()].filter((run) => run.target === input.target),
      input.limit,
    );
  }

  private page(runs: Run[], limit = 50) {
    const sorted = runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { items: sorted.slice(0, limit), ...(sorted.length > limit ? { cursor: "more" } : {}) };
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    return this.approvals.get(id);
  }

  async decideApproval(input: DecideApprovalInput): Promise<DecideApprovalResult> {
    const parsed = DecideApprovalInputSchema.parse(input);
    const approval = this.approvals.get(parsed.id);
    if (approval === undefined) return { decided: false, reason: "not-found" };
    if (approval.decision !== "pending") return { decided: false, reason: "already-decided", approval };
    if (this.now().getTime() >= Date.parse(approval.expiresAt)) {
      return { decided: false, reason: "expired", approval };
    }
    if (approval.planHash !== parsed.planHash) return { decided: false, reason: "plan-mismatch", approval };
    const decided: Approval = {
      ...approval,
      decision: parsed.decision,
      decidedBy: parsed.decidedBy,
      decidedAt: this.now().toISOString(),
      ...(parsed.reason === undefined ? {} : { reason: parsed.reason }),
    };
    this.approvals.set(parsed.id, decided);
    return { decided: true, approval: decided };
  }

  async setKillSwitch(input: SetKillSwitchInput): Promise<KillSwitch> {
    this.killSwitch = KillSwitchSchema.parse({
      ...SetKillSwitchInputSchema.parse(input),
      at: this.now().toISOString(),
    });
    return this.killSwitch;
  }

  async pausePolicy(input: PausePolicyInput): Promise<PolicyPause> {
    const parsed = PausePolicyInputSchema.parse(input);
    const pause: PolicyPause = { ...parsed, at: this.now().toISOString() };
    this.pauses.set(parsed.policy, pause);
    return pause;
  }

  async resumePolicy(policy: string): Promise<{ resumed: boolean }> {
    return { resumed: this.pauses.delete(policy) };
  }

  async readSwitches() {
    const at = this.now().getTime();
    return {
      killSwitch: this.killSwitch,
      pauses: [...this.pauses.values()].filter((p) => p.until === undefined || at < Date.parse(p.until)),
      freezeWindows: [],
    };
  }
}

/** A Slack port that records what was said; user groups as given. */
export function fakeSlack(groups: Record<string, string[]> = {}) {
  const port = {
    postMessage: vi.fn<SlackPort["postMessage"]>(async () => ({ channel: OPS_CHANNEL, ts: "1.000001" })),
    updateMessage: vi.fn<SlackPort["updateMessage"]>(async () => undefined),
    deleteMessage: vi.fn<SlackPort["deleteMessage"]>(async () => undefined),
    postEphemeral: vi.fn<SlackPort["postEphemeral"]>(async () => undefined),
    respond: vi.fn<SlackPort["respond"]>(async () => undefined),
    userGroupMembers: vi.fn<SlackPort["userGroupMembers"]>(async (group) => {
      const members = groups[group];
      if (members === undefined) throw new Error(`no_such_subteam: ${group}`);
      return members;
    }),
  };
  return port satisfies SlackPort;
}

export function resumer() {
  return {
    resume: vi.fn<ApprovalResumer["resume"]>(async () => undefined),
    reject: vi.fn<ApprovalResumer["reject"]>(async () => undefined),
  };
}

/** The policies the tests route to: a rollback by hand that waits for approval, a dry-run cleanup. */
export function testPolicies(overrides: { approvers?: string[] } = {}): Policy[] {
  const inputs: PolicyInput[] = [
    {
      name: "rollback-by-hand",
      description: "Roll a service back when someone asks in Slack.",
      trigger: { command: { name: "rollback" } },
      runbook: "rollback",
      target: { from: "event" },
      mode: "approve",
      ...(overrides.approvers ? { approval: { approvers: overrides.approvers } } : {}),
    },
    {
      name: "cleanup-by-hand",
      description: "List what is stale.",
      trigger: { command: { name: "cleanup" } },
      runbook: "cleanup",
      target: { type: "account" },
      mode: "dry-run",
    },
  ];
  return inputs.map((input) => PolicySchema.parse(input));
}

export type DeliverMock = Mock<(raw: unknown) => Promise<RouteResult | undefined>>;

/** What the tests give {@link commandDeps} beyond the defaults. */
export type CommandDepsOverrides = Omit<Partial<SlackCommandDeps>, "deliver"> & {
  /** What the default `deliver` answers. */
  result?: RouteResult;
  deliver?: DeliverMock;
};

/** Router deps over the memory store, with a `deliver` that answers `result` (and records its calls). */
export function commandDeps(
  memory: MemoryStore,
  overrides: CommandDepsOverrides = {},
): SlackCommandDeps & { deliver: DeliverMock } {
  const { result, deliver: given, ...rest } = overrides;
  const deliver =
    given ??
    vi.fn<(raw: unknown) => Promise<RouteResult | undefined>>(
      async () =>
        result ?? { signalId: "s", signalType: "chat-command", matched: [], decisions: [], annotations: [] },
    );
  const deps: RouterDeps = {
    store: memory.store,
    workflows: { startWorkflow: vi.fn(), stopWorkflow: vi.fn() } as unknown as RouterDeps["workflows"],
    clock: { now: memory.now },
    ids: { newRunId: () => RUN_ID },
    policies: new PolicyIndex(testPolicies()),
  };
  return { ...deps, ...rest, deliver };
}
