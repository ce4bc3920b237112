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
  const sandbox = createSandboxAccount({ seed, clock });
  const store = createDynamoStore({ client: db.client, tableName, clock });
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
