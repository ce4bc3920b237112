import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedRuntime, InvalidPoliciesError, startEmbeddedRuntime } from "./embedded-runtime.ts";
import type { RuntimeLogEntry } from "./live-log.ts";

const SANDBOX_FILE = fileURLToPath(new URL("../../../../sandbox/default.yaml", import.meta.url));
const GOOD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:41";
const BAD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:42";

const ROLLBACK_POLICY = `
name: rollback-on-errors
description: Roll back services whose error-rate alarms fire.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      alarmName: [{ suffix: "-5xx-rate" }]
      state: { value: [ALARM] }
runbook: rollback
params: { verifyWindow: 10m }
target: { from: alarm-dimensions }
mode: auto
notify: { slack: "#oncall" }
`;

const SCHEDULED_POLICY = `
name: rightsize-hourly
description: Every hour, recommend right sizes; changes nothing.
trigger:
  schedule: { expression: rate(1 hour), timezone: Europe/Berlin }
runbook: rightsize
params: { lookback: 14d, statistic: p95, minDataCoverage: 0.9 }
target: { type: account }
mode: dry-run
`;

function alarmDetail(state: "ALARM" | "OK"): string {
  return JSON.stringify({
    alarmName: "checkout-api-5xx-rate",
    state: { value: state, reason: "Threshold Crossed", timestamp: "2026-12-01T10:00:00.000+0000" },
    previousState: {
      value: state === "ALARM" ? "OK" : "ALARM",
      reason: "Threshold Crossed",
      timestamp: "2026-12-01T09:50:00.000+0000",
    },
    configuration: {
      metrics: [
        {
          id: "m1",
          metricStat: {
            metric: {
              namespace: "AWS/ApplicationELB",
              name: "HTTPCode_Target_5XX_Count",
              dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
            },
            period: 60,
            stat: "Sum",
          },
          returnData: true,
        },
      ],
    },
  });
}

const alarmEntry = {
  Source: "aws.cloudwatch",
  DetailType: "CloudWatch Alarm State Change",
  Detail: alarmDetail("ALARM"),
  Resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate"],
};

async function request(runtime: EmbeddedRuntime, method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          body: typeof body === "string" ? body : JSON.stringify(body),
          headers: { "content-type": "application/json" },
        }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let dir: string;
let runtime: EmbeddedRuntime;
const log: RuntimeLogEntry[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "architech-runtime-"));
  writeFileSync(join(dir, "rollback.yaml"), ROLLBACK_POLICY);
  writeFileSync(join(dir, "rightsize.yaml"), SCHEDULED_POLICY);
  runtime = await startEmbeddedRuntime({
    policiesDir: dir,
    sandboxFile: SANDBOX_FILE,
    port: 0,
    timeScale: 0,
    clockStart: new Date("2026-12-01T10:00:00.000Z"),
    log: (entry) => log.push(entry),
  });
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the embedded runtime", () => {
  it("rolls checkout-api back when its alarm is put on the bus, and shows the run through the API", async () => {
    const put = await request(runtime, "POST", "/events", { Entries: [alarmEntry] });

    expect(put.status).toBe(200);
    expect(put.body).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    const runs = await eventually(
      async () => (await request(runtime, "GET", "/api/runs")).body.runs as { id: string; status: string }[],
      (list) => list[0]?.status === "succeeded",
      "the run to succeed",
    );
    expect(runs).toHaveLength(1);
    const service = await runtime.sandbox.ports.ecs.describeService("prod", "checkout-api");
    expect(service.taskDefinitionArn).toBe(GOOD);
    // The run is recorded as succeeded a step or two before its execution ends (the lease is released last).
    const detail = await eventually(
      () => request(runtime, "GET", `/api/runs/${runs[0]?.id}`),
      (answer) => (answer.body.execution as { status?: string } | null)?.status !== "RUNNING",
      "the execution to end",
    );
    expect(detail.status).toBe(200);
    expect(detail.body.execution).toMatchObject({ status: "SUCCEEDED", stateMachineName: "rollback" });
    const history = detail.body.history as { type: string }[];
    expect(history[0]?.type).toBe("ExecutionStarted");
    expect(history.at(-1)?.type).toBe("ExecutionSucceeded");
    expect((detail.body.audit as { action: string }[]).map((e) => e.action)).toEqual(
      expect.arrayContaining(["start", "rolled-back", "succeeded"]),
    );
    const kinds = new Set(log.map((entry) => entry.kind));
    expect([...kinds]).toEqual(
      expect.arrayContaining(["event", "decision", "workflow", "action", "notification"]),
    );
    // Slack: the alarm's thread, and in it the run's one message, updated until it says succeeded.
    await runtime.idle();
    const slack = await request(runtime, "GET", "/api/slack/messages?channel=%23oncall");
    expect(slack.status).toBe(200);
    const messages = slack.body.messages as {
      ts: string;
      threadTs?: string;
      text: string;
      history: { text: string }[];
    }[];
    expect(messages).toHaveLength(2);
    const [alarm, run] = messages;
    expect(alarm?.text).toContain("Alarm checkout-api-5xx-rate in ALARM");
    expect(run?.threadTs).toBe(alarm?.ts);
    expect(run?.text).toContain("succeeded");
    expect(run?.history.length).toBeGreaterThan(1);
    const said = log.filter((e) => e.kind === "notification").map((e) => e.text);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^#oncall ${run?.ts} \\(in thread ${alarm?.ts}\\) posted: `)),
        expect.stringMatching(/^#oncall .* updated: rollback on ecs-service:prod\/checkout-api .*succeeded/),
      ]),
    );
    expect(
      log.some(
        (e) => e.kind === "decision" && e.text.includes("start rollback on ecs-service:prod/checkout-api"),
      ),
    ).toBe(true);
  });

  it("suppresses the next decision once the kill switch is engaged", async () => {
    runtime.sandbox.scenario.deployRelease("prod", "checkout-api", { revision: 42 });
    const engaged = await request(runtime, "POST", "/api/switch", {
      engaged: true,
      reason: "incident review",
      by: "alice",
    });
    expect(engaged.status).toBe(200);

    const put = await request(runtime, "POST", "/events", { Entries: [alarmEntry] });

    expect(put.body.FailedEntryCount).toBe(0);
    const audit = (await request(runtime, "GET", "/api/audit?limit=20")).body.items as {
      action: string;
      reason: string;
    }[];
    expect(audit.find((e) => e.action === "suppressed")?.reason).toContain("kill switch engaged by alice");
    expect((await runtime.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn).toBe(
      BAD,
    );
    const runs = (await request(runtime, "GET", "/api/runs")).body.runs as unknown[];
    expect(runs).toHaveLength(1);
  });

  it("answers a bad entry like PutEvents and a bad request with 400", async () => {
    const mixed = await request(runtime, "POST", "/events", {
      Entries: [
        { Source: "my.app", DetailType: "Thing", Detail: "{not json" },
        { Source: "my.app", DetailType: "Thing", Detail: "{}" },
      ],
    });
    expect(mixed.body).toEqual({
      FailedEntryCount: 1,
      Entries: [
        { ErrorCode: "MalformedDetail", ErrorMessage: expect.any(String) },
        { EventId: expect.any(String) },
      ],
    });

    const badJson = await request(runtime, "POST", "/events", "{oops");
    expect(badJson.status).toBe(400);
    expect(badJson.body.message).toContain("not valid JSON");
    expect((await request(runtime, "POST", "/events", { Entries: [] })).status).toBe(400);
    expect((await request(runtime, "POST", "/api/switch", { engaged: "yes" })).status).toBe(400);
  });

  it("answers the other endpoints: policies, sandbox, 404, and 401 for unsigned Slack requests", async () => {
    const policies = await request(runtime, "GET", "/api/policies");
    expect((policies.body.policies as { name: string }[]).map((p) => p.name)).toEqual([
      "rightsize-hourly",
      "rollback-on-errors",
    ]);
    const sandbox = await request(runtime, "GET", "/api/sandbox");
    expect(sandbox.body.account).toBe("123456789012");
    expect((await request(runtime, "GET", "/api/runs/no-such-run")).status).toBe(404);
    expect((await request(runtime, "GET", "/nowhere")).status).toBe(404);
    const slack = await request(runtime, "POST", "/slack/commands", {});
    expect(slack.status).toBe(401);
    expect(slack.body.error).toBe("invalid signature");
    expect((await request(runtime, "POST", "/slack/events", {})).status).toBe(404);
  });
});

