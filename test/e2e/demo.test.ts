import { describe, expect, it } from "vitest";
import { main } from "../../packages/cli/src/main.ts";

describe("architech demo", () => {
  it("plays the scripted day and every outcome is as scripted", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };

    const code = await main(["node", "architech", "demo", "--json"], io);

    const result = JSON.parse(out.join("")) as {
      runs: { runbook: string; policy: string; target: string; status: string }[];
      suppressed: number;
      ok: boolean;
    };
    expect(err.join("")).toBe("");
    expect(result.ok).toBe(true);
    expect(code).toBe(0);
    expect(result.runs).toEqual([
      {
        runbook: "verify-backup",
        policy: "verify-dynamodb-backups",
        target: "backup-resource:arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        status: "succeeded",
      },
      {
        runbook: "rollback",
        policy: "rollback-on-error-alarms",
        target: "ecs-service:prod/checkout-api",
        status: "succeeded",
      },
      { runbook: "rightsize", policy: "rightsize-on-budget-80", target: "account:*", status: "dry-run" },
      { runbook: "cleanup", policy: "cleanup-nonprod", target: "account:eu-west-1", status: "succeeded" },
      { runbook: "cleanup", policy: "cleanup-nonprod", target: "account:eu-west-1", status: "succeeded" },
    ]);
    expect(result.suppressed).toBe(501);
  }, 60_000);
});
