import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../main.ts";

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const code = await main(["node", "architech", ...args], io);
  return { code, out: out.join(""), err: err.join("") };
}

describe("architech replay", () => {
  it("shows the example policies' decisions for the sample events, in order, starting nothing", async () => {
    const { code, out } = await run(
      "replay",
      "--json",
      "test/events/cloudwatch/alarm-action.metric.json",
      "test/events/cloudwatch/alarm-state-change.metric-math.alarm.json",
      "test/events/cloudwatch/alarm-state-change.metric.alarm.json",
      "test/events/budgets/sns.actual.monthly.json",
      "test/events/backup/backup-job-state-change.completed.json",
    );
    expect(code).toBe(0);
    const results = JSON.parse(out) as {
      file: string;
      matched: string[];
      decisions: Record<string, unknown>[];
    }[];
    const summary = results.map((r) => r.decisions.map((d) => [d.policy, d.kind, d.reason ?? d.targetKey]));
    expect(summary).toEqual([
      // An error-rate alarm on a Lambda alias: rollback, waiting for approval.
      [["rollback-on-error-alarms", "await-approval", "lambda-alias:order-processor:live"]],
      // The same alarm again, moments later: one run, the second is suppressed by the cooldown.
      [["rollback-on-error-alarms", "suppressed", "cooldown"]],
      // A CPU alarm is no reason to roll back: no policy matches.
      [],
      // Budget at 80 %: rightsizing recommendations, dry-run.
      [["rightsize-on-budget-80", "dry-run", "account:*"]],
      // A completed DynamoDB backup: verify it.
      [
        [
          "verify-dynamodb-backups",
          "start",
          "backup-resource:arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        ],
      ],
    ]);
  });

  it("prints readable lines and exits 2 for a file that is not a signal", async () => {
    const { code, out, err } = await run(
      "replay",
      "test/events/slack/command.txt",
      "test/events/ecs/service-action.steady-state.json",
    );
    expect(out).toContain("→ rollback-by-hand: await-approval rollback on ecs-service:prod/checkout-api");
    expect(err).toContain("UnsupportedEventKind");
    expect(code).toBe(2);
  });

  it("refuses to replay against invalid policies, or none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "architech-replay-"));
    const empty = await run("replay", "--policies", dir, "test/events/slack/command.txt");
    expect(empty.code).toBe(2);
    expect(empty.err).toContain("no policy files");

    writeFileSync(join(dir, "bad.yaml"), "name: x\n");
    const invalid = await run("replay", "--policies", dir, "test/events/slack/command.txt");
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain("fix the policies first");
  });
});
