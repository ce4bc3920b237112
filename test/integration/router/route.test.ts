import type { DynamoStore } from "@architech/aws";
import {
  type Decision,
  normalizeEvent,
  PolicyIndex,
  parsePolicySet,
  type RouterDeps,
  route,
  routeEvent,
  type Signal,
} from "@architech/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, type ManualClock, manualClock, startHarness } from "../store/harness.ts";
import { alarmEvent, RecordingWorkflowStarter, sequentialIds } from "./fakes.ts";

const rollbackPolicy = (name: string, mode: string, extra = "") => `
name: ${name}
description: Roll checkout back when its alarm fires.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      alarmName: [{ prefix: "${name}-" }]
      state:
        value: [ALARM]
runbook: rollback
target:
  from: alarm-dimensions
mode: ${mode}
guardrails:
  cooldown: 30m
  maxRunsPerHour: 5
${extra}`;

function signalOf(event: unknown): Signal {
  const result = normalizeEvent(event);
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

function count(decisions: Decision[][], predicate: (d: Decision) => boolean): number {
  return decisions.flat().filter(predicate).length;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.db.stop();
});

describe("route", () => {
  let clock: ManualClock;
  let store: DynamoStore;
  let workflows: RecordingWorkflowStarter;
  let counter = 0;

  function deps(policyText: string): RouterDeps {
    const { policies, problems } = parsePolicySet([{ file: "p.yaml", text: policyText }]);
    expect(problems).toEqual([]);
    return {
      store,
      workflows,
      clock,
      ids: sequentialIds(`run${++counter}`),
      policies: new PolicyIndex(policies.map((p) => p.policy)),
    };
  }

  beforeEach(() => {
    clock = manualClock("2026-12-01T10:00:30Z");
    store = harness.store(clock);
    workflows = new RecordingWorkflowStarter();
  });

  it("starts one workflow for an alarm, with a deterministic execution name, and audits the decision", async () => {
    const d = deps(rollbackPolicy("p-start", "auto"));
    const result = await route(
      signalOf(alarmEvent({ id: "evt-start-1", alarmName: "p-start-5xx", service: "s-start" })),
      d,
    );

    expect(result.matched).toEqual(["p-start"]);
    const [decision] = result.decisions;
    expect(decision).toMatchObject({
      kind: "start",
      targetKey: "ecs-service:prod/s-start",
      alreadyStarted: false,
    });
    if (decision?.kind !== "start") throw new Error("expected a start");
    expect(decision.executionName).toMatch(/^p-start-[0-9a-f]{16}$/);
    const execution = workflows.executions.get(decision.executionName);
    expect(execution?.input).toMatchObject({
      runId: decision.runId,
      runbook: "rollback",
      mode: "auto",
      target: { type: "ecs-service", cluster: "prod", service: "s-start" },
      params: { to: "last-known-good", bakeTime: 900_000 },
    });
    const run = await store.getRun(decision.runId);
    expect(run).toMatchObject({ status: "pending", executionArn: decision.executionArn, policy: "p-start" });
    expect((await store.getLease("ecs-service:prod/s-start"))?.owner).toBe(decision.runId);
    const audit = await store.listAuditByRun({ runId: decision.runId });
    expect(audit.items.map((e) => [e.kind, e.action])).toEqual([["decision", "start"]]);
  });

  it("decides an event delivered twice once", async () => {
    const d = deps(rollbackPolicy("p-dup", "auto"));
    const event = alarmEvent({ id: "evt-dup-1", alarmName: "p-dup-5xx", service: "s-dup" });
    const [first, second] = await Promise.all([route(signalOf(event), d), route(signalOf(event), d)]);

    const decisions = [first.decisions, second.decisions];
    expect(count(decisions, (x) => x.kind === "start")).toBe(1);
    expect(count(decisions, (x) => x.kind === "suppressed" && x.reason === "duplicate")).toBe(1);
    expect(workflows.executions.size).toBe(1);
  });

  it("turns an alarm storm into one run and audits every suppression", async () => {
    const d = deps(rollbackPolicy("p-storm", "auto"));
    const events = Array.from({ length: 1000 }, (_, i) =>
      alarmEvent({ id: `evt-storm-${i}`, alarmName: "p-storm-5xx", service: "s-storm" }),
    );
    const results = await Promise.all(events.map((event) => route(signalOf(event), d)));

    const decisions = results.map((r) => r.decisions);
    expect(count(decisions, (x) => x.kind === "start")).toBe(1);
    expect(count(decisions, (x) => x.kind === "suppressed")).toBe(999);
    expect(workflows.executions.size).toBe(1);
    const runs = await store.listRunsByPolicy({ policy: "p-storm", limit: 100 });
    expect(runs.items).toHaveLength(1);
    let audited = 0;
    let cursor: string | undefined;
    do {
      const page = await store.listAuditByTarget({
        target: "ecs-service:prod/s-storm",
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      audited += page.items.filter((e) => e.action === "suppressed").length;
      cursor = page.cursor;
    } while (cursor);
    expect(audited).toBe(999);
  });

  it("suppresses within the cooldown and acts again after it", async () => {
    const d = deps(rollbackPolicy("p-cool", "auto"));
    const first = await route(
      signalOf(alarmEvent({ id: "c1", alarmName: "p-cool-5xx", service: "s-cool" })),
      d,
    );
    const run = first.decisions[0];
    if (run?.kind !== "start") throw new Error("expected a start");
    await store.transitionRun({ id: run.runId, to: "running" });
    await store.transitionRun({ id: run.runId, to: "succeeded" });
    const lease = await store.getLease(run.targetKey);
    await store.releaseLease({ target: run.targetKey, owner: run.runId, token: lease?.token ?? 0 });

    clock.advance(29 * 60_000);
    const during = await route(
      signalOf(alarmEvent({ id: "c2", alarmName: "p-cool-5xx", service: "s-cool" })),
      d,
    );
    expect(during.decisions[0]).toMatchObject({ kind: "suppressed", reason: "cooldown", runId: run.runId });

    clock.advance(60_000);
    const after = await route(
      signalOf(alarmEvent({ id: "c3", alarmName: "p-cool-5xx", service: "s-cool" })),
      d,
    );
    expect(after.decisions[0]?.kind).toBe("start");
  });

  it("checks the kill switch before anything else", async () => {
    const d = deps(rollbackPolicy("p-kill", "auto"));
    await route(signalOf(alarmEvent({ id: "k1", alarmName: "p-kill-5xx", service: "s-kill" })), d);
    await store.setKillSwitch({ engaged: true, reason: "incident 42", by: "U123" });
    try {
      // In cooldown and leased as well: the switch is what is reported.
      const result = await route(
        signalOf(alarmEvent({ id: "k2", alarmName: "p-kill-5xx", service: "s-kill" })),
        d,
      );
      expect(result.decisions[0]).toMatchObject({ kind: "suppressed", reason: "switch" });
      expect(result.decisions[0]?.kind === "suppressed" && result.decisions[0].detail).toContain(
        "incident 42",
      );
    } finally {
      await store.setKillSwitch({ engaged: false, reason: "resolved", by: "U123" });
    }
  });

  it("opens the circuit after repeated failures: pauses the policy and says why", async () => {
    const d = deps(rollbackPolicy("p-break", "auto"));
    for (let i = 0; i < 3; i++) {
      await store.createRun({
        id: `failed-${i}`,
        policy: "p-break",
        runbook: "rollback",
        target: `ecs-service:prod/x${i}`,
        signal: {},
        mode: "auto",
      });
      await store.transitionRun({ id: `failed-${i}`, to: "failed", reason: "steady state not reached" });
    }
    const opened = await route(
      signalOf(alarmEvent({ id: "b1", alarmName: "p-break-5xx", service: "s-break" })),
      d,
    );
    expect(opened.decisions[0]).toMatchObject({ kind: "suppressed", reason: "circuit-open" });
    const switches = await store.readSwitches();
    expect(switches.pauses.find((p) => p.policy === "p-break")?.reason).toContain("3 failed runs in 1h");

    const next = await route(
      signalOf(alarmEvent({ id: "b2", alarmName: "p-break-5xx", service: "s-break" })),
      d,
    );
    expect(next.decisions[0]).toMatchObject({ kind: "suppressed", reason: "switch" });
    await store.resumePolicy("p-break");
  });

  it("waits for approval, and cancels the waiting run when the alarm returns to OK", async () => {
    const d = deps(rollbackPolicy("p-appr", "approve"));
    const raised = await route(
      signalOf(alarmEvent({ id: "a1", alarmName: "p-appr-5xx", service: "s-appr" })),
      d,
    );
    const decision = raised.decisions[0];
    if (decision?.kind !== "await-approval")
      throw new Error(`expected await-approval, got ${decision?.kind}`);
    expect((await store.getRun(decision.runId))?.status).toBe("awaiting-approval");

    clock.advance(60_000);
    const resolved = await route(
      signalOf(alarmEvent({ id: "a2", alarmName: "p-appr-5xx", service: "s-appr", state: "OK" })),
      d,
    );
    expect(resolved.matched).toEqual([]);
    expect(resolved.annotations).toEqual([
      expect.objectContaining({ runId: decision.runId, action: "cancelled" }),
    ]);
    expect((await store.getRun(decision.runId))?.status).toBe("cancelled");
    expect(workflows.stopped.map((s) => s.executionArn)).toEqual([decision.executionArn]);
    expect((await store.getLease(decision.targetKey))?.released).toBe(true);
  });

  it("finishes a start that failed transiently when the event is redelivered, without a second run", async () => {
    const d = deps(rollbackPolicy("p-retry", "auto"));
    const event = alarmEvent({ id: "r1", alarmName: "p-retry-5xx", service: "s-retry" });
    workflows.failNext = "transient";
    await expect(route(signalOf(event), d)).rejects.toThrow("transient");

    const retried = await route(signalOf(event), d);
    expect(retried.decisions[0]).toMatchObject({ kind: "start", alreadyStarted: true });
    expect(workflows.executions.size).toBe(1);
    expect((await store.listRunsByPolicy({ policy: "p-retry" })).items).toHaveLength(1);
  });

  it("rejects a signal whose target cannot be worked out, and malformed input, with the reason", async () => {
    const d = deps(rollbackPolicy("p-rej", "auto"));
    const event = alarmEvent({ id: "j1", alarmName: "p-rej-5xx" });
    const detail = (
      event.detail as { configuration: { metrics: { metricStat: { metric: { dimensions: unknown } } }[] } }
    ).configuration;
    const metric = detail.metrics[0];
    if (metric) metric.metricStat.metric.dimensions = { LoadBalancer: "app/x/1" };
    const result = await route(signalOf(event), d);
    expect(result.decisions[0]).toMatchObject({ kind: "rejected", reason: "unresolved-target" });

    const garbage = await routeEvent(
      { source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: {} },
      d,
    );
    expect(garbage.decisions[0]).toMatchObject({ kind: "rejected", reason: "invalid-event" });
  });

  it("does not act inside a policy freeze or outside its allowed windows", async () => {
    const freeze = `  freeze:\n    - { start: "2026-12-01T00:00:00Z", end: "2026-12-02T00:00:00Z", reason: release freeze }`;
    const d1 = deps(rollbackPolicy("p-frz", "auto", freeze));
    const frozen = await route(
      signalOf(alarmEvent({ id: "f1", alarmName: "p-frz-5xx", service: "s-frz" })),
      d1,
    );
    expect(frozen.decisions[0]).toMatchObject({ kind: "suppressed", reason: "policy-freeze" });

    // 2026-12-01 is a Tuesday; 10:00:30 UTC is 11:00:30 in Berlin.
    const window = (start: string, end: string) =>
      `  allowedWindows:\n    - { days: [TUE], start: "${start}", end: "${end}", timezone: Europe/Berlin }`;
    const outside = deps(rollbackPolicy("p-win", "auto", window("12:00", "18:00")));
    const blocked = await route(
      signalOf(alarmEvent({ id: "w1", alarmName: "p-win-5xx", service: "s-win" })),
      outside,
    );
    expect(blocked.decisions[0]).toMatchObject({ kind: "suppressed", reason: "outside-allowed-window" });
    const inside = deps(rollbackPolicy("p-win2", "auto", window("11:00", "12:00")));
    const allowed = await route(
      signalOf(alarmEvent({ id: "w2", alarmName: "p-win2-5xx", service: "s-win2" })),
      inside,
    );
    expect(allowed.decisions[0]?.kind).toBe("start");
  });

  it("limits runs per hour per policy", async () => {
    const d = deps(
      rollbackPolicy("p-rate", "auto").replace("maxRunsPerHour: 5", "maxRunsPerHour: 2\n  maxConcurrent: 10"),
    );
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await route(
        signalOf(alarmEvent({ id: `rt-${i}`, alarmName: "p-rate-5xx", service: `s-rate-${i}` })),
        d,
      );
      kinds.push(
        result.decisions[0]?.kind === "suppressed"
          ? `suppressed:${result.decisions[0].reason}`
          : String(result.decisions[0]?.kind),
      );
    }
    expect(kinds).toEqual(["start", "start", "suppressed:rate-limit"]);
    clock.advance(3_600_000);
    const next = await route(
      signalOf(alarmEvent({ id: "rt-next", alarmName: "p-rate-5xx", service: "s-rate-9" })),
      d,
    );
    expect(next.decisions[0]?.kind).toBe("start");
  });

  it("caps unfinished runs per policy and targets in flight", async () => {
    const concurrent = deps(
      rollbackPolicy("p-conc", "auto").replace("maxRunsPerHour: 5", "maxRunsPerHour: 50\n  maxConcurrent: 2"),
    );
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await route(
        signalOf(alarmEvent({ id: `cc-${i}`, alarmName: "p-conc-5xx", service: `s-conc-${i}` })),
        concurrent,
      );
      kinds.push(
        result.decisions[0]?.kind === "suppressed"
          ? result.decisions[0].reason
          : String(result.decisions[0]?.kind),
      );
    }
    expect(kinds).toEqual(["start", "start", "max-concurrent"]);

    const radius = deps(
      rollbackPolicy("p-blast", "auto").replace(
        "maxRunsPerHour: 5",
        "maxRunsPerHour: 50\n  maxConcurrent: 10\n  blastRadius: { maxCount: 1 }",
      ),
    );
    const first = await route(
      signalOf(alarmEvent({ id: "bl-1", alarmName: "p-blast-5xx", service: "s-blast-1" })),
      radius,
    );
    const second = await route(
      signalOf(alarmEvent({ id: "bl-2", alarmName: "p-blast-5xx", service: "s-blast-2" })),
      radius,
    );
    expect(first.decisions[0]?.kind).toBe("start");
    expect(second.decisions[0]).toMatchObject({ kind: "suppressed", reason: "blast-radius" });
  });

  it("never starts more than maxConcurrent runs when decisions on different targets race", async () => {
    // Prepare
    const racing = deps(
      rollbackPolicy("p-race", "auto").replace(
        "maxRunsPerHour: 5",
        "maxRunsPerHour: 100\n  maxConcurrent: 3",
      ),
    );

    // Act: thirty services alarm at once; then one of the runs finishes without its release step
    // having run (its slot is stale), and another service alarms.
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        route(
          signalOf(alarmEvent({ id: `race-${i}`, alarmName: "p-race-5xx", service: `s-race-${i}` })),
          racing,
        ).then((result) => result.decisions),
      ),
    );
    const started = decisions.flat().filter((d) => d.kind === "start");
    const finished = started[0];
    if (finished?.kind !== "start") throw new Error("expected a start");
    await store.transitionRun({ id: finished.runId, to: "running" });
    await store.transitionRun({ id: finished.runId, to: "succeeded", reason: "rolled back" });
    const next = await route(
      signalOf(alarmEvent({ id: "race-next", alarmName: "p-race-5xx", service: "s-race-next" })),
      racing,
    );
    const stillFull = await route(
      signalOf(alarmEvent({ id: "race-full", alarmName: "p-race-5xx", service: "s-race-full" })),
      racing,
    );

    // Assess
    expect(started).toHaveLength(3);
    expect(count(decisions, (d) => d.kind === "suppressed" && d.reason === "max-concurrent")).toBe(27);
    expect(next.decisions[0]).toMatchObject({ kind: "start", targetKey: "ecs-service:prod/s-race-next" });
    expect(stillFull.decisions[0]).toMatchObject({ kind: "suppressed", reason: "max-concurrent" });
  });

  it("suppresses a second policy's run on a target another run holds", async () => {
    const text = `${rollbackPolicy("p-lease-a", "auto").replace('prefix: "p-lease-a-"', 'prefix: "p-lease-"')}\n---\n${rollbackPolicy("p-lease-b", "auto").replace('prefix: "p-lease-b-"', 'prefix: "p-lease-"')}`;
    const d = deps(text);
    const result = await route(
      signalOf(alarmEvent({ id: "ls-1", alarmName: "p-lease-5xx", service: "s-lease" })),
      d,
    );
    expect(result.matched).toEqual(["p-lease-a", "p-lease-b"]);
    expect(result.decisions.map((x) => (x.kind === "suppressed" ? x.reason : x.kind))).toEqual([
      "start",
      "target-leased",
    ]);
  });
});
