import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddedRuntime, startEmbeddedRuntime } from "@architech/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../main.ts";

const ROLLBACK_POLICY = `
name: rollback-on-errors
description: Roll back services whose error-rate alarms fire, once approved.
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
mode: approve
notify: { slack: "#oncall" }
`;

const alarmEvent = (id: string) => ({
  version: "0",
  id,
  "detail-type": "CloudWatch Alarm State Change",
  source: "aws.cloudwatch",
  account: "123456789012",
  time: "2026-12-01T10:00:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate"],
  detail: {
    alarmName: "checkout-api-5xx-rate",
    state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2026-12-01T10:00:00.000+0000" },
    previousState: { value: "OK", reason: "Threshold Crossed", timestamp: "2026-12-01T09:50:00.000+0000" },
    configuration: {
      metrics: [
        {
          id: "m1",
          metricStat: {
            metric: {
              namespace: "Storefront",
              name: "Http5xxRate",
              dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
            },
            period: 60,
            stat: "Average",
          },
          returnData: true,
        },
      ],
    },
  },
});

let dir: string;
let runtime: EmbeddedRuntime;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "architech-remote-"));
  writeFileSync(join(dir, "policy.yaml"), ROLLBACK_POLICY);
  writeFileSync(join(dir, "alarm.json"), JSON.stringify(alarmEvent("e1")));
  writeFileSync(join(dir, "not-an-event.json"), JSON.stringify({ hello: "world" }));
  runtime = await startEmbeddedRuntime({
    policiesDir: dir,
    sandboxFile: "sandbox/default.yaml",
    timeScale: 1 / 6000,
    clockStart: new Date("2026-12-01T10:00:00Z"),
  });
});
afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const code = await main(["node", "architech", ...args, "--url", runtime.url], io);
  return { code, out: out.join(""), err: err.join("") };
}

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out waiting");
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 1;
}

describe("commands against a running control plane", () => {
  it("sends an event, waits for approval, approves it, and the run rolls back", async () => {
    const sent = await run("send", join(dir, "alarm.json"));
    expect(sent.code).toBe(0);
    expect(sent.out).toMatch(/alarm\.json: put \(EventId /);

    const pending = await until(async () => {
      const listed = await run("approvals", "--json");
      const [first] = JSON.parse(listed.out) as { id: string; runId: string; taskToken?: string }[];
      return first;
    });
    expect(pending.taskToken).toBeUndefined();
    const runs = await run("runs");
    expect(runs.out).toContain("awaiting-approval");
    expect(runs.out).toContain("ecs-service:prod/checkout-api");

    const approved = await run("approve", pending.id, "--by", "U024BE7LH");
    expect(approved.code).toBe(0);
    expect(approved.out).toContain(`${pending.id} approved by U024BE7LH`);

    const done = await until(async () => {
      const shown = await run("run", pending.runId, "--json");
      const { run: current } = JSON.parse(shown.out) as { run: { status: string } };
      return current.status === "succeeded" ? current : undefined;
    });
    expect(done.status).toBe("succeeded");
    const shown = await run("run", pending.runId);
    expect(shown.out).toContain("approval/approved by U024BE7LH");
    expect(
      (await runtime.sandbox.ports.ecs.describeService("prod", "checkout-api")).taskDefinitionArn,
    ).toMatch(/checkout-api:41$/);

    const again = await run("approve", pending.id);
    expect(again.code).toBe(1);
    expect(again.err).toContain("already been decided");
  });

  it("denies with a reason and refuses a denial without one", async () => {
    const missing = await run("deny", "approval-nope");
    expect(missing.code).toBe(2);

    const unknown = await run("deny", "approval-nope", "--reason", "not now");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no approval approval-nope");
  });

  it("engages and releases the kill switch, and the audit log says who and why", async () => {
    const on = await run("switch", "on", "--reason", "game day", "--by", "ana");
    expect(on.code).toBe(0);
    expect(on.out).toContain("kill switch engaged");
    expect((await runtime.store.readSwitches()).killSwitch?.engaged).toBe(true);

    const off = await run("switch", "off", "--reason", "game day over", "--by", "ana");
    expect(off.code).toBe(0);
    expect((await runtime.store.readSwitches()).killSwitch?.engaged).toBe(false);

    const audit = await run("audit", "--limit", "5");
    expect(audit.out).toContain("switch/kill-switch-engaged by ana");
    expect(audit.out).toContain("switch/kill-switch-released by ana: game day over");

    const wrong = await run("switch", "maybe", "--reason", "x");
    expect(wrong.code).toBe(2);
  });

  it("refuses a file that is not an event before sending anything", async () => {
    const { code, err } = await run("send", join(dir, "not-an-event.json"));
    expect(code).toBe(2);
    expect(err).toContain("not an EventBridge event");
  });

  it("says the server is not running, and exits 2", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    const url = `http://127.0.0.1:${await closedPort()}`;

    const code = await main(["node", "architech", "runs", "--url", url], io);

    expect(code).toBe(2);
    expect(err.join("")).toContain("is `npm start` running?");
  });
});
