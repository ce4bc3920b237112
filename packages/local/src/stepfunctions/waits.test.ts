import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock.ts";
import { LocalStepFunctions, type StepHandler } from "./index.ts";

const START = new Date("2025-03-01T09:00:00.000Z");
// biome-ignore lint/suspicious/noTemplateCurlyInString: a definition substitution, filled in at deploy time
const STEPS_FUNCTION = "${StepsFunctionArn}";

function runner(
  definition: object,
  stepHandler: StepHandler,
  clock = new VirtualClock({ start: START, timeScale: 0 }),
) {
  return {
    clock,
    stepFunctions: new LocalStepFunctions({ definitions: { test: definition }, stepHandler, clock }),
  };
}

async function run(stepFunctions: LocalStepFunctions, input: unknown) {
  const { executionArn } = await stepFunctions.startExecution({ stateMachineName: "test", input });
  return stepFunctions.waitForExecution(executionArn);
}

/** Polls until a rollout that takes `rolloutMs` of virtual time is steady: Choice + Wait, as the runbooks do. */
const pollUntilSteady = {
  StartAt: "CheckRollout",
  States: {
    CheckRollout: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: STEPS_FUNCTION, Payload: { step: "check-rollout" } },
      ResultSelector: { "steady.$": "$.Payload.steady" },
      ResultPath: "$.rollout",
      Next: "Steady?",
    },
    "Steady?": {
      Type: "Choice",
      Choices: [{ Variable: "$.rollout.steady", BooleanEquals: true, Next: "Steady" }],
      Default: "WaitForRollout",
    },
    WaitForRollout: { Type: "Wait", Seconds: 30, Next: "CheckRollout" },
    Steady: { Type: "Succeed" },
  },
};

describe("LocalStepFunctions Wait states", () => {
  it("polls a rollout with Choice + Wait on the virtual clock, which the step handler sees pass", async () => {
    // Prepare
    const rolloutMs = 20 * 60_000;
    const seen: string[] = [];
    const { stepFunctions, clock } = runner(pollUntilSteady, async () => {
      seen.push(clock.now().toISOString().slice(11, 19));
      return { steady: clock.now().getTime() - START.getTime() >= rolloutMs };
    });
    const realStart = performance.now();

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(seen).toHaveLength(41);
    expect(seen.slice(0, 3)).toEqual(["09:00:00", "09:00:30", "09:01:00"]);
    expect(clock.now().toISOString()).toBe("2025-03-01T09:20:00.000Z");
    expect(execution.stopDate?.toISOString()).toBe("2025-03-01T09:20:00.000Z");
    expect(performance.now() - realStart).toBeLessThan(5_000);
  });

  it("waits SecondsPath and TimestampPath from the input, measured on the virtual clock", async () => {
    // Prepare
    const { stepFunctions, clock } = runner(
      {
        StartAt: "Settle",
        States: {
          Settle: { Type: "Wait", SecondsPath: "$.settleSeconds", Next: "Until" },
          Until: { Type: "Wait", TimestampPath: "$.until", Next: "Done" },
          Done: { Type: "Pass", End: true },
        },
      },
      async () => null,
    );

    // Act
    const execution = await run(stepFunctions, { settleSeconds: 90, until: "2025-03-01T10:00:00Z" });

    // Assess
    expect(execution.output).toEqual({ settleSeconds: 90, until: "2025-03-01T10:00:00Z" });
    const history = stepFunctions.getExecutionHistory(execution.executionArn);
    const exits = history.filter((event) => event.type === "WaitStateExited");
    expect(exits.map((event) => [event.stateName, event.timestamp.toISOString()])).toEqual([
      ["Settle", "2025-03-01T09:01:30.000Z"],
      ["Until", "2025-03-01T10:00:00.000Z"],
    ]);
    expect(clock.now().toISOString()).toBe("2025-03-01T10:00:00.000Z");
  });

  it("applies the Wait's InputPath and OutputPath", async () => {
    // Prepare
    const { stepFunctions } = runner(
      {
        StartAt: "Pause",
        States: {
          Pause: { Type: "Wait", Seconds: 5, InputPath: "$.keep", OutputPath: "$.inner", End: true },
        },
      },
      async () => null,
    );

    // Act
    const execution = await run(stepFunctions, { keep: { inner: "kept" }, drop: 1 });

    // Assess
    expect(execution.output).toBe("kept");
  });

  it("takes timeScale of the waited time in real time", async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, timeScale: 1 / 600 });
    const { stepFunctions } = runner(
      { StartAt: "Pause", States: { Pause: { Type: "Wait", Seconds: 60, End: true } } },
      async () => null,
      clock,
    );
    const realStart = performance.now();

    // Act
    await run(stepFunctions, {});

    // Assess
    expect(performance.now() - realStart).toBeGreaterThanOrEqual(90);
    expect(clock.now().toISOString()).toBe("2025-03-01T09:01:00.000Z");
  });

  it("times an execution out after its TimeoutSeconds of virtual time", async () => {
    // Prepare
    const { stepFunctions } = runner({ ...pollUntilSteady, TimeoutSeconds: 300 }, async () => ({
      steady: false,
    }));

    // Act
    const execution = await run(stepFunctions, {});

    // Assess
    expect(execution).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(execution.stopDate?.toISOString()).toBe("2025-03-01T09:05:00.000Z");
    const history = stepFunctions.getExecutionHistory(execution.executionArn);
    expect(history.at(-1)?.type).toBe("ExecutionTimedOut");
  });
});
