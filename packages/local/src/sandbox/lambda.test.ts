import { normalizeEvent, PortRequestError, ResourceNotFoundError, resolveTarget } from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxSeed } from "./load-seed.ts";
import { MINUTE, manualClock, SECOND } from "./test-clock.ts";

const SEED = `
lambda:
  functions:
    payments-webhook:
      timeout: 10
      architectures: [arm64]
      versions:
        - { version: 6, memorySize: 512, publishedAt: -20d }
        - { version: 7, memorySize: 512, publishedAt: -6d }
        - { version: 8, memorySize: 512, publishedAt: -25m, healthy: false }
      aliases:
        live:
          version: 8
          since: -25m
          alarms:
            - { name: payments-webhook-error-rate, metric: Errors, statistic: Sum, threshold: 5 }
        canary:
          version: 7
          additionalVersionWeights: { "8": 0.1 }
      alarms:
        - { name: payments-webhook-errors, metric: Errors, statistic: Sum, threshold: 20 }
    image-resizer:
      memorySize: 2048
      versions:
        - { version: 13, memorySize: 2048 }
      aliases:
        live: { version: 13, alarms: [{ name: image-resizer-error-rate, metric: Errors, threshold: 5 }] }
`;

function setup() {
  const clock = manualClock("2026-03-02T10:00:00.000Z");
  const sandbox = createSandboxAccount({ seed: loadSandboxSeed(SEED, "seed.yaml"), clock });
  return { clock, sandbox, lambda: sandbox.ports.lambda, cloudwatch: sandbox.ports.cloudwatch };
}

