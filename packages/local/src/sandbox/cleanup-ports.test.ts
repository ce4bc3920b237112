import { fileURLToPath } from "node:url";
import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import { describe, expect, it } from "vitest";
import { createSandboxAccount } from "./account.ts";
import { loadSandboxFile } from "./load-seed.ts";
import { manualClock } from "./test-clock.ts";

const DEFAULT_ESTATE = fileURLToPath(new URL("../../../../sandbox/default.yaml", import.meta.url));
const NOW = "2026-03-02T10:00:00.000Z";
const CATALOG_UNTAGGED = "sha256:e456b36abedd62d7f9363c3c5e9bcd30ad697dc1443294385a18af1bf7613905";

async function setup() {
  const clock = manualClock(NOW);
  const sandbox = createSandboxAccount({ seed: await loadSandboxFile(DEFAULT_ESTATE), clock });
  return { clock, sandbox, ...sandbox.ports };
}

describe("ECR", () => {
  it("lists repositories with their tags and images with digest, tags, push time and size", async () => {
    // Prepare
    const { ecr } = await setup();

    // Act
    const repositories = await ecr.listRepositories();
    const preview = await ecr.listImages("storefront-preview");

    // Assess
    expect(repositories.find((r) => r.repositoryName === "legacy-billing")).toEqual({
      repositoryName: "legacy-billing",
      repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/legacy-billing",
      tags: { owner: "team-b", "architech:keep": "true" },
    });
    expect(preview.find((i) => i.imageTags.length === 0)).toEqual({
      repositoryName: "storefront-preview",
      imageDigest: "sha256:fdc31ebfaab5138f1c603128f50b49d5c2d62fe8bbcaf8b4aeef9a8b367c6167",
      imageTags: [],
      pushedAt: "2026-01-16T10:00:00.000Z",
      lastPulledAt: "2026-01-21T10:00:00.000Z",
      sizeBytes: 188 * 1_048_576,
    });
  });

  it("deletes images by digest, reports a digest it does not have as ImageNotFound, and logs the call", async () => {
    // Prepare
    const { ecr, sandbox } = await setup();

    // Act
    const result = await ecr.deleteImages("catalog-api", [CATALOG_UNTAGGED, `sha256:${"0".repeat(64)}`]);
    const again = await ecr.deleteImages("catalog-api", [CATALOG_UNTAGGED]);
    const left = (await ecr.listImages("catalog-api")).map((i) => i.imageDigest);

    // Assess
    expect(result).toEqual({
      deleted: [CATALOG_UNTAGGED],
      failures: [{ imageDigest: `sha256:${"0".repeat(64)}`, reason: "ImageNotFound" }],
    });
    expect(again).toEqual({
      deleted: [],
      failures: [{ imageDigest: CATALOG_UNTAGGED, reason: "ImageNotFound" }],
    });
    expect(left).toHaveLength(2);
    expect(left).not.toContain(CATALOG_UNTAGGED);
    expect(sandbox.actions[0]).toMatchObject({
      operation: "ecr.deleteImages",
      target: "ecr-repository:catalog-api",
      after: { deleted: [CATALOG_UNTAGGED] },
    });
  });

  it("refuses an unknown repository, and fails as injected (logged too)", async () => {
    // Prepare
    const { ecr, sandbox } = await setup();
    sandbox.injectFault({ operation: "ecr.deleteImages", error: "throttle" });

    // Act
    const throttled = ecr.deleteImages("catalog-api", [CATALOG_UNTAGGED]);
    const unknown = ecr.listImages("no-such-repository");

    // Assess
    await expect(throttled).rejects.toBeInstanceOf(TransientPortError);
    await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect(sandbox.actions).toHaveLength(1);
    expect(sandbox.actions[0]?.error).toMatch(/ThrottlingException/);
    expect((await ecr.listImages("catalog-api")).map((i) => i.imageDigest)).toContain(CATALOG_UNTAGGED);
  });
});

