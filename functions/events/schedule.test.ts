import type { DynamoStore } from "@architech/aws";
import { executionNameFor, normalizeEvent, type SchedulerInput } from "@architech/core";
import { SFNServiceException, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handler } from "./schedule.ts";
import {
  auditedDecisions,
  context,
  decisionsOf,
  fixture,
  type RouterTestBed,
  STATE_MACHINE_ARNS,
  startRouterTestBed,
} from "./test-support.ts";

const POLICY = "cleanup-nonprod";
const policies = {
  "cleanup.yaml": `
name: ${POLICY}
description: Every night, mark stale resources in the non-production account.
trigger:
  schedule:
    expression: cron(0 2 * * ? *)
runbook: cleanup
target:
  type: account
  region: eu-west-1
mode: auto
`,
};

/** The real fixture: the nightly-cleanup schedule's input, naming policy cleanup-nonprod. */
const input = fixture("scheduler/schedule-input.json");

function signalId(event: unknown): string {
  const normalized = normalizeEvent(event);
  if (!normalized.ok) throw new Error(normalized.error.message);
  return normalized.signal.id;
}

/** Invokes the handler as Lambda would, with whatever the delivery holds. */
const invoke = (event: unknown) => handler(event as SchedulerInput, context);

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

describe("schedule handler", () => {
  it("starts the cleanup state machine for the policy the schedule names, and audits it", async () => {
    // Prepare
    const expectedName = executionNameFor(POLICY, signalId(input));

    // Act
    const result = await invoke(input);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({
        kind: "start",
        policy: POLICY,
        runbook: "cleanup",
        executionName: expectedName,
      }),
    ]);
    expect(bed.starts()).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARNS.cleanup,
        name: expectedName,
        input: expect.objectContaining({
          policy: POLICY,
          mode: "auto",
          target: { type: "account", region: "eu-west-1" },
          trigger: expect.objectContaining({ type: "schedule", time: "2026-03-02T02:00:00.000Z" }),
        }),
      },
    ]);
    expect(await auditedDecisions(store)).toEqual([
      expect.objectContaining({ action: "start", policy: POLICY }),
    ]);
  });

  it("starts nothing for a schedule that names no known policy", async () => {
    // Prepare
    const other = { ...input, policy: "cleanup-staging" };

    // Act
    const result = await invoke(other);

    // Assess
    expect(result).toEqual({ ok: true, results: [expect.objectContaining({ matched: [], decisions: [] })] });
    expect(bed.starts()).toEqual([]);
  });

  it("rejects and audits an input without its scheduled time, without failing the invocation", async () => {
    // Prepare
    const { scheduledTime: _dropped, ...malformed } = input;

    // Act
    const result = await invoke(malformed);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({ kind: "rejected", reason: "invalid-event" }),
    ]);
    expect(await auditedDecisions(store)).toEqual([expect.objectContaining({ action: "rejected" })]);
    expect(bed.starts()).toEqual([]);
  });

  it("fails the invocation when Step Functions throttles, so that Scheduler retries", async () => {
    // Prepare
    bed.sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: "ThrottlingException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Rate exceeded",
      }),
    );

    // Act
    const invocation = invoke(input);

    // Assess
    await expect(invocation).rejects.toMatchObject({ code: "TransientWorkflowStartError", transient: true });
  });
});
