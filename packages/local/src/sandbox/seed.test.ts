import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxSeed, parseSandboxSeed, SandboxSeedError, type SandboxSeedProblem } from "./load-seed.ts";
import { manualClock } from "./test-clock.ts";

const IMAGE = `repo/app@sha256:${"a".repeat(64)}`;

function problemsOf(text: string): SandboxSeedProblem[] {
  try {
    loadSandboxSeed(text, "seed.yaml");
  } catch (error) {
    if (error instanceof SandboxSeedError) return [...error.problems];
    throw error;
  }
  throw new Error("the seed loaded");
}

const service = (body: string) => `
ecs:
  clusters:
    prod:
      services:
        checkout-api:
${body
  .trim()
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
`;

describe("sandbox seeds", () => {
  it("loads a minimal seed with the defaults filled in", () => {
    // Act
    const seed = loadSandboxSeed("{}", "seed.yaml");

    // Assess
    expect(seed.account).toBe("123456789012");
    expect(seed.region).toBe("eu-west-1");
    expect(seed.settings).toEqual({
      deploymentSettleTime: 60_000,
      alarmEvaluationDelay: 60_000,
      restoreDuration: 1_200_000,
    });
    expect(seed.ecs.clusters).toEqual({});
  });

  it("names the path and line of a revision that is not among the releases", () => {
    // Act
    const problems = problemsOf(
      service(`
desiredCount: 2
releases:
  - { revision: 1, image: "${IMAGE}", cpu: 256, memory: 512 }
running: 2
`),
    );

    // Assess
    expect(problems).toEqual([
      {
        file: "seed.yaml",
        line: 10,
        column: 20,
        path: "ecs.clusters.prod.services.checkout-api.running",
        message: "revision 2 is not among the releases (1)",
      },
    ]);
  });

  it("reports every problem: unknown fields at the key, images without digest, sizes Fargate lacks", () => {
    // Act
    const problems = problemsOf(
      service(`
desiredCount: 2
desiredcount: 3
releases:
  - { revision: 1, image: "repo/app:latest", cpu: 256, memory: 4096 }
running: 1
`),
    );

    // Assess
    const byPath = new Map(
      problems.map((p) => [p.path.replace("ecs.clusters.prod.services.checkout-api.", ""), p]),
    );
    expect([...byPath.keys()].sort()).toEqual(["desiredcount", "releases.0.image", "releases.0.memory"]);
    expect(byPath.get("desiredcount")).toMatchObject({
      line: 8,
      column: 11,
      message: 'unknown field "desiredcount"',
    });
    expect(byPath.get("releases.0.image")?.message).toContain("pinned by digest");
    expect(byPath.get("releases.0.memory")?.message).toBe(
      "256 CPU units with 4096 MiB is not a Fargate task size",
    );
  });

  it("checks what spans the estate: Fargate sizes, alarm names, families, alias versions", () => {
    // Act
    const problems = problemsOf(`
ecs:
  clusters:
    prod:
      services:
        a:
          desiredCount: 1
          releases: [{ revision: 1, image: "${IMAGE}", cpu: 256, memory: 4096 }]
          running: 1
          alarms: [{ name: a-5xx-rate, metric: Http5xxRate, threshold: 5 }]
        b:
          desiredCount: 1
          family: a
          releases: [{ revision: 1, image: "${IMAGE}", cpu: 256, memory: 512 }]
          running: 1
          alarms: [{ name: a-5xx-rate, metric: Http5xxRate, threshold: 5 }]
lambda:
  functions:
    fn:
      versions: [{ version: 1, memorySize: 128 }]
      aliases:
        live: { version: 2, additionalVersionWeights: { "3": 0.5 } }
`);

    // Assess
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "ecs.clusters.prod.services.a.releases.0.memory: 256 CPU units with 4096 MiB is not a Fargate task size",
      'ecs.clusters.prod.services.b.family: task definition family "a" is already used by prod/a; give this service its own family',
      'ecs.clusters.prod.services.b.alarms.0.name: alarm "a-5xx-rate" is already defined under ecs.clusters.prod.services.a.alarms',
      "lambda.functions.fn.aliases.live.version: version 2 is not among the published versions (1)",
      "lambda.functions.fn.aliases.live.additionalVersionWeights.3: version 3 is not among the published versions",
    ]);
  });

  it("reads times as ISO timestamps with a zone or offsets into the past, and nothing else", () => {
    // Act
    const problems = problemsOf(
      service(`
desiredCount: 1
releases:
  - { revision: 1, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: "2026-03-01T10:00:00Z" }
  - { revision: 2, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: -3d }
  - { revision: 3, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: yesterday }
  - { revision: 4, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: "2026-03-01 10:00" }
running: 1
`),
    );

    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      "ecs.clusters.prod.services.checkout-api.releases.2.deployedAt",
      "ecs.clusters.prod.services.checkout-api.releases.3.deployedAt",
    ]);
  });

  it("locates YAML syntax errors", () => {
    // Act
    const problems = problemsOf("ecs:\n  clusters: {\n");

    // Assess
    expect(problems[0]?.path).toBe("");
    expect(problems[0]?.message).toMatch(/^YAML: /);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it("accepts an unquoted account id, and says what to do when digits were lost", () => {
    // Act
    const quoted = loadSandboxSeed("account: 210987654321", "seed.yaml");
    const lost = problemsOf("account: 012345678901");

    // Assess
    expect(quoted.account).toBe("210987654321");
    expect(lost[0]?.message).toContain("quote it");
  });

  it("validates seeds given as data too", () => {
    // Act
    const attempt = () => parseSandboxSeed({ region: "Europe" }, "inline");

    // Assess
    expect(attempt).toThrow(SandboxSeedError);
    expect(attempt).toThrow("inline region: must be an AWS region such as eu-west-1");
  });

  it("refuses at start a history that contradicts the running release, or lies in the future", () => {
    // Prepare
    const seed = loadSandboxSeed(
      service(`
desiredCount: 1
releases:
  - { revision: 1, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: -1h }
  - { revision: 2, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: -2h }
  - { revision: 3, image: "${IMAGE}", cpu: 256, memory: 512, deployedAt: "2030-01-01T00:00:00Z" }
running: 2
`),
      "seed.yaml",
    );

    // Act
    const create = () => createSandboxAccount({ seed, clock: manualClock("2026-03-02T10:00:00Z") });

    // Assess
    expect(create).toThrow(SandboxSeedError);
    try {
      create();
    } catch (error) {
      expect((error as SandboxSeedError).problems.map((p) => p.path)).toEqual([
        "ecs.clusters.prod.services.checkout-api.releases.2.deployedAt",
        "ecs.clusters.prod.services.checkout-api.releases.0.deployedAt",
        "ecs.clusters.prod.services.checkout-api.releases.2.deployedAt",
      ]);
    }
  });
});