describe("EC2", () => {
  it("holds unattached volumes of several owners, one kept, one CloudFormation's, one expired", async () => {
    // Prepare
    const { ec2 } = await setup();

    // Act
    const volumes = await ec2.listVolumes();
    const available = volumes.filter((v) => v.state === "available");

    // Assess
    expect(available.filter((v) => v.tags.owner === "team-a").map((v) => v.volumeId)).toEqual([
      "vol-0aaa0000000000001",
    ]);
    expect(available.filter((v) => v.tags.owner === "team-b")).toHaveLength(2);
    expect(available.find((v) => "architech:keep" in v.tags)?.volumeId).toBe("vol-0cee0000000000001");
    expect(available.find((v) => "aws:cloudformation:stack-name" in v.tags)?.volumeId).toBe(
      "vol-0cf000000000000a1",
    );
    expect(available.find((v) => "architech:expires-at" in v.tags)?.volumeId).toBe("vol-0e5f6a7b8c9d0e1f2");
    expect(volumes.find((v) => v.volumeId === "vol-0a1b2c3d4e5f60718")?.state).toBe("in-use");
  });

  it("knows which snapshots an AMI uses, and which Elastic IP is associated", async () => {
    // Prepare
    const { ec2 } = await setup();

    // Act
    const used = await ec2.listSnapshotIdsUsedByImages();
    const addresses = await ec2.listAddresses();

    // Assess
    expect(used).toEqual(["snap-0a0100000000000a1"]);
    expect(addresses.map((a) => [a.allocationId, a.associationId !== undefined])).toEqual([
      ["eipalloc-0a1b2c3d4e5f6a7b8", true],
      ["eipalloc-0f0e0d0c0b0a09080", false],
    ]);
  });

  it("adds and removes tags on volumes, snapshots and addresses, all or nothing", async () => {
    // Prepare
    const { ec2, sandbox } = await setup();
    const ids = ["vol-0bbb0000000000001", "snap-0fedcba9876543210", "eipalloc-0f0e0d0c0b0a09080"];

    // Act
    await ec2.createTags(ids, { "architech:cleanup-after": "2026-03-09T10:00:00.000Z" });
    const unknown = ec2.createTags(["vol-0bbb0000000000001", "vol-0123456789abcdef0"], { x: "1" });
    const reserved = ec2.createTags(["vol-0bbb0000000000001"], { "aws:owner": "me" });
    const tagged = (await ec2.describeVolume("vol-0bbb0000000000001"))?.tags;
    await ec2.deleteTags(ids, ["architech:cleanup-after"]);
    const untagged = (await ec2.describeVolume("vol-0bbb0000000000001"))?.tags;

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(reserved).rejects.toBeInstanceOf(PortRequestError);
    expect(tagged).toMatchObject({ owner: "team-b", "architech:cleanup-after": "2026-03-09T10:00:00.000Z" });
    expect(tagged).not.toHaveProperty("x");
    expect(untagged).toEqual({ owner: "team-b", environment: "staging", Name: "old-build-cache" });
    expect((await ec2.listSnapshots()).find((s) => s.snapshotId === ids[1])?.tags).toEqual({
      owner: "team-data",
    });
    expect(sandbox.actions.map((a) => [a.operation, a.error === undefined])).toEqual([
      ["ec2.createTags", true],
      ["ec2.createTags", false],
      ["ec2.createTags", false],
      ["ec2.deleteTags", true],
    ]);
  });

  it("snapshots a volume, then deletes it: gone afterwards", async () => {
    // Prepare
    const { ec2, clock, sandbox } = await setup();
    clock.advance(5_000);

    // Act
    const { snapshotId } = await ec2.createSnapshot("vol-0bbb0000000000001", "before cleanup", {
      "architech:deleted-volume": "vol-0bbb0000000000001",
    });
    await ec2.deleteVolume("vol-0bbb0000000000001");
    const gone = await ec2.describeVolume("vol-0bbb0000000000001");
    const again = ec2.deleteVolume("vol-0bbb0000000000001");
    const snapshot = (await ec2.listSnapshots()).find((s) => s.snapshotId === snapshotId);

    // Assess
    expect(snapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
    expect(snapshot).toEqual({
      snapshotId,
      volumeId: "vol-0bbb0000000000001",
      startedAt: "2026-03-02T10:00:05.000Z",
      sizeGiB: 100,
      state: "completed",
      description: "before cleanup",
      tags: { "architech:deleted-volume": "vol-0bbb0000000000001" },
    });
    expect(gone).toBeUndefined();
    await expect(again).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect(sandbox.actions.map((a) => a.operation)).toEqual([
      "ec2.createSnapshot",
      "ec2.deleteVolume",
      "ec2.deleteVolume",
    ]);
  });

  it("refuses to delete a volume in use, a snapshot behind an AMI or a backup, and an associated address", async () => {
    // Prepare
    const { ec2, sandbox } = await setup();

    // Act
    const inUse = ec2.deleteVolume("vol-0a1b2c3d4e5f60718");
    const ami = ec2.deleteSnapshot("snap-0a0100000000000a1");
    const backup = ec2.deleteSnapshot("snap-0bac0000000000001");
    const associated = ec2.releaseAddress("eipalloc-0a1b2c3d4e5f6a7b8");
    await ec2.deleteSnapshot("snap-0a0b0c0d0e0f01020");
    await ec2.releaseAddress("eipalloc-0f0e0d0c0b0a09080");

    // Assess
    await expect(inUse).rejects.toBeInstanceOf(PortRequestError);
    await expect(inUse).rejects.toThrow(/VolumeInUse/);
    await expect(ami).rejects.toThrow(/InvalidSnapshot\.InUse.*ami-0a0100000000000a1/);
    await expect(backup).rejects.toThrow(/AWS Backup/);
    await expect(associated).rejects.toThrow(/InvalidIPAddress\.InUse/);
    expect((await ec2.describeVolume("vol-0a1b2c3d4e5f60718"))?.state).toBe("in-use");
    expect((await ec2.listSnapshots()).map((s) => s.snapshotId)).not.toContain("snap-0a0b0c0d0e0f01020");
    expect((await ec2.listAddresses()).map((a) => a.allocationId)).toEqual(["eipalloc-0a1b2c3d4e5f6a7b8"]);
    expect(sandbox.actions.filter((a) => a.error !== undefined)).toHaveLength(4);
    expect(sandbox.actions[0]).toMatchObject({
      target: "ebs-volume:vol-0a1b2c3d4e5f60718",
      before: { state: "in-use" },
      error: expect.stringMatching(/VolumeInUse/),
    });
  });

  it("fails as injected, per operation and per target", async () => {
    // Prepare
    const { ec2, sandbox } = await setup();
    sandbox.injectFault({
      operation: "ec2.deleteVolume",
      error: "access-denied",
      target: "ebs-volume:vol-0aaa0000000000001",
    });
    sandbox.injectFault({ operation: "ec2.*", error: "timeout" });

    // Act
    const listed = ec2.listVolumes();
    await ec2.deleteVolume("vol-0bbb0000000000002");
    const denied = ec2.deleteVolume("vol-0aaa0000000000001");

    // Assess
    await expect(listed).rejects.toBeInstanceOf(TransientPortError);
    await expect(denied).rejects.toThrow(/AccessDeniedException.*ec2:DeleteVolume/);
    expect(await ec2.describeVolume("vol-0aaa0000000000001")).toBeDefined();
    expect(await ec2.describeVolume("vol-0bbb0000000000002")).toBeUndefined();
  });
});

describe("CloudWatch Logs", () => {
  it("lists log groups, retention undefined when they keep events forever, and sets a valid retention", async () => {
    // Prepare
    const { logs, sandbox } = await setup();

    // Act
    const before = await logs.listLogGroups();
    await logs.putRetentionPolicy("/ecs/staging/legacy-reports", 30);
    const invalid = logs.putRetentionPolicy("/aws/lambda/payments-webhook", 31);
    const missing = logs.putRetentionPolicy("/no/such/group", 30);
    const after = await logs.listLogGroups();

    // Assess
    expect(before.filter((g) => g.retentionInDays === undefined).map((g) => g.logGroupName)).toEqual([
      "/aws/lambda/payments-webhook",
      "/ecs/staging/legacy-reports",
    ]);
    expect(before[0]).toMatchObject({
      arn: "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/prod/checkout-api:*",
      retentionInDays: 30,
      storedBytes: 5400 * 1_048_576,
    });
    await expect(invalid).rejects.toBeInstanceOf(PortRequestError);
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect(after.find((g) => g.logGroupName === "/ecs/staging/legacy-reports")?.retentionInDays).toBe(30);
    expect(
      after.find((g) => g.logGroupName === "/aws/lambda/payments-webhook")?.retentionInDays,
    ).toBeUndefined();
    expect(sandbox.actions[0]).toMatchObject({
      operation: "logs.putRetentionPolicy",
      target: "log-group:/ecs/staging/legacy-reports",
      before: { retentionInDays: null },
      after: { retentionInDays: 30 },
    });
  });
});
