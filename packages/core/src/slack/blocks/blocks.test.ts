import { describe, expect, it } from "vitest";
import type { RunNoticeRef } from "../../ports/notifier.ts";
import type { SlackBlock, SlackMessage } from "../../ports/slack.ts";
import {
  buildAlarmThreadHeader,
  buildApprovalDecided,
  buildApprovalEscalation,
  buildApprovalRequest,
  buildCircuitBreakerTrip,
  buildCleanupDigest,
  buildOnCallReply,
  buildReport,
  buildRunMessage,
  escapeMrkdwn,
  type RunMessageState,
  SLACK_LIMITS,
  slackDate,
  slackMention,
} from "./index.ts";

const AT = "2026-12-01T10:05:00.000Z";
const ALARM = {
  name: "checkout-api-5xx-rate",
  arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate",
  since: "2026-12-01T10:00:00.000Z",
  reason:
    "Threshold Crossed: 1 out of the last 1 datapoints [7.2 (01/12/26 09:59:00)] was greater than the threshold (5.0)",
};

const RUN: RunNoticeRef = {
  runId: "01JE0000000000000000000001",
  policy: "rollback-on-errors",
  runbook: "rollback",
  targetKey: "ecs-service:prod/checkout-api",
  mode: "auto",
  notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
  trigger: { type: "alarm", summary: 'alarm "checkout-api-5xx-rate" OK → ALARM', alarm: ALARM },
};

const BY_HAND: RunNoticeRef = {
  ...RUN,
  mode: "approve",
  notify: { slack: "#deployments", oncall: "U024BE7LH" },
  trigger: { type: "chat-command", summary: "/architech rollback checkout-api", requestedBy: "U0ANA00001" },
};

const PLAN = {
  summary:
    "roll ecs-service:prod/checkout-api back from checkout-api:42 (v2.3.1) to checkout-api:41 (v2.3.0)",
  why: `alarm ${ALARM.name} is in ALARM since ${ALARM.since}: ${ALARM.reason}`,
  changes: [
    {
      target: "ecs-service:prod/checkout-api",
      action: "roll back",
      from: "checkout-api:42 (v2.3.1)",
      to: "checkout-api:41 (v2.3.0)",
    },
  ],
  planHash: `sha256:${"3f".repeat(32)}`,
};

/** Every block of a message whose text Slack limits, with that text. */
function texts(message: SlackMessage): string[] {
  const all: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      const { text } = value as { text?: unknown };
      if (typeof text === "string") all.push(text);
      Object.values(value).forEach(visit);
    }
  };
  visit(message.blocks);
  return all;
}

function blockOf(message: SlackMessage, type: string): SlackBlock | undefined {
  return message.blocks?.find((b) => b.type === type);
}

describe("run message", () => {
  const states: [string, RunNoticeRef, RunMessageState][] = [
    ["started", RUN, { status: "started" }],
    ["started (dry run)", { ...RUN, mode: "dry-run" }, { status: "started" }],
    ["awaiting approval", BY_HAND, { status: "awaiting-approval" }],
    ["progress", RUN, { status: "progress", step: "acting: roll back to checkout-api:41" }],
    [
      "succeeded",
      RUN,
      { status: "succeeded", reason: "rolled back; alarm checkout-api-5xx-rate returned to OK" },
    ],
    [
      "failed",
      RUN,
      {
        status: "failed",
        reason: "rolled back, but alarm checkout-api-5xx-rate is still ALARM 10 min after steady state",
      },
    ],
    ["failed, on-call a user", BY_HAND, { status: "failed", reason: "PortRequestRejected: access denied" }],
    ["reverted", RUN, { status: "reverted", reason: "alarm fired after the resize; reverted to 1024 MiB" }],
    [
      "cancelled",
      RUN,
      { status: "cancelled", reason: "alarm checkout-api-5xx-rate is OK; nothing to roll back" },
    ],
    [
      "dry-run",
      { ...RUN, mode: "dry-run" },
      { status: "dry-run", reason: "roll back from checkout-api:42 to checkout-api:41" },
    ],
  ];

  it.each(states)("%s", (_name, run, state) => {
    expect(buildRunMessage({ run, state, at: AT })).toMatchSnapshot();
  });

  it("mentions the on-call only when the run failed", () => {
    const failed = buildRunMessage({ run: RUN, state: { status: "failed", reason: "x" } });
    const succeeded = buildRunMessage({ run: RUN, state: { status: "succeeded", reason: "x" } });
    const byHand = buildRunMessage({ run: BY_HAND, state: { status: "failed", reason: "x" } });

    expect(failed.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> /);
    expect(texts(failed).join("\n")).toContain("<!subteam^S0PLATFORMONCALL> please take a look");
    expect(JSON.stringify(succeeded)).not.toContain("subteam");
    expect(byHand.text).toMatch(/^<@U024BE7LH> /);
  });

  it("escapes what AWS or a person wrote, so it cannot mention or link", () => {
    const message = buildRunMessage({
      run: { ...RUN, policy: "p&q" },
      state: { status: "failed", reason: "<!channel> look at <https://evil.example|this> & that" },
    });

    const shown = texts(message).join("\n");
    expect(shown).toContain("&lt;!channel&gt; look at &lt;https://evil.example|this&gt; &amp; that");
    expect(shown).toContain("*p&amp;q*");
    expect(message.text).not.toContain("<!channel>");
  });

  it("the on-call reply pages with a mention", () => {
    expect(
      buildOnCallReply({ run: RUN, oncall: "S0PLATFORMONCALL", reason: "alarm still ALARM" }),
    ).toMatchSnapshot();
  });
});

