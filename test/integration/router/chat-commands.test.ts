import type { DynamoStore } from "@architech/aws";
import {
  type Decision,
  type Notification,
  type Notifier,
  normalizeEvent,
  PolicyIndex,
  parsePolicySet,
  type RouterDeps,
  type RunNotice,
  route,
  type Signal,
} from "@architech/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, type ManualClock, manualClock, startHarness } from "../store/harness.ts";
import { alarmEvent, RecordingWorkflowStarter, sequentialIds } from "./fakes.ts";

/** A notifier that records what it was told, and can be told to fail. */
class RecordingNotifier implements Notifier {
  readonly notices: RunNotice[] = [];
  failing = false;

  async notify(_notification: Notification): Promise<void> {}

  async announce(notice: RunNotice): Promise<void> {
    if (this.failing) throw new Error("Slack is down");
    this.notices.push(notice);
  }
}

const commandPolicy = (name: string, runbook: string, mode: string, extra = "") => `
name: ${name}
description: /architech ${name} by hand.
trigger: { command: { name: ${name} } }
runbook: ${runbook}
target: { from: event }
mode: ${mode}
guardrails: { cooldown: 10m }
notify: { slack: "#deployments", oncall: S0DEPLOYONCALL }
${extra}`;

const alarmPolicy = (name: string) => `
name: ${name}
description: Roll back when the alarm fires.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail: { alarmName: [{ prefix: "${name}-" }], state: { value: [ALARM] } }
runbook: rollback
target: { from: alarm-dimensions }
mode: auto
guardrails: { maxConcurrent: 10 }
notify: { slack: "#oncall" }
`;