describe("schedules on the embedded runtime", () => {
  it("fires a rate() schedule on the virtual clock and routes it to its policy", async () => {
    await request(runtime, "POST", "/api/switch", { engaged: false, reason: "review done", by: "alice" });
    const policies = (await request(runtime, "GET", "/api/policies")).body.policies as {
      name: string;
      schedule?: { nextFire: string };
    }[];
    const nextFire = policies.find((p) => p.name === "rightsize-hourly")?.schedule?.nextFire ?? "";
    expect(Date.parse(nextFire) - runtime.clock.now().getTime()).toBeGreaterThan(50 * 60_000);

    runtime.clock.advance(60 * 60_000);

    const decision = await eventually(
      async () =>
        (
          (await request(runtime, "GET", "/api/audit?limit=50")).body.items as {
            action: string;
            policy?: string;
          }[]
        ).find((e) => e.policy === "rightsize-hourly"),
      (entry) => entry !== undefined,
      "the scheduled decision",
    );
    expect(decision?.action).toBe("dry-run");
    expect(
      log.some((e) => e.kind === "schedule" && e.text.includes("rightsize-hourly: rate(1 hour) fires")),
    ).toBe(true);
  });
});

describe("starting the embedded runtime", () => {
  it("keeps the store in dataDir between starts, seeding the release history only the first time", async () => {
    const data = mkdtempSync(join(tmpdir(), "architech-data-"));
    try {
      const options = { policiesDir: dir, sandboxFile: SANDBOX_FILE, dataDir: data, timeScale: 0 };
      const first = await startEmbeddedRuntime(options);
      const seeded = first.seededReleases;
      await first.stop();

      const second = await startEmbeddedRuntime(options);
      const kept = await second.store.listAudit({ limit: 10 });
      await second.stop();

      expect(seeded).toBeGreaterThan(0);
      expect(second.seededReleases).toBeUndefined();
      expect(kept.items.map((e) => e.action)).toContain("release-history-seeded");
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it("refuses invalid policies, listing every problem", async () => {
    const bad = mkdtempSync(join(tmpdir(), "architech-bad-policies-"));
    try {
      writeFileSync(join(bad, "a.yaml"), "name: a\nrunbook: nope\n");
      writeFileSync(join(bad, "b.yaml"), "name: b\nmode: sometimes\n");

      const start = startEmbeddedRuntime({ policiesDir: bad, sandboxFile: SANDBOX_FILE, timeScale: 0 });

      await expect(start).rejects.toThrow(InvalidPoliciesError);
      await expect(start).rejects.toThrow(/a\.yaml[\s\S]*b\.yaml/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
