import { type Store, targetKey } from "@architech/core";
import { taskDefinitionArn } from "./sandbox/estate.ts";
import { resolveTime, type SandboxSeed } from "./sandbox/seed.ts";

const DAY_MS = 86_400_000;

export interface SeedReleaseHistoryOptions {
  seed: SandboxSeed;
  /** The sandbox's start (its clock's first reading): seed times count back from it. */
  start: Date;
  store: Store;
  /** A release that served healthy at least this long counts as baked (known-good). */
  bakeTimeMs: number;
}

/**
 * Writes the sandbox's past into the store's release history, as the control plane would have recorded
 * it had it been watching: every ECS release with its deployment time, every version a Lambda alias has
 * served, and as known-good those that served healthy for the bake time. Without this history a rollback
 * has nothing to return to. Returns the number of releases recorded.
 */
export async function seedReleaseHistory({
  seed,
  start,
  store,
  bakeTimeMs,
}: SeedReleaseHistoryOptions): Promise<number> {
  const now = start.getTime();
  let recorded = 0;
  const record = async (
    service: string,
    releases: { id: string; at: number; healthy: boolean; fields: Record<string, unknown> }[],
  ) => {
    const ordered = [...releases].sort((a, b) => a.at - b.at);
    for (const [index, release] of ordered.entries()) {
      const until = ordered[index + 1]?.at ?? now;
      const deployedAt = new Date(release.at).toISOString();
      const result = await store.recordDeployment({
        service,
        id: release.id,
        deployedAt,
        ...(release.fields as { kind: "ecs" | "lambda" }),
      });
      if (result.recorded) recorded++;
      if (release.healthy && until - release.at >= bakeTimeMs) {
        await store.setKnownGood({ service, deployedAt, id: release.id, knownGood: true });
      }
    }
  };

  for (const [cluster, { services }] of Object.entries(seed.ecs.clusters)) {
    for (const [service, spec] of Object.entries(services)) {
      const family = spec.family ?? service;
      await record(
        targetKey({ type: "ecs-service", cluster, service }),
        spec.releases.map((release) => {
          const digest = /@(sha256:[a-f0-9]{64})$/.exec(release.image)?.[1];
          const tag = /:([^:/@]+)(@|$)/.exec(release.image.split("/").pop() ?? "")?.[1];
          return {
            id: `${family}:${release.revision}`,
            at: release.deployedAt ? resolveTime(release.deployedAt, now) : now - DAY_MS,
            healthy: release.healthy,
            fields: {
              kind: "ecs",
              taskDefinitionArn: taskDefinitionArn(seed.region, seed.account, family, release.revision),
              taskDefinitionRevision: release.revision,
              ...(digest ? { imageDigest: digest } : {}),
              ...(tag ? { imageTag: tag } : {}),
            },
          };
        }),
      );
    }
  }

  for (const [functionName, spec] of Object.entries(seed.lambda.functions)) {
    for (const [alias, aliasSpec] of Object.entries(spec.aliases)) {
      if (aliasSpec.version === "$LATEST") continue;
      const served = spec.versions.filter((v) => v.version <= (aliasSpec.version as number));
      await record(
        targetKey({ type: "lambda-alias", functionName, alias }),
        served.map((version) => ({
          id: `${functionName}:${version.version}`,
          at: version.publishedAt
            ? resolveTime(version.publishedAt, now)
            : now - DAY_MS * (served.length - version.version + 1),
          healthy: version.healthy,
          fields: { kind: "lambda", lambdaVersion: String(version.version) },
        })),
      );
    }
  }
  return recorded;
}
