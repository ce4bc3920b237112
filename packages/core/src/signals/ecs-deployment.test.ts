import { describe, expect, it } from "vitest";
import { parseEcsServiceArn } from "./arn.ts";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixture, signalOf } from "./test-support.ts";

describe("ECS Deployment State Change", () => {
  it("reads cluster and service from the service ARN in resources", () => {
    // Prepare
    const event = readEventFixture("ecs/deployment-state-change.in-progress.json");

    // Act
    const signal = signalOf(normalizeEvent(event), "deployment");

    // Assess
    expect(signal).toMatchObject({
      id: "1e7b3c9a-5d24-4f86-b0a1-6c3e8d2f7b45",
      account: "123456789012",
      region: "eu-west-1",
      eventName: "SERVICE_DEPLOYMENT_IN_PROGRESS",
      status: "IN_PROGRESS",
      eventType: "INFO",
      deploymentId: "ecs-svc/4827361950183746201",
      serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/checkout-api",
      clusterName: "prod",
      serviceName: "checkout-api",
      isRollback: false,
      updatedAt: "2026-03-02T09:45:01.000Z",
    });
  });

  it.each([
    ["deployment-state-change.completed.json", "COMPLETED", false],
    ["deployment-state-change.failed.json", "FAILED", false],
    ["deployment-state-change.rollback.json", "IN_PROGRESS", true],
  ])("reads %s as %s (rollback: %s)", (file, status, isRollback) => {
    const signal = signalOf(normalizeEvent(readEventFixture(`ecs/${file}`)), "deployment");

    expect([signal.status, signal.isRollback]).toEqual([status, isRollback]);
  });

  it("carries the circuit breaker's reason on a failed deployment", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("ecs/deployment-state-change.failed.json")),
      "deployment",
    );

    expect([signal.eventType, signal.reason]).toEqual([
      "ERROR",
      "ECS deployment circuit breaker: task failed to start.",
    ]);
  });

  it("rejects an event without a service ARN: the router could not tell which service", () => {
    const event = readEventFixture("ecs/deployment-state-change.completed.json") as { resources: string[] };
    event.resources = [];

    const result = normalizeEvent(event);

    expect(result).toMatchObject({
      ok: false,
      error: { code: "MalformedEvent", kind: "ecs-deployment-state-change" },
    });
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([["resources"]]);
  });

  it("reads legacy short service ARNs without a cluster", () => {
    expect(parseEcsServiceArn("arn:aws:ecs:us-east-1:123456789012:service/checkout-api")).toEqual({
      cluster: null,
      service: "checkout-api",
    });
    expect(parseEcsServiceArn("arn:aws:ecs:us-east-1:123456789012:task/prod/abc")).toBeUndefined();
  });

  it("reports ECS service actions as unsupported", () => {
    const result = normalizeEvent(readEventFixture("ecs/service-action.steady-state.json"));

    expect(result).toMatchObject({
      ok: false,
      error: { code: "UnsupportedEventKind", detailType: "ECS Service Action" },
    });
  });
});
