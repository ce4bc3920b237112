import { describe, expect, it } from "vitest";
import type { AccountPorts, EbsSnapshot, EbsVolume, EcrRepository } from "../ports/index.ts";
import type { RunInput } from "../router/ports.ts";
import type { Store } from "../store/store.ts";
import { type CleanupFindings, find } from "./cleanup-steps.ts";

const NOW = new Date("2026-12-01T10:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;

function run(params: Record<string, unknown> = {}): RunInput {
  return {
    runId: "run-1",
    policy: "cleanup-nonprod",
    runbook: "cleanup",
    mode: "auto",
    params: { olderThan: 30 * 86_400_000, keepNewestImages: 1, ...params },
    target: { type: "account" },
    targetKey: "account:*",
    lease: { owner: "run-1", token: 1, expiresAt: "2026-12-01T12:00:00.000Z" },
    trigger: { signalId: "s", type: "schedule", time: NOW.toISOString(), summary: {} },
  };
}

/** An account with one resource of every sort that cleanup must leave alone, and one of each that is stale. */
function ports(): AccountPorts {
  const unused = async () => {
    throw new Error("not used by find");
  };
  return {
    ecs: {
      listServices: async () => [{ cluster: "prod", service: "api" }],
      describeService: async () => ({
        cluster: "prod",
        service: "api",
        serviceArn: "arn:aws:ecs:eu-west-1:1:service/prod/api",
        status: "ACTIVE",
        taskDefinitionArn: "td:1",
        desiredCount: 1,
        runningCount: 1,
        deployments: [
          {
            id: "d",
            status: "PRIMARY",
            taskDefinitionArn: "td:1",
            desiredCount: 1,
            runningCount: 1,
            createdAt: daysAgo(90),
          },
        ],
      }),
      describeTaskDefinition: async () => ({
        arn: "td:1",
        family: "api",
        revision: 1,
        containers: [{ name: "api", image: `repo/api@${DIGEST("a")}` }],
      }),
      updateServiceTaskDefinition: unused,
      registerResizedTaskDefinition: unused,
    },
    lambda: {} as AccountPorts["lambda"],
    cloudwatch: {} as AccountPorts["cloudwatch"],
    notifier: { notify: async () => {}, announce: async () => {} },
    ecr: {
      listRepositories: async (): Promise<EcrRepository[]> => [
        { repositoryName: "api", repositoryArn: "arn:repo/api", tags: {} },
        {
          repositoryName: "golden",
          repositoryArn: "arn:repo/golden",
          tags: { "architech:keep": "base images" },
        },
      ],
      listImages: async (repository) =>
        repository === "api"
          ? [
              {
                repositoryName: "api",
                imageDigest: DIGEST("f"),
                imageTags: ["v9"],
                pushedAt: daysAgo(1),
                sizeBytes: 1,
              },
              {
                repositoryName: "api",
                imageDigest: DIGEST("a"),
                imageTags: [],
                pushedAt: daysAgo(200),
                sizeBytes: 1,
              },
              {
                repositoryName: "api",
                imageDigest: DIGEST("b"),
                imageTags: [],
                pushedAt: daysAgo(200),
                sizeBytes: 1,
              },
              {
                repositoryName: "api",
                imageDigest: DIGEST("c"),
                imageTags: [],
                pushedAt: daysAgo(200),
                lastPulledAt: daysAgo(2),
                sizeBytes: 1,
              },
            ]
          : [
              {
                repositoryName: "golden",
                imageDigest: DIGEST("d"),
                imageTags: [],
                pushedAt: daysAgo(400),
                sizeBytes: 1,
              },
            ],
      deleteImages: unused,
    },
    ec2: {
      listVolumes: async (): Promise<EbsVolume[]> => [
        {
          volumeId: "vol-stale",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(60),
          tags: { owner: "team-a" },
        },
        {
          volumeId: "vol-keep",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(60),
          tags: { "architech:keep": "yes" },
        },
        {
          volumeId: "vol-cfn",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(60),
          tags: { "aws:cloudformation:stack-name": "db" },
        },
        { volumeId: "vol-attached", state: "in-use", sizeGiB: 8, createdAt: daysAgo(60), tags: {} },
        { volumeId: "vol-young", state: "available", sizeGiB: 8, createdAt: daysAgo(3), tags: {} },
        {
          volumeId: "vol-snoozed",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(60),
          tags: { "architech:snooze-until": "2026-12-20 quarter-end restore test" },
        },
        {
          volumeId: "vol-snooze-over",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(60),
          tags: { "architech:snooze-until": "2026-11-01" },
        },
        {
          volumeId: "vol-expired",
          state: "available",
          sizeGiB: 8,
          createdAt: daysAgo(3),
          tags: { "architech:expires-at": daysAgo(1) },
        },
      ],
      listSnapshots: async (): Promise<EbsSnapshot[]> => [
        {
          snapshotId: "snap-stale",
          startedAt: daysAgo(90),
          sizeGiB: 8,
          state: "completed",
          description: "",
          tags: {},
        },
        {
          snapshotId: "snap-ami",
          startedAt: daysAgo(90),
          sizeGiB: 8,
          state: "completed",
          description: "",
          tags: {},
        },
        {
          snapshotId: "snap-backup",
          startedAt: daysAgo(90),
          sizeGiB: 8,
          state: "completed",
          description: "",
          tags: {},
        },
        {
          snapshotId: "snap-safety",
          startedAt: daysAgo(90),
          sizeGiB: 8,
          state: "completed",
          description: "",
          tags: { "architech:deleted-volume": "vol-x" },
        },
      ],
      listSnapshotIdsUsedByImages: async () => ["snap-ami"],
      listAddresses: async () => [
        { allocationId: "eipalloc-idle", publicIp: "203.0.113.1", tags: {} },
        { allocationId: "eipalloc-used", publicIp: "203.0.113.2", associationId: "eipassoc-1", tags: {} },
      ],
      createTags: unused,
      deleteTags: unused,
      createSnapshot: unused,
      describeVolume: unused,
      deleteVolume: unused,
      deleteSnapshot: unused,
      releaseAddress: unused,
    },
    logs: {
      listLogGroups: async () => [
        { logGroupName: "/app/forever", arn: "arn:lg", createdAt: daysAgo(10), storedBytes: 1, tags: {} },
        {
          logGroupName: "/app/kept",
          arn: "arn:lg2",
          retentionInDays: 14,
          createdAt: daysAgo(10),
          storedBytes: 1,
          tags: {},
        },
      ],
      putRetentionPolicy: unused,
    },
    backup: {
      listAllRecoveryPointArns: async () => ["arn:aws:ec2:eu-west-1::snapshot/snap-backup"],
      listRecoveryPoints: unused,
      getRestoreMetadata: unused,
      startRestoreJob: unused,
      describeRestoreJob: unused,
      putRestoreValidationResult: unused,
    },
  };
}

async function findings(params: Record<string, unknown> = {}): Promise<CleanupFindings> {
  const context = { ports: ports(), store: {} as Store, clock: { now: () => NOW } };
  return (await find({ step: "find", run: run(params), state: {} }, context)) as CleanupFindings;
}

describe("cleanup: what is stale and what is protected", () => {
  it("finds exactly the stale resources", async () => {
    const result = await findings();
    expect(result.candidates.map((c) => c.key).sort()).toEqual([
      "ebs-snapshot:snap-stale",
      "ebs-volume:vol-expired",
      "ebs-volume:vol-snooze-over",
      "ebs-volume:vol-stale",
      `ecr-image:api@${DIGEST("b")}`,
      "elastic-ip:eipalloc-idle",
    ]);
    expect(result.candidates.find((c) => c.key === "ebs-volume:vol-stale")?.owner).toBe("team-a");
    expect(result.withoutRetention).toEqual(["/app/forever"]);
  });

  it("never offers a kept, CloudFormation-managed, in-use, recently pulled, AMI or backup resource", async () => {
    const result = await findings();
    const reasons = Object.fromEntries(result.protected.map((p) => [p.key, p.reason]));
    expect(reasons).toMatchObject({
      "ebs-volume:vol-keep": "tagged architech:keep",
      "ebs-volume:vol-cfn": "managed by CloudFormation stack db",
      "ebs-volume:vol-snoozed": "snoozed by its owner until 2026-12-20: quarter-end restore test",
      [`ecr-image:api@${DIGEST("a")}`]: "used by a running service's task definition",
      [`ecr-image:api@${DIGEST("c")}`]: "pulled 2 days ago",
      [`ecr-image:golden@${DIGEST("d")}`]: "tagged architech:keep",
      "ebs-snapshot:snap-ami": "used by an AMI",
      "ebs-snapshot:snap-backup": "an AWS Backup recovery point",
      "ebs-snapshot:snap-safety": "taken before deleting a volume",
    });
  });

  it("offers CloudFormation-managed resources only when the policy allows them", async () => {
    const result = await findings({ allowCloudFormationManaged: true });
    expect(result.candidates.map((c) => c.key)).toContain("ebs-volume:vol-cfn");
    expect(result.candidates.map((c) => c.key)).not.toContain("ebs-volume:vol-keep");
  });

  it("looks only at the kinds the policy names", async () => {
    const result = await findings({ kinds: ["elastic-ip"] });
    expect(result.candidates.map((c) => c.key)).toEqual(["elastic-ip:eipalloc-idle"]);
    expect(result.withoutRetention).toEqual([]);
  });
});
