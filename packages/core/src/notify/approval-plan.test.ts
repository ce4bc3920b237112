import { describe, expect, it } from "vitest";
import type { RunNoticeRef } from "../ports/notifier.ts";
import { describeApprovalPlan } from "./approval-plan.ts";

function run(runbook: string, trigger: Partial<RunNoticeRef["trigger"]> = {}): RunNoticeRef {
  return {
    runId: "run-1",
    policy: "p",
    runbook,
    targetKey: "ecs-service:prod/checkout-api",
    mode: "approve",
    trigger: { type: "schedule", summary: "schedule nightly", ...trigger },
  };
}

describe("describeApprovalPlan", () => {
  it("reads a rollback plan as one change from the running release to the known-good one, why: the alarm", () => {
    const plan = {
      kind: "ecs",
      current: {
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:1:task-definition/checkout-api:42",
        imageTag: "v2.3.1",
      },
      target: {
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:1:task-definition/checkout-api:41",
        imageTag: "v2.3.0",
      },
      summary: "roll back from checkout-api:42 to checkout-api:41",
    };
    const alarm = {
      name: "checkout-api-5xx-rate",
      arn: "arn",
      since: "2026-12-01T10:00:00.000Z",
      reason: "5xx > 5 %",
    };

    const described = describeApprovalPlan(run("rollback", { type: "alarm", alarm }), "plan", plan);

    expect(described).toEqual({
      summary: "roll back from checkout-api:42 to checkout-api:41",
      why: "alarm checkout-api-5xx-rate is in ALARM since 2026-12-01T10:00:00.000Z: 5xx > 5 %",
      changes: [
        {
          target: "ecs-service:prod/checkout-api",
          action: "roll back",
          from: "checkout-api:42 (v2.3.1)",
          to: "checkout-api:41 (v2.3.0)",
        },
      ],
    });
  });

  it("lists only the rightsize recommendations the run would apply, with sizes and money", () => {
    const recommendation = (id: string, savings: number) => ({
      id,
      targetKey: `lambda-function:${id}`,
      current: { memoryMb: 1024 },
      recommended: { memoryMb: 512 },
      estimatedMonthlySavings: savings,
      direction: "smaller",
    });
    const plan = {
      recommendations: [recommendation("a", 12.5), recommendation("b", 40)],
      toApply: ["b"],
      summary: "2 recommendation(s)",
    };

    const described = describeApprovalPlan(run("rightsize"), "plan", plan);

    expect(described.changes).toEqual([
      {
        target: "lambda-function:b",
        action: "resize smaller (saves $40.00/month)",
        from: "1024 MB",
        to: "512 MB",
      },
    ]);
    expect(described.why).toContain("$40.00/month");
  });

  it("reads cleanup's two approvals: marking what was found, and deleting what is due", () => {
    const found = {
      candidates: [{ kind: "ebs-volume", key: "ebs-volume:vol-1", id: "vol-1", reason: "unattached" }],
      summary: "1 stale resource(s)",
    };
    const sweep = {
      deletable: [
        { kind: "ebs-volume", key: "ebs-volume:vol-1", id: "vol-1", reason: "unattached" },
        {
          kind: "elastic-ip",
          key: "elastic-ip:eipalloc-1",
          id: "eipalloc-1",
          reason: "associated with nothing",
        },
      ],
      exceedsCap: true,
      cap: 1,
      summary: "2 due for deletion",
    };

    const marking = describeApprovalPlan(run("cleanup"), "found", found);
    const deleting = describeApprovalPlan(run("cleanup"), "sweepPlan", sweep);

    expect(marking.changes).toEqual([{ target: "ebs-volume:vol-1", action: "mark for cleanup: unattached" }]);
    expect(deleting.changes.map((c) => c.action)).toEqual([
      "snapshot, then delete: unattached",
      "release: associated with nothing",
    ]);
    expect(deleting.why).toContain("blast radius (1)");
  });

  it("falls back to the summary and the trigger for a plan it does not know", () => {
    const described = describeApprovalPlan(
      run("something-else", { requestedBy: "U024BE7LH" }),
      "plan",
      undefined,
    );

    expect(described).toEqual({
      summary: "something-else on ecs-service:prod/checkout-api",
      why: "requested by U024BE7LH (schedule nightly)",
      changes: [],
    });
  });
});
