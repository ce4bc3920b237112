import type { RunNotice, RunNoticeRef } from "@architech/core";
import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LogNotifier } from "./log-notifier.ts";

let output: string[];
beforeEach(() => {
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The structured log entries written. */
function entries(): Record<string, unknown>[] {
  return output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const run: RunNoticeRef = {
  runId: "01HXR5M8Q3V4K2N6P0R8T1W3Y5",
  policy: "rollback-on-error-alarms",
  runbook: "rollback",
  targetKey: "ecs-service:prod/checkout-api",
  mode: "approve",
  notify: { slack: "#deployments", oncall: "S0614TZR7" },
  trigger: {
    type: "alarm",
    summary: "alarm checkout-api-5xx went into ALARM",
    alarm: {
      name: "checkout-api-5xx",
      arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx",
      since: "2024-05-01T11:58:00.000Z",
    },
  },
};

function notifier(): LogNotifier {
  return new LogNotifier(new Logger({ serviceName: "architech-test" }));
}

describe("LogNotifier.notify", () => {
  it("logs each notification at its severity, with the whole notification", async () => {
    // Act
    await notifier().notify({ channel: "#ops", text: "3 volumes marked", severity: "info" });
    await notifier().notify({ channel: "#ops", text: "backup is 2 h old", severity: "warning" });
    await notifier().notify({
      channel: "#ops",
      text: "restore failed",
      runId: run.runId,
      severity: "failure",
      mention: "S0614TZR7",
    });

    // Assess
    expect(entries().map((entry) => [entry.level, entry.message])).toEqual([
      ["INFO", "3 volumes marked"],
      ["WARN", "backup is 2 h old"],
      ["ERROR", "restore failed"],
    ]);
    expect(entries()[2]?.notification).toEqual({
      channel: "#ops",
      text: "restore failed",
      runId: run.runId,
      severity: "failure",
      mention: "S0614TZR7",
    });
  });
});

describe("LogNotifier.announce", () => {
  it("logs a run's notices as structured entries, failures as errors and waits as warnings", async () => {
    // Prepare
    const notices: RunNotice[] = [
      { kind: "run-started", run, status: "awaiting-approval" },
      {
        kind: "approval-requested",
        run,
        approvalId: "apr-1",
        expiresAt: "2024-05-01T13:00:00.000Z",
        plan: {
          summary: "roll checkout-api back to :41",
          why: "5xx above 5 % since 11:58",
          changes: [{ target: "prod/checkout-api", action: "roll back", from: ":42", to: ":41" }],
          planHash: "sha256:9f2c",
        },
      },
      { kind: "approval-decided", run, approvalId: "apr-1", decision: "approved", by: "slack:U024BE7LH" },
      { kind: "run-progress", run, step: "waiting for steady state" },
      { kind: "run-finished", run, status: "failed", reason: "alarm still ALARM after rollback" },
      {
        kind: "circuit-breaker",
        policy: "rollback-on-error-alarms",
        detail: "3 failed runs in 1 h",
      },
    ];

    // Act
    for (const notice of notices) await notifier().announce(notice);

    // Assess
    const logged = entries();
    expect(logged.map((entry) => [entry.level, entry.message])).toEqual([
      [
        "INFO",
        "run 01HXR5M8Q3V4K2N6P0R8T1W3Y5 (rollback-on-error-alarms → rollback on ecs-service:prod/checkout-api) started: awaiting-approval, triggered by alarm checkout-api-5xx went into ALARM",
      ],
      [
        "WARN",
        "run 01HXR5M8Q3V4K2N6P0R8T1W3Y5 (rollback-on-error-alarms → rollback on ecs-service:prod/checkout-api) awaits approval apr-1 until 2024-05-01T13:00:00.000Z: roll checkout-api back to :41",
      ],
      [
        "INFO",
        "run 01HXR5M8Q3V4K2N6P0R8T1W3Y5 (rollback-on-error-alarms → rollback on ecs-service:prod/checkout-api): approval apr-1 approved by slack:U024BE7LH",
      ],
      [
        "INFO",
        "run 01HXR5M8Q3V4K2N6P0R8T1W3Y5 (rollback-on-error-alarms → rollback on ecs-service:prod/checkout-api): waiting for steady state",
      ],
      [
        "ERROR",
        "run 01HXR5M8Q3V4K2N6P0R8T1W3Y5 (rollback-on-error-alarms → rollback on ecs-service:prod/checkout-api) finished: failed — alarm still ALARM after rollback",
      ],
      ["ERROR", "policy rollback-on-error-alarms paused by its circuit breaker: 3 failed runs in 1 h"],
    ]);
    expect(logged.map((entry) => entry.notice)).toEqual(notices);
  });

  it("never throws, even when the log cannot be written", async () => {
    // Prepare
    const broken = new Logger({ serviceName: "architech-test" });
    vi.spyOn(broken, "info").mockImplementation(() => {
      throw new Error("stdout closed");
    });

    // Act
    const result = new LogNotifier(broken).announce({ kind: "run-progress", run, step: "verifying" });

    // Assess
    await expect(result).resolves.toBeUndefined();
  });
});
