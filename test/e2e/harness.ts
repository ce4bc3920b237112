import { createDynamoStore, type DynamoStore, ensureTable } from "@architech/aws";
import {
  type Policy,
  PolicyIndex,
  parsePolicySet,
  type RouterDeps,
  runStep,
  workflowDefinitions,
} from "@architech/core";
import {
  createSandboxAccount,
  type EmbeddedDynamoDb,
  LocalStepFunctions,
  loadSandboxFile,
  type RecordedSlackMessage,
  type SandboxAccount,
  seedReleaseHistory,
  startEmbeddedDynamoDb,
  VirtualClock,
} from "@architech/local";

/** The control plane on the embedded runtime against the default sandbox estate, all in this process. */
export interface ControlPlane {
  clock: VirtualClock;
  sandbox: SandboxAccount;
  store: DynamoStore;
  runner: LocalStepFunctions;
  deps(policyYaml: string): RouterDeps;
  /** Called before each workflow step runs: lets a test change the world mid-run (an alarm fires…). */
  beforeStep: ((runbook: string, step: string) => void) | undefined;
  stop(): Promise<void>;
}

export const START = "2026-12-01T10:00:00.000Z";

let db: EmbeddedDynamoDb | undefined;
let tables = 0;

/**
 * A fresh control plane. Each gets its own table (one dynalite per test file), its own sandbox and a
 * virtual clock that Wait states advance instantly.
 */
export async function startControlPlane(options: { history?: boolean } = {}): Promise<ControlPlane> {
  db ??= await startEmbeddedDynamoDb();
  // One table per control plane keeps tests apart; dynalite creates them in milliseconds.
  const tableName = `architech-e2e-${++tables}`;
  await ensureTable({ client: db.client, tableName });
  const clock = new VirtualClock({ start: new Date(START) });
  const seed = await loadSandboxFile("sandbox/default.yaml");
  const store = createDynamoStore({ client: db.client, tableName, clock });
  // Slack is the sandbox's recorder; which message is whose is kept in the store, as on AWS.
  const sandbox = createSandboxAccount({ seed, clock, slackThreads: store });
  if (options.history !== false) {
    await seedReleaseHistory({ seed, start: clock.now(), store, bakeTimeMs: 15 * 60_000 });
  }
  const runner = new LocalStepFunctions({
    definitions: workflowDefinitions,
    clock,
    timeScale: 0,
    stepHandler: (call) => {
      const step = (call.payload as { step?: unknown } | undefined)?.step;
      plane.beforeStep?.(call.runbook, typeof step === "string" ? step : "");
      const running = runStep(call.runbook, call.payload, { ports: sandbox.ports, store, clock });
      // Remembered so that stop() can let steps of aborted executions finish before the table goes away.
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return running;
    },
  });
  let runs = 0;
  const inFlight = new Set<Promise<void>>();
  const plane: ControlPlane = {
    beforeStep: undefined,
    clock,
    sandbox,
    store,
    runner,
    deps(policyYaml: string): RouterDeps {
      const { policies, problems } = parsePolicySet([{ file: "policy.yaml", text: policyYaml }]);
      if (problems.length > 0)
        throw new Error(problems.map((p) => `${p.line}: ${p.path} ${p.message}`).join("\n"));
      return {
        store,
        workflows: runner,
        clock,
        ids: { newRunId: () => `run-${tableName}-${++runs}` },
        policies: new PolicyIndex(policies.map((p): Policy => p.policy)),
        ecs: sandbox.ports.ecs,
        notifier: sandbox.ports.notifier,
      };
    },
    async stop() {
      await runner.close();
      await Promise.all(inFlight);
    },
  };
  return plane;
}

export async function stopDatabase(): Promise<void> {
  await db?.stop();
  db = undefined;
}

/** Polls `read` (every 10 ms, up to 3 s) until it gives a value: for what a running workflow writes. */
export async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("timed out waiting");
}

/** A run's one Slack message as it reads now, found the way the notifier finds it (kept in the store). */
export async function slackMessageOfRun(
  plane: ControlPlane,
  runId: string,
): Promise<RecordedSlackMessage | undefined> {
  const kept = await plane.store.getSlackThread({ subject: "run", id: runId });
  if (kept === undefined) return undefined;
  return plane.sandbox.slack.messages.find((m) => m.channel === kept.channel && m.ts === kept.ts);
}

/** The approval buttons of a message: each one's `action_id` and `value`. */
export function buttonsOf(message: RecordedSlackMessage | undefined): { action_id: string; value: string }[] {
  return (message?.blocks ?? [])
    .filter((block) => block.type === "actions")
    .flatMap((block) => block.elements as { action_id: string; value: string }[]);
}
