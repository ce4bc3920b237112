import type { DynamoStore } from "@architech/aws";
import { executionNameFor } from "@architech/core";
import { SFNServiceException, StartExecutionCommand, StateMachineDoesNotExist } from "@aws-sdk/client-sfn";
import type { EventBridgeEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handler } from "./ingest.ts";
import {
  auditedDecisions,
  context,
  decisionsOf,
  fixture,
  type RouterTestBed,
  STATE_MACHINE_ARNS,
  startLikeStepFunctions,
  startRouterTestBed,
} from "./test-support.ts";

const POLICY = "rollback-checkout-api";
const policies = {
  "rollback.yaml": `
name: ${POLICY}
description: Roll a prod service back when one of its alarms fires.
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
mode: auto
`,
};

/** The real alarm fixture: ALARM on checkout-api in cluster prod. */
const alarm = fixture("cloudwatch/alarm-state-change.metric.alarm.json");
const alarmId = alarm.id as string;

/** The same alarm as another event, on another service. */
function alarmOn(service: string, id: string): Record<string, unknown> {
  const event = structuredClone(alarm) as { id: string; detail: { configuration: { metrics: unknown[] } } };
  event.id = id;
  const metric = event.detail.configuration.metrics[0] as {
    metricStat: { metric: { dimensions: Record<string, string> } };
  };
  metric.metricStat.metric.dimensions.ServiceName = service;
  return event;
}

/** Invokes the handler as Lambda would, with whatever the delivery holds. */
const invoke = (event: unknown) => handler(event as EventBridgeEvent<string, unknown>, context);

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

describe("ingest handler", () => {
  it("starts the rollback state machine for an alarm, with the deterministic name, and audits it", async () => {
    // Act
    const result = await invoke(alarm);

    // Assess
    const [decision] = decisionsOf(result);
    expect(decision).toMatchObject({
      kind: "start",
      policy: POLICY,
      runbook: "rollback",
      targetKey: "ecs-service:prod/checkout-api",
      executionName: executionNameFor(POLICY, alarmId),
      alreadyStarted: false,
    });
    expect(bed.starts()).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARNS.rollback,
        name: executionNameFor(POLICY, alarmId),
        input: expect.objectContaining({
          policy: POLICY,
          runbook: "rollback",
          mode: "auto",
          target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
          trigger: expect.objectContaining({ signalId: alarmId, type: "alarm" }),
        }),
      },
    ]);
    const runId = decision?.kind === "start" ? decision.runId : "";
    expect(bed.starts()[0]?.input.runId).toBe(runId);
    expect(await auditedDecisions(store)).toEqual([
      expect.objectContaining({
        action: "start",
        policy: POLICY,
        runId,
        target: "ecs-service:prod/checkout-api",
      }),
    ]);
    expect(await store.getRun(runId)).toMatchObject({
      status: "pending",
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:architech-rollback:${executionNameFor(POLICY, alarmId)}`,
    });
  });

  it("starts nothing more when EventBridge delivers the same event again", async () => {
    // Prepare
    await invoke(alarm);

    // Act
    const result = await invoke(alarm);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({ kind: "suppressed", reason: "duplicate" }),
    ]);
    expect(bed.starts()).toHaveLength(1);
  });

  it("fails the invocation on a transient Step Functions error, and the retried delivery finishes the start", async () => {
    // Prepare
    const event = alarmOn("checkout-web", "0f6d3a52-9c1b-4f4e-8a57-3b2c1d0e9f87");
    bed.sfn
      .on(StartExecutionCommand)
      .rejectsOnce(
        new SFNServiceException({
          name: "ThrottlingException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Rate exceeded",
        }),
      )
      .callsFake(startLikeStepFunctions);

    // Act
    const first = invoke(event);
    await expect(first).rejects.toMatchObject({ code: "TransientWorkflowStartError", transient: true });
    const retried = await invoke(event);

    // Assess
    expect(decisionsOf(retried)).toEqual([
      expect.objectContaining({
        kind: "start",
        targetKey: "ecs-service:prod/checkout-web",
        alreadyStarted: true,
      }),
    ]);
    expect(bed.starts().map((start) => start.name)).toEqual([
      executionNameFor(POLICY, event.id as string),
      executionNameFor(POLICY, event.id as string),
    ]);
  });

  it("returns a failed result, without retrying, when the state machine does not exist", async () => {
    // Prepare
    bed.sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: "State Machine Does Not Exist", $metadata: {} }));

    // Act
    const result = await invoke(alarm);

    // Assess
    expect(result).toEqual({
      ok: false,
      error: { code: "StateMachineNotFound", message: expect.stringContaining(STATE_MACHINE_ARNS.rollback) },
    });
    const page = await store.listRunsByPolicy({ policy: POLICY, limit: 10 });
    expect(page.items.map((run) => run.status)).toEqual(["failed"]);
  });

  it("rejects and audits an event that is not a known event, without failing the invocation", async () => {
    // Prepare
    const malformed = { ...alarm, detail: { alarmName: 42 } };

    // Act
    const result = await invoke(malformed);

    // Assess
    expect(decisionsOf(result)).toEqual([
      expect.objectContaining({
        kind: "rejected",
        reason: "invalid-event",
        detail: expect.stringMatching(/^MalformedEvent: /),
      }),
    ]);
    expect(await auditedDecisions(store)).toEqual([
      expect.objectContaining({ action: "rejected", details: { reason: "invalid-event" } }),
    ]);
    expect(bed.starts()).toEqual([]);
  });
});
