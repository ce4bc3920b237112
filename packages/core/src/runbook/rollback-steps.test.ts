import { describe, expect, it } from "vitest";
import type { AccountPorts } from "../ports/index.ts";
import type { RunInput } from "../router/ports.ts";
import type { Deployment } from "../store/deployment.ts";
import type { Store } from "../store/store.ts";
import { plan, type RollbackPlan } from "./rollback-steps.ts";
import type { StepContext } from "./steps/context.ts";

const NOW = new Date("2026-12-01T10:00:00Z");
const SERVICE = "ecs-service:prod/checkout-api";
const TD = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:${revision}`;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

function release(revision: number, deployedDaysAgo: number, extra: Partial<Deployment> = {}): Deployment {
  return {
    service: SERVICE,
    id: `deploy-${revision}-${deployedDaysAgo}`,
    kind: "ecs",
    deployedAt: daysAgo(deployedDaysAgo),
    taskDefinitionArn: TD(revision),
    taskDefinitionRevision: revision,
    imageTag: `v2.${revision - 27}.0`,
    knownGood: revision !== 42,
    recordedAt: daysAgo(deployedDaysAgo),
    ...extra,
  };
}

/** checkout-api's history, newest first: 40 (9 days ago), 41 (3 days ago), 42 (today, bad). */
const HISTORY: Deployment[] = [release(42, 0.01), release(41, 3), release(40, 9)];

function run(params: Record<string, unknown> = {}): RunInput {
  return {
    runId: "run-1",
    policy: "rollback-by-hand",
    runbook: "rollback",
    mode: "approve",
    params: { to: "last-known-good", ...params },
    target: { type: "ecs-service", cluster: "prod", service: "checkout-api" },
    targetKey: SERVICE,
    lease: { owner: "run-1", token: 1, expiresAt: "2026-12-01T12:00:00.000Z" },
    trigger: { signalId: "trigger-1", type: "chat-command", time: NOW.toISOString(), summary: {} },
  };
}

function context(running: number, history: Deployment[] = HISTORY): StepContext {
  const ports = {
    ecs: {
      describeService: async () => ({
        cluster: "prod",
        service: "checkout-api",
        serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/checkout-api",
        status: "ACTIVE",
        taskDefinitionArn: TD(running),
        desiredCount: 6,
        runningCount: 6,
        deployments: [],
      }),
    },
  } as unknown as AccountPorts;
  const store = {
    listDeployments: async () => ({ items: history }),
    findLastKnownGood: async ({ before }: { before?: string }) =>
      history.find((d) => d.knownGood && (before === undefined || d.deployedAt < before)),
  } as unknown as Store;
  return { ports, store, clock: { now: () => NOW } };
}

async function planOf(params: Record<string, unknown>, running = 42, history?: Deployment[]) {
  return (await plan(
    { step: "plan", run: run(params), state: {} },
    context(running, history),
  )) as RollbackPlan;
}

describe("rollback plan with a release a person asked for (--to)", () => {
  it("rolls back to exactly that release when it is older than the current one", async () => {
    // Act: 40 is not the last known-good (41 is): the person's choice is honoured all the same.
    const planned = await planOf({ release: "checkout-api:40" });

    // Assess
    expect(planned.refusal).toBeUndefined();
    expect(planned.target?.taskDefinitionArn).toBe(TD(40));
    expect(planned.summary).toContain("to checkout-api:40");
    expect(planned.summary).toContain("as asked");
  });

  it("knows a release by its task definition ARN, revision, image tag or deployment id", async () => {
    for (const name of [TD(41), "41", "v2.14.0", "deploy-41-3"]) {
      const planned = await planOf({ release: name });

      expect(planned.target?.taskDefinitionArn, name).toBe(TD(41));
    }
  });

  it("marks a requested release that never baked healthy as not known-good in the plan", async () => {
    const history = [release(42, 0.01), release(41, 3, { knownGood: false }), release(40, 9)];

    const planned = await planOf({ release: "checkout-api:41" }, 42, history);

    expect(planned.target?.taskDefinitionArn).toBe(TD(41));
    expect(planned.summary).toContain("not known-good");
  });

  it("refuses a release that is not in the release history", async () => {
    const planned = await planOf({ release: "checkout-api:39" });

    expect(planned.target).toBeUndefined();
    expect(planned.refusal).toContain("not in the release history");
  });

  it("refuses to roll forward to a release newer than the current one", async () => {
    // The service runs 41 (someone rolled back by hand); 42 came after it.
    const planned = await planOf({ release: "checkout-api:42" }, 41);

    expect(planned.target).toBeUndefined();
    expect(planned.refusal).toContain("never rolls forward");
  });

  it("refuses a release first deployed after the current one, even when it ran before its redeploy", async () => {
    // 41 (3 days ago), then 42 (2 days ago), then 41 again (today): 42 is newer than 41.
    const history = [release(41, 0.01), release(42, 2), release(41, 3), release(40, 9)];

    const planned = await planOf({ release: "42" }, 41, history);

    expect(planned.refusal).toContain("never rolls forward");
  });

  it("refuses the release the service already runs", async () => {
    const planned = await planOf({ release: "v2.15.0" });

    expect(planned.refusal).toContain("already runs");
  });

  it("refuses a name that fits two releases", async () => {
    const history = [
      release(42, 0.01),
      release(41, 3, { imageTag: "stable" }),
      release(40, 9, { imageTag: "stable" }),
    ];

    const planned = await planOf({ release: "stable" }, 42, history);

    expect(planned.target).toBeUndefined();
    expect(planned.refusal).toContain("names 2 releases");
  });

  it("refuses when the current release is not in the history, as age cannot then be told", async () => {
    const planned = await planOf({ release: "checkout-api:40" }, 43);

    expect(planned.target).toBeUndefined();
    expect(planned.refusal).toContain("not in its release history");
  });

  it("without a requested release, still returns to the last known-good one", async () => {
    const planned = await planOf({});

    expect(planned.target?.taskDefinitionArn).toBe(TD(41));
    expect(planned.summary).not.toContain("as asked");
  });
});
