import { describe, expect, it } from "vitest";
import { parsePolicyFile, parsePolicySet } from "./load.ts";
import { PolicySchema } from "./policy.ts";

const rollbackPolicy = `# Roll checkout back when its alarms fire
name: rollback-checkout
description: Roll checkout back on 5xx or latency alarms.
trigger:
  pattern:
    source: [aws.cloudwatch]
    detail-type: [CloudWatch Alarm State Change]
    detail:
      state:
        value: [ALARM]
runbook: rollback
target:
  from: alarm-dimensions
mode: approve
guardrails:
  cooldown: 45m
`;

describe("PolicySchema", () => {
  it("fills defaults so that a parsed policy is complete", () => {
    const { policies, problems } = parsePolicyFile(rollbackPolicy, "rollback.yaml");
    expect(problems).toEqual([]);
    const policy = policies[0]?.policy;
    expect(policy?.mode).toBe("approve");
    expect(policy?.guardrails.cooldown).toBe(45 * 60_000);
    expect(policy?.guardrails.maxRunsPerHour).toBe(6);
    expect(policy?.guardrails.circuitBreaker).toEqual({ failures: 3, window: 3_600_000 });
    expect(policy?.approval).toEqual({ escalateAfter: 900_000, deadline: 3_600_000, approvers: [] });
    expect(policy?.runbook === "rollback" && policy.params).toEqual({
      to: "last-known-good",
      bakeTime: 900_000,
      steadyStateTimeout: 900_000,
      verifyWindow: 600_000,
    });
  });

  it("defaults to dry-run: nothing acts unless the policy says so", () => {
    const text = rollbackPolicy.replace("mode: approve\n", "");
    expect(parsePolicyFile(text, "p.yaml").policies[0]?.policy.mode).toBe("dry-run");
  });

  it("rejects a target type the runbook cannot act on", () => {
    const parsed = PolicySchema.safeParse({
      name: "bad",
      description: "x",
      trigger: { command: { name: "verify" } },
      runbook: "verify-backup",
      target: { type: "ecs-service", cluster: "c", service: "s" },
    });
    expect(parsed.error?.issues.map((i) => i.message)).toContain(
      "runbook verify-backup acts on backup-resource, not ecs-service",
    );
  });

  it("names the valid runbooks for an unknown one", () => {
    const { problems } = parsePolicyFile(
      rollbackPolicy.replace("runbook: rollback", "runbook: rolback"),
      "p.yaml",
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 11, path: "runbook" });
    expect(problems[0]?.message).toContain("rollback, rightsize, cleanup, verify-backup");
  });
});

describe("parsePolicyFile problems", () => {
  it("locates every problem by line and path", () => {
    const text = rollbackPolicy
      .replace("cooldown: 45m", "cooldown: 45 minutes\n  maxRunsPerHuor: 3")
      .replace("mode: approve", "mode: yolo");
    const { policies, problems } = parsePolicyFile(text, "policies/rollback.yaml");
    expect(policies).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: "policies/rollback.yaml", line: 14, path: "mode" }),
        expect.objectContaining({
          line: 16,
          path: "guardrails.cooldown",
          message: expect.stringContaining("30s, 15m"),
        }),
        expect.objectContaining({
          line: 17,
          path: "guardrails.maxRunsPerHuor",
          message: 'unknown field "maxRunsPerHuor"',
        }),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it("rejects an invalid event pattern with the engine's reason", () => {
    const text = rollbackPolicy.replace("value: [ALARM]", "value: []");
    const { problems } = parsePolicyFile(text, "p.yaml");
    expect(problems[0]?.path).toBe("trigger.pattern");
    expect(problems[0]?.message).toContain("Empty arrays are not allowed");
  });

  it("rejects a bad schedule and time zone", () => {
    const text = `name: nightly
description: d
trigger:
  schedule:
    expression: cron(0 2 * * * *)
    timezone: Europe/Atlantis
runbook: cleanup
target: { type: account }
`;
    const { problems } = parsePolicyFile(text, "p.yaml");
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [5, "trigger.schedule.expression"],
      [6, "trigger.schedule.timezone"],
    ]);
  });

  it("reports YAML syntax errors and duplicate keys with their line", () => {
    const { problems } = parsePolicyFile("name: a\nname: b\ndescription: [unclosed\n", "p.yaml");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.message.startsWith("YAML:"))).toBe(true);
    expect(problems[0]?.line).toBe(2);
  });

  it("reads several policies from one file and finds duplicates across files", () => {
    const two = `${rollbackPolicy}---\n${rollbackPolicy.replace("name: rollback-checkout", "name: rollback-cart")}`;
    expect(parsePolicyFile(two, "a.yaml").policies.map((p) => [p.policy.name, p.line])).toEqual([
      ["rollback-checkout", 2],
      ["rollback-cart", 19],
    ]);
    const set = parsePolicySet([
      { file: "a.yaml", text: two },
      { file: "b.yaml", text: rollbackPolicy },
    ]);
    expect(set.problems).toEqual([
      expect.objectContaining({ file: "b.yaml", path: "name", message: expect.stringContaining("a.yaml:2") }),
    ]);
  });

  it("says so when a file holds no policy", () => {
    expect(parsePolicyFile("# nothing here\n", "empty.yaml").problems[0]?.message).toBe(
      "the file holds no policy",
    );
  });
});