let triggers = 0;
function command(text: string, userId = "U0ALICE01"): Signal {
  const body = new URLSearchParams({
    team_id: "T0001",
    channel_id: "C0123456789",
    channel_name: "deployments",
    user_id: userId,
    user_name: "alice",
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1/abc",
    trigger_id: `trigger-${++triggers}`,
  }).toString();
  const result = normalizeEvent({ kind: "slack-command", body, timestamp: "1796119230" });
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

function signalOf(event: unknown): Signal {
  const result = normalizeEvent(event);
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

function only(decisions: Decision[]): Decision {
  expect(decisions).toHaveLength(1);
  return decisions[0] as Decision;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

describe("chat commands through the router", () => {
  let clock: ManualClock;
  let store: DynamoStore;
  let workflows: RecordingWorkflowStarter;
  let notifier: RecordingNotifier;
  let counter = 0;

  function deps(policyText: string): RouterDeps {
    const { policies, problems } = parsePolicySet([{ file: "p.yaml", text: policyText }]);
    expect(problems).toEqual([]);
    return {
      store,
      workflows,
      clock,
      ids: sequentialIds(`cmd${++counter}`),
      policies: new PolicyIndex(policies.map((p) => p.policy)),
      notifier,
      account: { account: "123456789012", region: "eu-west-1" },
    };
  }

  beforeEach(() => {
    clock = manualClock("2026-12-01T10:00:30Z");
    store = harness.store(clock);
    workflows = new RecordingWorkflowStarter();
    notifier = new RecordingNotifier();
  });

  it("starts a rollback for the service named, records who asked and why, and announces it once", async () => {
    // Prepare
    const d = deps(commandPolicy("rb-ask", "rollback", "approve"));

    // Act
    const result = await route(
      command('rb-ask prod/rb-ask-api --to rb-ask-api:41 --reason "bad deploy"', "U0ALICE01"),
      d,
    );

    // Assess
    const decision = only(result.decisions);
    if (decision.kind !== "await-approval")
      throw new Error(`expected await-approval: ${JSON.stringify(decision)}`);
    expect(decision.targetKey).toBe("ecs-service:prod/rb-ask-api");
    const input = workflows.executions.get(decision.executionName)?.input;
    expect(input).toMatchObject({
      mode: "approve",
      target: { type: "ecs-service", cluster: "prod", service: "rb-ask-api" },
      params: { to: "last-known-good", release: "rb-ask-api:41" },
      trigger: {
        type: "chat-command",
        requestedBy: "U0ALICE01",
        reason: "bad deploy",
        requested: { release: "rb-ask-api:41" },
      },
    });
    const run = await store.getRun(decision.runId);
    expect(run?.signal).toMatchObject({ type: "chat-command", userId: "U0ALICE01" });
    const audit = await store.listAuditByRun({ runId: decision.runId });
    expect(audit.items).toEqual([
      expect.objectContaining({
        kind: "decision",
        action: "await-approval",
        actor: "U0ALICE01",
        details: expect.objectContaining({ requestedBy: "U0ALICE01", requestReason: "bad deploy" }),
      }),
    ]);
    expect(notifier.notices).toEqual([
      {
        kind: "run-started",
        status: "awaiting-approval",
        run: {
          runId: decision.runId,
          policy: "rb-ask",
          runbook: "rollback",
          targetKey: "ecs-service:prod/rb-ask-api",
          mode: "approve",
          notify: { slack: "#deployments", oncall: "S0DEPLOYONCALL" },
          trigger: {
            type: "chat-command",
            summary: expect.stringContaining("rb-ask prod/rb-ask-api"),
            requestedBy: "U0ALICE01",
          },
        },
      },
    ]);
  });

  it("runs a dry run when asked, lowering the policy's mode, and leaves no cooldown for the real run", async () => {
    // Prepare
    const d = deps(commandPolicy("rb-dry", "rollback", "approve"));

    // Act: a dry run, which finishes (its workflow records it and releases the target), then the real one.
    const dry = only((await route(command("rb-dry prod/rb-dry-api --dry-run"), d)).decisions);
    if (dry.kind !== "dry-run") throw new Error(`expected a dry run: ${JSON.stringify(dry)}`);
    await store.transitionRun({ id: dry.runId, to: "dry-run", reason: "planned" });
    const lease = await store.getLease(dry.targetKey);
    if (lease) await store.releaseLease({ target: dry.targetKey, owner: lease.owner, token: lease.token });
    const real = only((await route(command("rb-dry prod/rb-dry-api"), d)).decisions);

    // Assess
    expect(dry.targetKey).toBe("ecs-service:prod/rb-dry-api");
    expect(workflows.executions.get(dry.executionName)?.input.mode).toBe("dry-run");
    expect(real).toMatchObject({ kind: "await-approval", targetKey: "ecs-service:prod/rb-dry-api" });
    expect((await store.getCooldown({ policy: "rb-dry", target: dry.targetKey })).active).toBe(true);
    expect(notifier.notices.map((n) => (n.kind === "run-started" ? n.status : n.kind))).toEqual([
      "dry-run",
      "awaiting-approval",
    ]);
  });

  it("holds people to the safety envelope: the kill switch, the cooldown and the target's lease", async () => {
    // Prepare
    const d = deps(commandPolicy("rb-held", "rollback", "auto"));

    // Act: the kill switch engaged, then released; the rollback; the same again in its cooldown; and
    // twenty people asking at once for another service.
    await store.setKillSwitch({ engaged: true, reason: "incident 42", by: "U0ONCALL01" });
    const killed = only((await route(command("rb-held prod/held-api"), d)).decisions);
    await store.setKillSwitch({ engaged: false, reason: "incident over", by: "U0ONCALL01" });
    const first = only((await route(command("rb-held prod/held-api"), d)).decisions);
    const again = only((await route(command("rb-held prod/held-api", "U0BOB0001"), d)).decisions);
    // The first run finishes (the policy runs one at a time), releasing its target.
    if (first.kind !== "start") throw new Error(`expected a start: ${JSON.stringify(first)}`);
    await store.transitionRun({ id: first.runId, to: "running" });
    await store.transitionRun({ id: first.runId, to: "succeeded", reason: "rolled back" });
    const held = await store.getLease(first.targetKey);
    if (held) await store.releaseLease({ target: first.targetKey, owner: held.owner, token: held.token });
    const crowd = await Promise.all(
      Array.from({ length: 20 }, (_, i) => route(command("rb-held prod/crowd-api", `U0PERSON${i}`), d)),
    );

    // Assess
    expect(killed).toMatchObject({ kind: "suppressed", reason: "switch" });
    expect(killed.kind === "suppressed" && killed.detail).toContain("kill switch engaged by U0ONCALL01");
    expect(again).toMatchObject({ kind: "suppressed", reason: "cooldown" });
    const crowdDecisions = crowd.flatMap((result) => result.decisions);
    expect(crowdDecisions.filter((decision) => decision.kind === "start")).toHaveLength(1);
    expect(crowdDecisions.filter((decision) => decision.kind === "suppressed")).toHaveLength(19);
    expect([...workflows.executions.values()].map((e) => e.input.targetKey).sort()).toEqual([
      "ecs-service:prod/crowd-api",
      "ecs-service:prod/held-api",
    ]);
  });

  it("rejects bad arguments with a usage line, audited under the person's name, and starts nothing", async () => {
    const d = deps(commandPolicy("rb-bad", "rollback", "auto"));

    const decision = only((await route(command("rb-bad checkout-api --force", "U0BOB0001"), d)).decisions);

    expect(decision).toEqual({
      kind: "rejected",
      policy: "rb-bad",
      reason: "invalid-arguments",
      detail:
        'rb-bad does not take --force; rb-bad takes --to, --reason, --dry-run, --cluster. Usage: /architech rb-bad <service> [--to <release>] [--reason "<text>"] [--dry-run] [--cluster <cluster>] (the service is <cluster>/<service>, <service> --cluster <cluster>, or <function>:<alias>)',
    });
    expect(workflows.executions.size).toBe(0);
    expect(notifier.notices).toEqual([]);
    const audit = await store.listAudit({ limit: 200 });
    expect(audit.items.find((entry) => entry.policy === "rb-bad")).toMatchObject({
      action: "rejected",
      actor: "U0BOB0001",
      policy: "rb-bad",
      details: expect.objectContaining({ reason: "invalid-arguments", requestedBy: "U0BOB0001" }),
    });
  });

  it("narrows a cleanup to the kind asked for, on the account", async () => {
    const d = deps(
      commandPolicy("cu-kind", "cleanup", "dry-run").replace(
        "target: { from: event }",
        "target: { type: account }",
      ),
    );

    const decision = only((await route(command("cu-kind ebs-volume"), d)).decisions);

    if (decision.kind !== "dry-run") throw new Error(`expected a dry run: ${JSON.stringify(decision)}`);
    expect(decision.targetKey).toBe("account:*");
    expect(workflows.executions.get(decision.executionName)?.input.params.kinds).toEqual(["ebs-volume"]);
  });

  it("verifies the backup of a table named alone, in the control plane's account", async () => {
    const d = deps(commandPolicy("vb-table", "verify-backup", "auto"));

    const decision = only((await route(command("vb-table orders"), d)).decisions);

    expect(decision).toMatchObject({
      kind: "start",
      targetKey: "backup-resource:arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
    });
  });

  it("threads the run of an alarm under it: the notice names the alarm and when it fired", async () => {
    const d = deps(alarmPolicy("al-thread"));

    const decision = only(
      (await route(signalOf(alarmEvent({ id: "al-1", alarmName: "al-thread-5xx", service: "s-thread" })), d))
        .decisions,
    );

    expect(decision.kind).toBe("start");
    expect(notifier.notices).toEqual([
      expect.objectContaining({
        kind: "run-started",
        status: "pending",
        run: expect.objectContaining({
          trigger: {
            type: "alarm",
            summary: expect.stringContaining('alarm "al-thread-5xx" OK → ALARM'),
            alarm: {
              name: "al-thread-5xx",
              arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:al-thread-5xx",
              since: "2026-12-01T10:00:00.000Z",
              reason: "Threshold Crossed",
            },
          },
        }),
      }),
    ]);
  });

  it("announces a start once: not for a duplicate delivery, once for a start finished by a redelivery", async () => {
    const d = deps(alarmPolicy("al-once"));
    const event = alarmEvent({ id: "once-1", alarmName: "al-once-5xx", service: "s-once" });
    await route(signalOf(event), d);
    await route(signalOf(event), d);

    const retried = alarmEvent({ id: "once-2", alarmName: "al-once-5xx", service: "s-once-2" });
    workflows.failNext = "transient";
    await expect(route(signalOf(retried), d)).rejects.toThrow("transient");
    const redriven = only((await route(signalOf(retried), d)).decisions);

    expect(redriven).toMatchObject({ kind: "start", alreadyStarted: true });
    expect(notifier.notices.map((n) => n.kind === "run-started" && n.run.targetKey)).toEqual([
      "ecs-service:prod/s-once",
      "ecs-service:prod/s-once-2",
    ]);
  });

  it("decides the same when the notifier fails", async () => {
    const d = deps(alarmPolicy("al-fail"));
    notifier.failing = true;

    const decision = only(
      (await route(signalOf(alarmEvent({ id: "fail-1", alarmName: "al-fail-5xx", service: "s-fail" })), d))
        .decisions,
    );

    expect(decision).toMatchObject({ kind: "start", alreadyStarted: false });
    if (decision.kind !== "start") throw new Error("expected a start");
    expect((await store.getRun(decision.runId))?.executionArn).toBe(decision.executionArn);
  });

  it("announces the circuit breaker once, when it trips, not on the suppressions after", async () => {
    const d = deps(
      alarmPolicy("al-break").replace(
        'notify: { slack: "#oncall" }',
        'notify: { slack: "#oncall", oncall: S0PLATFORMONCALL }',
      ),
    );
    for (let i = 0; i < 3; i++) {
      await store.createRun({
        id: `break-failed-${i}`,
        policy: "al-break",
        runbook: "rollback",
        target: `ecs-service:prod/b${i}`,
        signal: {},
        mode: "auto",
      });
      await store.transitionRun({
        id: `break-failed-${i}`,
        to: "failed",
        reason: "steady state not reached",
      });
    }

    // Two deliveries race on the same failures; a third comes once the policy is paused.
    const raced = await Promise.all(
      ["br-1", "br-2"].map((id) =>
        route(signalOf(alarmEvent({ id, alarmName: "al-break-5xx", service: `s-${id}` })), d),
      ),
    );
    const later = await route(
      signalOf(alarmEvent({ id: "br-3", alarmName: "al-break-5xx", service: "s-br-3" })),
      d,
    );

    expect(raced.flatMap((r) => r.decisions.map((x) => x.kind))).toEqual(["suppressed", "suppressed"]);
    expect(only(later.decisions)).toMatchObject({ kind: "suppressed", reason: "switch" });
    expect(notifier.notices).toEqual([
      {
        kind: "circuit-breaker",
        policy: "al-break",
        notify: { slack: "#oncall", oncall: "S0PLATFORMONCALL" },
        detail: expect.stringMatching(/^circuit breaker: 3 failed runs in 1h/),
      },
    ]);
    await store.resumePolicy("al-break");
  });
});
