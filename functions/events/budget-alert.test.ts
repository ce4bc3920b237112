import type { DynamoStore } from "@architech/aws";
import { executionNameFor, normalizeEvent } from "@architech/core";
import { SFNServiceException, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handler } from "./budget-alert.ts";
import {
  auditedDecisions,
  context,
  decisionsOf,
  fixture,
  type RouterTestBed,
  STATE_MACHINE_ARNS,
  startRouterTestBed,
} from "./test-support.ts";

const POLICY = "rightsize-on-budget-80";
const policies = {
  "rightsize.yaml": `
name: ${POLICY}
description: Recommend right sizes when a budget reaches 80 %.
trigger:
  pattern:
    source: [architech.budgets]
    detail-type: [Budget Threshold Breached]
    detail:
      thresholdPercent: [{ numeric: [">=", 80] }]
runbook: rightsize
target:
  type: account
mode: dry-run
`,
};

/** The real fixture: ACTUAL cost of "platform nonprod" above its $480 (80 %) threshold, through SNS. */
const notification = fixture("budgets/sns.actual.monthly.json");
const record = (notification.Records as Record<string, unknown>[])[0] as { Sns: Record<string, unknown> };

function signalId(event: unknown): string {
  const normalized = normalizeEvent(event);
  if (!normalized.ok) throw new Error(normalized.error.message);
  return normalized.signal.id;
}

/** An SNS record on the budget topic whose message is not a Budgets notification. */
const strayRecord = { ...record, Sns: { ...record.Sns, MessageId: "a-stray-message", Message: "hello" } };

/** Invokes the handler as Lambda would, with whatever the delivery holds. */
const invoke = (event: unknown) => handler(event as SNSEvent, context);

let bed: RouterTestBed;
let store: DynamoStore;
beforeAll(async () => {
  bed = await startRouterTestBed();
});
afterAll(async () => {
  await bed.stop();
});
beforeEach(async () => {
  store = await bed.reset(policies);
});

describe("budget-alert handler", () => {
  it("starts the rightsize state machine in dry-run for a budget past 80 %, and audits it", async () => {
    // Prepare
    const expectedName = executionNameFor(POLICY, signalId(notification));

    // Act
    const result = await invoke(notification);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({
        kind: "dry-run",
        policy: POLICY,
        runbook: "rightsize",
        executionName: expectedName,
      }),
    ]);
    expect(bed.starts()).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARNS.rightsize,
        name: expectedName,
        input: expect.objectContaining({
          policy: POLICY,
          runbook: "rightsize",
          mode: "dry-run",
          target: { type: "account" },
          trigger: expect.objectContaining({
            type: "budget-threshold",
            summary: expect.objectContaining({ budgetName: "platform nonprod", thresholdPercent: 80 }),
          }),
        }),
      },
    ]);
    expect(await auditedDecisions(store)).toEqual([
      expect.objectContaining({ action: "dry-run", policy: POLICY }),
    ]);
  });

  it("rejects and audits a record that is not a Budgets notification, without failing the invocation", async () => {
    // Prepare
    const stray = { Records: [strayRecord] };

    // Act
    const result = await invoke(stray);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({ kind: "rejected", reason: "invalid-event" }),
    ]);
    expect(await auditedDecisions(store)).toEqual([
      expect.objectContaining({ action: "rejected", details: { reason: "invalid-event" } }),
    ]);
    expect(bed.starts()).toEqual([]);
  });

  it("routes each record of a batch on its own: a bad record does not hold back a good one", async () => {
    // Prepare
    const batch = { Records: [strayRecord, record] };

    // Act
    const result = await invoke(batch);

    // Assess
    expect(decisionsOf(result).map((decision) => decision.kind)).toEqual(["rejected", "dry-run"]);
    expect(bed.starts().map((start) => start.stateMachineArn)).toEqual([STATE_MACHINE_ARNS.rightsize]);
  });

  it("fails the invocation when Step Functions is unavailable, so that the delivery is retried", async () => {
    // Prepare
    bed.sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: "ServiceUnavailable",
        $fault: "server",
        $metadata: { httpStatusCode: 503 },
        message: "Service Unavailable",
      }),
    );

    // Act
    const invocation = invoke(notification);

    // Assess
    await expect(invocation).rejects.toMatchObject({ code: "TransientWorkflowStartError" });
  });
});