describe("approval", () => {
  it("request", () => {
    expect(
      buildApprovalRequest({
        run: BY_HAND,
        approvalId: "approval-01JE0000000000000000000001",
        expiresAt: "2026-12-01T11:05:00.000Z",
        escalateAt: "2026-12-01T10:20:00.000Z",
        plan: PLAN,
      }),
    ).toMatchSnapshot();
  });

  it("has Approve (primary) and Deny (danger) buttons whose value is the approval id and nothing else", () => {
    const message = buildApprovalRequest({
      run: BY_HAND,
      approvalId: "approval-r1",
      expiresAt: AT,
      plan: PLAN,
    });

    const actions = message.blocks?.at(-1) as { type: string; elements: Record<string, unknown>[] };
    expect(actions.type).toBe("actions");
    expect(actions.elements.map((e) => [e.action_id, e.value, e.style])).toEqual([
      ["approve", "approval-r1", "primary"],
      ["deny", "approval-r1", "danger"],
    ]);
    expect(JSON.stringify(actions)).not.toContain(PLAN.planHash);
  });

  it("lists every change as target: action (from → to), escaped, and caps a long list", () => {
    const changes = Array.from({ length: 120 }, (_, i) => ({
      target: `ebs-volume:vol-${String(i).padStart(17, "0")}`,
      action: "mark for cleanup: unattached <40 days> & untagged",
    }));
    const message = buildApprovalRequest({
      run: BY_HAND,
      approvalId: "approval-r1",
      expiresAt: AT,
      plan: { ...PLAN, changes: [PLAN.changes[0] as (typeof PLAN.changes)[0], ...changes] },
    });

    const list = texts(message).find((t) => t.startsWith("*Changes (121)*")) ?? "";
    expect(list).toContain(
      "• *ecs-service:prod/checkout-api*: roll back (checkout-api:42 (v2.3.1) → checkout-api:41 (v2.3.0))",
    );
    expect(list).toContain("unattached &lt;40 days&gt; &amp; untagged");
    expect(list).toMatch(/…and 9\d more$/);
    expect(list.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it.each(["approved", "denied", "expired"] as const)("decided: %s (no buttons)", (decision) => {
    const message = buildApprovalDecided({
      run: BY_HAND,
      approvalId: "approval-r1",
      decision,
      by: decision === "expired" ? "architech" : "U0BOB00002",
      ...(decision === "denied" ? { reason: "not during the sale" } : {}),
      at: AT,
    });

    expect(blockOf(message, "actions")).toBeUndefined();
    expect(message).toMatchSnapshot();
  });

  it("escalation mentions the on-call", () => {
    const message = buildApprovalEscalation({
      run: RUN,
      approvalId: "approval-r1",
      expiresAt: "2026-12-01T11:05:00.000Z",
    });

    expect(message.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> /);
    expect(message).toMatchSnapshot();
  });
});

describe("alarm thread, circuit breaker, digest, report", () => {
  it("alarm thread header", () => {
    expect(buildAlarmThreadHeader({ alarm: ALARM })).toMatchSnapshot();
  });

  it("circuit-breaker trip mentions the on-call", () => {
    const message = buildCircuitBreakerTrip({
      policy: "rollback-on-errors",
      detail: "3 failed runs within 1h (run-1, run-2, run-3): paused until resumed",
      oncall: "S0PLATFORMONCALL",
    });

    expect(message.text).toMatch(/^<!subteam\^S0PLATFORMONCALL> /);
    expect(message).toMatchSnapshot();
  });

  it("cleanup owner digest", () => {
    expect(
      buildCleanupDigest({
        owner: "team-b",
        resources: [
          { key: "ebs-volume:vol-0bbb0000000000001", reason: "unattached, created 45 days ago" },
          {
            key: "ebs-snapshot:snap-0bbb000000000001",
            reason: "created 90 days ago, used by no AMI and no backup",
          },
        ],
        deleteAfter: "2026-12-08T02:00:00.000Z",
        keepTag: "architech:keep",
        snoozeTag: "architech:snooze-until",
        policy: "cleanup-nonprod",
        runId: "01JE0000000000000000000002",
      }),
    ).toMatchSnapshot();
  });

  it("a digest for a Slack user mentions them, and a long one ends with …and N more", () => {
    const message = buildCleanupDigest({
      owner: "U0ANA00001",
      resources: Array.from({ length: 400 }, (_, i) => ({
        key: `ecr-image:api@sha256:${String(i).padStart(64, "0")}`,
        reason: "untagged, pushed 200 days ago",
      })),
      deleteAfter: "2026-12-08T02:00:00.000Z",
      keepTag: "architech:keep",
      snoozeTag: "architech:snooze-until",
      policy: "cleanup-nonprod",
      runId: "r",
    });

    expect(texts(message).join("\n")).toContain("<@U0ANA00001>: 400 resource(s) marked for cleanup");
    const list = texts(message).find((t) => t.startsWith("• ")) ?? "";
    expect(list).toMatch(/…and 3\d\d more$/);
    expect(list.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  });

  it("report", () => {
    expect(
      buildReport({
        title: "Backup verification FAILED: arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        text: "RPO breached: newest recovery point is 2 h old (target 1 h)",
        severity: "failure",
        mention: "S0DATAONCALL",
        facts: [
          { label: "RPO", value: "2 h (target 1 h) BREACHED" },
          { label: "RTO", value: "20 min (target 4 h)" },
        ],
        runId: "01JE0000000000000000000003",
      }),
    ).toMatchSnapshot();
  });

  it("a report mentions only on a failure", () => {
    const info = buildReport({ text: "all good", severity: "info", mention: "S0DATAONCALL" });

    expect(JSON.stringify(info)).not.toContain("subteam");
  });
});

describe("Slack's limits", () => {
  it("never builds more than 50 blocks or a section over 3000 characters, and keeps the buttons", () => {
    const huge = "x".repeat(50_000);
    const message = buildApprovalRequest({
      run: { ...BY_HAND, targetKey: huge, policy: huge },
      approvalId: "approval-r1",
      expiresAt: AT,
      plan: {
        summary: huge,
        why: huge,
        changes: Array.from({ length: 500 }, () => ({ target: huge, action: huge })),
        planHash: "sha256:ab",
      },
    });

    expect(message.blocks?.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const text of texts(message)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(JSON.stringify(message.blocks).length).toBeLessThan(13_000);
    expect(message.blocks?.at(-1)?.type).toBe("actions");
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const header = blockOf(message, "header") as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
  });

  it("cuts escaped text without splitting an entity or a token", () => {
    const message = buildRunMessage({ run: RUN, state: { status: "failed", reason: "&".repeat(5000) } });

    for (const text of texts(message)) expect(text).not.toMatch(/&(a|am|amp)?…/);
  });
});

describe("mrkdwn helpers", () => {
  it("escapes only Slack's control characters", () => {
    expect(escapeMrkdwn("p95 > 2 s & <!here> *bold*")).toBe("p95 &gt; 2 s &amp; &lt;!here&gt; *bold*");
  });

  it("mentions users and groups, and shows anything else as text", () => {
    expect([
      slackMention("U024BE7LH"),
      slackMention("W0123ABCDE"),
      slackMention("S0PLATFORMONCALL"),
      slackMention("<!channel>"),
    ]).toEqual(["<@U024BE7LH>", "<@W0123ABCDE>", "<!subteam^S0PLATFORMONCALL>", "&lt;!channel&gt;"]);
  });

  it("formats a time for each reader, with the instant as fallback", () => {
    expect(slackDate("2026-12-01T10:15:00.000Z")).toBe(
      "<!date^1796120100^{date_short_pretty} {time}|2026-12-01T10:15:00.000Z>",
    );
    expect(slackDate("soon <b>")).toBe("soon &lt;b&gt;");
  });
});
