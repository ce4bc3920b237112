import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signSlackRequest } from "@architech/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRuntime, startEmbeddedRuntime } from "./embedded-runtime.ts";

const SANDBOX_FILE = fileURLToPath(new URL("../../../../sandbox/default.yaml", import.meta.url));

const COMMAND_POLICY = `
name: rollback-by-hand
description: Roll a service back when someone asks in Slack.
trigger:
  command: { name: rollback }
runbook: rollback
params: { verifyWindow: 10m }
target: { from: event }
mode: approve
notify: { slack: "#oncall" }
`;

function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

function commandBody(text: string, triggerId = `trigger-${Math.random().toString(36).slice(2)}`): string {
  return new URLSearchParams({
    token: "deprecated",
    team_id: "T0001",
    team_domain: "example",
    channel_id: "C0123456789",
    channel_name: "oncall",
    user_id: "U024BE7LH",
    user_name: "alice",
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1/abc",
    trigger_id: triggerId,
    api_app_id: "A0001",
  }).toString();
}

function interactionBody(
  actionId: string,
  value: string,
  userId = "U024BE7LH",
  message?: { blocks: unknown[] },
): string {
  const payload = {
    // Slack sends the clicked message along.
    ...(message ? { message: { type: "message", blocks: message.blocks } } : {}),
    type: "block_actions",
    user: { id: userId, username: "alice", team_id: "T0001" },
    api_app_id: "A0001",
    team: { id: "T0001", domain: "example" },
    trigger_id: "interaction-trigger",
    actions: [{ type: "button", action_id: actionId, block_id: "decision", value, action_ts: "1" }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

interface Posted {
  status: number;
  body: Record<string, unknown>;
}

async function postSlack(
  path: string,
  body: string,
  options: { secret?: string; timestamp?: string; signature?: string } = {},
): Promise<Posted> {
  const timestamp = options.timestamp ?? nowSeconds();
  const signature =
    options.signature ??
    signSlackRequest({
      signingSecret: options.secret ?? runtime.slackSigningSecret,
      timestamp: timestamp,
      body: body,
    });
  const response = await fetch(`${runtime.url}${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signature,
    },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${runtime.url}${path}`)).json()) as Record<string, unknown>;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function rejectedAudits(): Promise<
  { action: string; kind: string; reason: string; details?: unknown }[]
> {
  const audit = (await getJson("/api/audit?limit=1000")).items as {
    action: string;
    kind: string;
    reason: string;
    details?: { reason?: string };
  }[];
  return audit.filter((e) => e.kind === "decision" && e.details?.reason === "invalid-signature");
}

/** Who may do what here: U024BE7LH asks for rollbacks; U0ONCALL01 approves and denies. */
const SLACK_SETTINGS = `
command: /architech
defaultChannel: "#ops"
access:
  rollback: { users: [U024BE7LH] }
  approve: { users: [U024BE7LH, U0ONCALL01] }
  deny: { users: [U0ONCALL01] }
`;

/** The replies that went through response URLs, oldest first. */
async function responses(): Promise<{ text: string; responseUrl: string }[]> {
  return (await getJson("/api/slack/messages")).responses as { text: string; responseUrl: string }[];
}

let dir: string;
let runtime: EmbeddedRuntime;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "architech-slack-"));
  writeFileSync(join(dir, "rollback.yaml"), COMMAND_POLICY);
  writeFileSync(join(dir, "slack.settings"), SLACK_SETTINGS);
  runtime = await startEmbeddedRuntime({
    slackSettingsFile: join(dir, "slack.settings"),
    policiesDir: dir,
    sandboxFile: SANDBOX_FILE,
    port: 0,
    timeScale: 0,
    clockStart: new Date("2026-12-01T10:00:00.000Z"),
  });
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Slack endpoints on the embedded runtime", () => {
  it("generates a signing secret when none is given", () => {
    expect(runtime.slackSigningSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it("asks for approval on a signed command, then rolls back once the button approves it", async () => {
    const before = (await responses()).length;
    const command = await postSlack("/slack/commands", commandBody("rollback prod/checkout-api"));
    // Acknowledged at once; what the policies did comes through the command's response URL.
    expect(command.status).toBe(200);
    expect(command.body.response_type).toBe("ephemeral");
    expect(command.body.text).toContain("Working on `rollback prod/checkout-api`");
    const answered = await eventually(
      responses,
      (list) => list.length > before,
      "the answer through the response URL",
    );
    expect(answered[before]?.responseUrl).toBe("https://hooks.slack.com/commands/T0001/1/abc");
    const text = String(answered[before]?.text);
    expect(text).toContain("awaits approval");
    expect(text).toContain("ecs-service");
    const approvalId = /approval (approval-\S+?)\./.exec(text)?.[1] ?? "";
    expect(approvalId).toMatch(/^approval-/);

    await eventually(
      async () => (await getJson("/api/approvals")).approvals as { id: string }[],
      (list) => list.some((a) => a.id === approvalId),
      "the approval to be requested",
    );

    // Four eyes: the person who asked for the rollback cannot approve it, though the rules let them approve.
    const own = await postSlack("/slack/interactions", interactionBody("approve", approvalId));
    expect(own.status).toBe(200);
    expect(String(own.body.text)).toContain("asked for");
    const approvals = (await getJson("/api/approvals")).approvals as { id: string; decision?: string }[];
    expect(approvals.find((a) => a.id === approvalId)?.decision).toBe("pending");

    // Clicked on the approval message as posted: it names the plan the approval is bound to.
    const posted = (await getJson("/api/slack/messages")).messages as {
      blocks: unknown[];
      broadcast?: boolean;
    }[];
    const asking = posted.find((m) => JSON.stringify(m.blocks).includes(`"value":"${approvalId}"`));
    expect(JSON.stringify(asking?.blocks)).toMatch(/plan `sha256:[0-9a-f]{12}`/);
    expect(asking?.broadcast).toBe(true);
    const interaction = await postSlack(
      "/slack/interactions",
      interactionBody("approve", approvalId, "U0ONCALL01", asking),
    );
    expect(interaction.status).toBe(200);
    expect(interaction.body.text).toContain(`approved by <@U0ONCALL01>`);

    const runId = approvalId.slice("approval-".length);
    await eventually(
      async () => (await getJson("/api/runs")).runs as { id: string; status: string }[],
      (list) => list.find((r) => r.id === runId)?.status === "succeeded",
      "the rollback run to succeed",
    );

    // The approval message lost its buttons and says who approved.
    const slack = (await getJson("/api/slack/messages")).messages as { text: string; blocks: unknown[] }[];
    const approvalMessage = slack.find((m) => JSON.stringify(m.blocks).includes(approvalId));
    expect(approvalMessage).toBeDefined();
    expect(JSON.stringify(approvalMessage?.blocks)).not.toContain('"action_id":"approve"');
    expect(approvalMessage?.text).toContain("U0ONCALL01");

    const again = await postSlack("/slack/interactions", interactionBody("deny", approvalId, "U0ONCALL01"));
    expect(again.status).toBe(200);
    expect(again.body.text).toContain("already been decided");
  });

  it("answers 401 to a bad signature and audits it without the secret", async () => {
    const before = (await rejectedAudits()).length;
    const body = commandBody("rollback prod/checkout-api");
    const bad = await postSlack("/slack/commands", body, { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: "invalid signature" });
    const missing = await postSlack("/slack/interactions", interactionBody("approve", "approval-x"), {
      signature: "",
    });
    expect(missing.status).toBe(401);
    const audits = await rejectedAudits();
    expect(audits.length).toBe(before + 2);
    expect(audits[0]).toMatchObject({ kind: "decision", action: "rejected" });
    expect(JSON.stringify(audits)).not.toContain(runtime.slackSigningSecret);
  });

  it("answers 401 to a stale timestamp, even when correctly signed", async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 6 * 60);
    const answer = await postSlack("/slack/commands", commandBody("help"), { timestamp: stale });
    expect(answer.status).toBe(401);
  });

  it("answers an unknown command, and help, with the commands the policies answer", async () => {
    const unknown = await postSlack("/slack/commands", commandBody("restart prod/checkout-api"));
    expect(unknown.status).toBe(200);
    expect(unknown.body.response_type).toBe("ephemeral");
    expect(unknown.body.text).toContain("Unknown command `restart`");
    expect(unknown.body.text).toContain("`/architech help`");

    for (const text of ["help", ""]) {
      const help = await postSlack("/slack/commands", commandBody(text));
      expect(help.status).toBe(200);
      expect(help.body.text).toContain("rollback");
      expect(help.body.text).toContain("approve");
    }
  });

  it("denies a command the settings do not allow with 403, and audits the denial", async () => {
    const denied = await postSlack("/slack/commands", commandBody("pause all --reason testing"));
    expect(denied.status).toBe(403);
    expect(denied.body.response_type).toBe("ephemeral");
    const audit = (await getJson("/api/audit?limit=1000")).items as {
      kind: string;
      action: string;
      actor: string;
    }[];
    expect(audit.some((e) => e.kind === "access" && e.action === "denied" && e.actor === "U024BE7LH")).toBe(
      true,
    );
    const switches = (await getJson("/api/switch")) as { killSwitch?: { engaged?: boolean } | null };
    expect(switches.killSwitch?.engaged ?? false).toBe(false);
  });

  it("answers other interactions as unsupported, and a missing approval with the reason", async () => {
    const other = await postSlack(
      "/slack/interactions",
      new URLSearchParams({
        payload: JSON.stringify({ type: "view_submission", user: { id: "U1" } }),
      }).toString(),
    );
    expect(other.body).toEqual({ text: "unsupported interaction" });
    const missing = await postSlack("/slack/interactions", interactionBody("approve", "approval-nope"));
    expect(missing.status).toBe(200);
    expect(missing.body.text).toContain("No approval `approval-nope`");
  });
});
