import { ArchitechError, PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import { describe, expect, it } from "vitest";
import type { SlackActivity } from "../slack/recording-slack.ts";
import { createSandboxAccount, type SandboxAccountOptions, type SandboxNotifierFailure } from "./account.ts";
import { loadSandboxSeed } from "./load-seed.ts";
import { manualClock } from "./test-clock.ts";

const SEED = `
ecs:
  clusters:
    prod:
      services:
        checkout-api:
          desiredCount: 2
          releases:
            - { revision: 1, image: "r@sha256:${"a".repeat(64)}", cpu: 256, memory: 512, deployedAt: -2d }
            - { revision: 2, image: "r@sha256:${"b".repeat(64)}", cpu: 256, memory: 512, deployedAt: -1d }
          running: 2
          alarms: [{ name: checkout-api-5xx-rate, metric: Http5xxRate, threshold: 5 }]
lambda:
  functions:
    payments-webhook:
      versions: [{ version: 1, memorySize: 512 }, { version: 2, memorySize: 512 }]
      aliases: { live: { version: 2 } }
`;

const V1 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:1";

function setup(options: Partial<SandboxAccountOptions> = {}) {
  const clock = manualClock("2026-03-02T10:00:00.000Z");
  const sandbox = createSandboxAccount({
    seed: loadSandboxSeed(SEED, "seed.yaml"),
    clock,
    ...options,
  });
  return { clock, sandbox, ports: sandbox.ports };
}

describe("fault injection", () => {
  it("throttles the next N calls of an operation, then lets calls through", async () => {
    // Prepare
    const { sandbox, ports } = setup();
    sandbox.injectFault({ operation: "ecs.updateServiceTaskDefinition", error: "throttle", times: 2 });

    // Act
    const first = ports.ecs.updateServiceTaskDefinition("prod", "checkout-api", V1);
    const second = ports.ecs.updateServiceTaskDefinition("prod", "checkout-api", V1);
    const unaffected = await ports.ecs.describeService("prod", "checkout-api");
    const third = await ports.ecs.updateServiceTaskDefinition("prod", "checkout-api", V1);

    // Assess
    await expect(first).rejects.toBeInstanceOf(TransientPortError);
    await expect(second).rejects.toThrow(/ThrottlingException/);
    expect(unaffected.taskDefinitionArn).not.toBe(V1);
    expect(third.deploymentId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(sandbox.actions.map((a) => a.error === undefined)).toEqual([false, false, true]);
    expect(sandbox.snapshot().pendingFaults).toEqual([]);
  });

  it("maps each kind of fault to the port error a real adapter throws", async () => {
    // Prepare
    const { sandbox, ports } = setup();
    sandbox.injectFault({ operation: "lambda.updateAlias", error: "access-denied" });
    sandbox.injectFault({ operation: "lambda.getAlias", error: "not-found" });
    sandbox.injectFault({ operation: "ecs.describeService", error: "timeout" });

    // Act
    const denied = ports.lambda.updateAlias("payments-webhook", "live", "1");
    const missing = ports.lambda.getAlias("payments-webhook", "live");
    const slow = ports.ecs.describeService("prod", "checkout-api");

    // Assess
    await expect(denied).rejects.toBeInstanceOf(PortRequestError);
    await expect(denied).rejects.toThrow("AccessDeniedException");
    await expect(denied).rejects.toThrow("lambda:UpdateAlias");
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(slow).rejects.toBeInstanceOf(TransientPortError);
    expect((await ports.lambda.getAlias("payments-webhook", "live")).functionVersion).toBe("2");
  });

  it("fails every operation with *, a whole port with ecs.*, and only one target when asked", async () => {
    // Prepare
    const { sandbox, ports } = setup();

    // Act
    sandbox.injectFault({ operation: "*", error: "throttle" });
    const anyCall = ports.cloudwatch.listAlarmsForDimensions({});
    sandbox.injectFault({ operation: "ecs.*", error: "throttle", times: Number.POSITIVE_INFINITY });
    const listed = ports.ecs.listServices();
    const described = ports.ecs.describeService("prod", "checkout-api");
    const lambdaUnaffected = await ports.lambda.listFunctions();
    sandbox.clearFaults();
    sandbox.injectFault({
      operation: "lambda.getAlias",
      error: "throttle",
      target: "lambda-alias:other:live",
    });
    const otherTarget = await ports.lambda.getAlias("payments-webhook", "live");

    // Assess
    await expect(anyCall).rejects.toBeInstanceOf(TransientPortError);
    await expect(listed).rejects.toBeInstanceOf(TransientPortError);
    await expect(described).rejects.toBeInstanceOf(TransientPortError);
    expect(lambdaUnaffected).toEqual([{ functionName: "payments-webhook" }]);
    expect(otherTarget.functionVersion).toBe("2");
    expect(sandbox.snapshot().pendingFaults).toEqual([
      { operation: "lambda.getAlias", error: "throttle", remaining: 1, target: "lambda-alias:other:live" },
    ]);
  });

  it("answers a not-found fault on describeAlarm with undefined, as the port promises", async () => {
    // Prepare
    const { sandbox, ports } = setup();
    sandbox.injectFault({ operation: "cloudwatch.describeAlarm", error: "not-found" });

    // Act
    const faulted = await ports.cloudwatch.describeAlarm("checkout-api-5xx-rate");
    const next = await ports.cloudwatch.describeAlarm("checkout-api-5xx-rate");
    const unknown = await ports.cloudwatch.describeAlarm("no-such-alarm");

    // Assess
    expect(faulted).toBeUndefined();
    expect(next?.state).toBe("OK");
    expect(unknown).toBeUndefined();
  });

  it("rejects a fault it cannot inject and names the valid operations", () => {
    // Prepare
    const { sandbox } = setup();

    // Act
    const unknown = () => sandbox.injectFault({ operation: "ecs.deleteService" as "*", error: "throttle" });
    const badTimes = () => sandbox.injectFault({ operation: "*", error: "throttle", times: 0 });

    // Assess
    expect(unknown).toThrow(ArchitechError);
    expect(unknown).toThrow(/valid: ecs\.describeService, .*lambda\.updateAlias/);
    expect(badTimes).toThrow(/times/);
  });
});

describe("Slack", () => {
  it("records what the notifier posts and forwards it; a chat:PostMessage fault fails the post, not the caller", async () => {
    // Prepare
    const forwarded: SlackActivity[] = [];
    const failures: SandboxNotifierFailure[] = [];
    const { clock, sandbox, ports } = setup({
      onSlack: (activity) => forwarded.push(activity),
      onNotifierError: (failure) => failures.push(failure),
    });
    clock.advance(1_000);

    // Act
    await ports.notifier.notify({ channel: "#oncall", text: "rolled back", severity: "info" });
    sandbox.injectFault({ operation: "slack.postMessage", error: "throttle" });
    const throttled = ports.notifier.notify({ channel: "#oncall", text: "again", severity: "info" });

    // Assess
    await expect(throttled).resolves.toBeUndefined();
    expect(sandbox.slack.messages.map((m) => [m.channel, m.text, m.postedAt])).toEqual([
      ["#oncall", "rolled back", "2026-03-02T10:00:01.000Z"],
    ]);
    expect(forwarded).toEqual([{ kind: "posted", message: sandbox.slack.messages[0] }]);
    expect(failures).toEqual([
      {
        kind: "notify",
        channel: "#oncall",
        at: "2026-03-02T10:00:01.000Z",
        error: expect.stringMatching(/ThrottlingException.*slack\.postMessage/),
      },
    ]);
    expect(sandbox.snapshot().pendingFaults).toEqual([]);
  });

  it("fails Slack calls on one channel as Slack refuses them, naming the API method", async () => {
    // Prepare
    const { sandbox } = setup();
    sandbox.injectFault({ operation: "slack.*", error: "access-denied", target: "channel:#private" });

    // Act
    const refused = sandbox.slack.postMessage({ channel: "#private", text: "x" });
    const allowed = await sandbox.slack.postMessage({ channel: "#oncall", text: "y" });

    // Assess
    await expect(refused).rejects.toThrow(/chat:PostMessage on channel #private/);
    expect(allowed.channel).toBe("#oncall");
    expect(sandbox.slack.messages.map((m) => m.channel)).toEqual(["#oncall"]);
  });
});