describe("rolling a Lambda alias back", () => {
  it("fires the alias's alarm while it points at a bad version, with the alias in its dimensions", async () => {
    // Prepare
    const { lambda, cloudwatch } = setup();

    // Act
    const alias = await lambda.getAlias("payments-webhook", "live");
    const alarm = await cloudwatch.describeAlarm("payments-webhook-error-rate");
    const healthy = await cloudwatch.describeAlarm("image-resizer-error-rate");

    // Assess
    expect(alias).toEqual({
      functionName: "payments-webhook",
      alias: "live",
      aliasArn: "arn:aws:lambda:eu-west-1:123456789012:function:payments-webhook:live",
      functionVersion: "8",
    });
    expect(alarm).toMatchObject({
      state: "ALARM",
      stateUpdatedAt: "2026-03-02T09:36:00.000Z",
      dimensions: { FunctionName: "payments-webhook", Resource: "payments-webhook:live" },
    });
    expect(healthy?.state).toBe("OK");
  });

  it("moves the alias at once; the alarm clears after the evaluation delay", async () => {
    // Prepare
    const { clock, sandbox, lambda, cloudwatch } = setup();

    // Act
    const moved = await lambda.updateAlias("payments-webhook", "live", "7");
    const read = await lambda.getAlias("payments-webhook", "live");
    clock.advance(59 * SECOND);
    const before = await cloudwatch.describeAlarm("payments-webhook-error-rate");
    clock.advance(1 * SECOND);
    const after = await cloudwatch.describeAlarm("payments-webhook-error-rate");
    const events = sandbox.drainEvents();

    // Assess
    expect(moved.functionVersion).toBe("7");
    expect(read.functionVersion).toBe("7");
    expect(before?.state).toBe("ALARM");
    expect(after).toMatchObject({ state: "OK", stateUpdatedAt: "2026-03-02T10:01:00.000Z" });
    expect(sandbox.actions).toEqual([
      {
        at: "2026-03-02T10:00:00.000Z",
        operation: "lambda.updateAlias",
        target: "lambda-alias:payments-webhook:live",
        via: "ports",
        before: { functionVersion: "8" },
        after: { functionVersion: "7" },
      },
    ]);
    const okSignal = events
      .map((event) => normalizeEvent(event))
      .find(
        (result) =>
          result.ok &&
          result.signal.type === "alarm" &&
          result.signal.alarmName === "payments-webhook-error-rate",
      );
    expect(okSignal?.ok && okSignal.signal.type === "alarm" && okSignal.signal.state).toBe("OK");
  });

  it("routes weighted traffic to a bad version into the alarm too; updateAlias clears the weights", async () => {
    // Prepare
    const { clock, lambda, cloudwatch } = setup();
    const weighted = await lambda.getAlias("payments-webhook", "canary");

    // Act
    const moved = await lambda.updateAlias("payments-webhook", "canary", "7");
    clock.advance(MINUTE);
    const functionAlarm = await cloudwatch.describeAlarm("payments-webhook-errors");

    // Assess
    expect(weighted.additionalVersionWeights).toEqual({ "8": 0.1 });
    expect(moved.additionalVersionWeights).toBeUndefined();
    // The function-wide alarm still fires: live serves version 8.
    expect(functionAlarm).toMatchObject({ state: "ALARM", dimensions: { FunctionName: "payments-webhook" } });
  });

  it("refuses versions and aliases that do not exist", async () => {
    // Prepare
    const { lambda } = setup();

    // Act
    const noVersion = lambda.updateAlias("payments-webhook", "live", "9");
    const noAlias = lambda.getAlias("payments-webhook", "prod");
    const noFunction = lambda.listVersions("nope");

    // Assess
    await expect(noVersion).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(noAlias).rejects.toThrow("Lambda alias payments-webhook:prod does not exist");
    await expect(noFunction).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect((await lambda.getAlias("payments-webhook", "live")).functionVersion).toBe("8");
  });

  it("lists published versions oldest first and changes memory within Lambda's bounds", async () => {
    // Prepare
    const { clock, lambda } = setup();
    clock.advance(MINUTE);

    // Act
    const versions = await lambda.listVersions("payments-webhook");
    const resized = await lambda.updateFunctionMemory("image-resizer", 1024);
    const tooSmall = lambda.updateFunctionMemory("image-resizer", 64);
    const configuration = await lambda.getFunctionConfiguration("image-resizer");
    const functions = await lambda.listFunctions();

    // Assess
    expect(versions.map((v) => v.version)).toEqual(["6", "7", "8"]);
    expect(versions[0]).toMatchObject({ memorySize: 512, lastModified: "2026-02-10T10:00:00.000Z" });
    expect(versions[0]?.codeSha256).not.toBe(versions[1]?.codeSha256);
    expect(resized).toMatchObject({ memorySize: 1024, lastModified: "2026-03-02T10:01:00.000Z" });
    await expect(tooSmall).rejects.toBeInstanceOf(PortRequestError);
    expect(configuration).toMatchObject({
      functionName: "image-resizer",
      functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:image-resizer",
      memorySize: 1024,
      timeout: 3,
      architectures: ["x86_64"],
    });
    expect(functions).toEqual([{ functionName: "payments-webhook" }, { functionName: "image-resizer" }]);
  });

  it("puts an alias's alarm on the bus when a bad version goes live", async () => {
    // Prepare
    const { clock, sandbox } = setup();
    const { version } = sandbox.scenario.publishVersion("image-resizer", { healthy: false });

    // Act
    sandbox.scenario.moveAlias("image-resizer", "live", version);
    clock.advance(MINUTE);
    const events = sandbox.drainEvents();

    // Assess
    const alarm = events.map((event) => normalizeEvent(event)).find((r) => r.ok && r.signal.type === "alarm");
    if (!alarm?.ok || alarm.signal.type !== "alarm") throw new Error("no alarm event");
    expect(alarm.signal).toMatchObject({ alarmName: "image-resizer-error-rate", state: "ALARM" });
    expect(resolveTarget({ from: "alarm-dimensions" }, alarm.signal)).toEqual({
      ok: true,
      target: { type: "lambda-alias", functionName: "image-resizer", alias: "live" },
    });
  });
});
