import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeleteVolumeCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  EC2ServiceException,
  ReleaseAddressCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsEc2Adapter } from "./ec2-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new EC2Client({ region: "eu-west-1", maxAttempts: 1, credentials });
const ec2 = mockClient(client);
afterEach(() => ec2.reset());

const adapter = new AwsEc2Adapter({ client });

function sdkError(name: string, message: string, httpStatusCode = 400) {
  return new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode }, message });
}

function inputs<T>(calls: { args: [{ input: T }] }[]): T[] {
  return calls.map((call) => call.args[0].input);
}

describe("AwsEc2Adapter.listVolumes", () => {
  it("follows every page and maps state, size, origin and tags", async () => {
    ec2
      .on(DescribeVolumesCommand, { NextToken: undefined })
      .resolves({
        Volumes: [
          {
            VolumeId: "vol-0a1",
            State: "available",
            Size: 100,
            CreateTime: new Date("2025-12-01T09:00:00.000Z"),
            SnapshotId: "",
            Tags: [{ Key: "owner", Value: "data" }],
          },
        ],
        NextToken: "p2",
      })
      .on(DescribeVolumesCommand, { NextToken: "p2" })
      .resolves({
        Volumes: [
          {
            VolumeId: "vol-0b2",
            State: "in-use",
            Size: 8,
            CreateTime: new Date("2026-01-05T00:00:00.000Z"),
            SnapshotId: "snap-0c3",
          },
        ],
      });

    const volumes = await adapter.listVolumes();

    expect(volumes).toEqual([
      {
        volumeId: "vol-0a1",
        state: "available",
        sizeGiB: 100,
        createdAt: "2025-12-01T09:00:00.000Z",
        tags: { owner: "data" },
      },
      {
        volumeId: "vol-0b2",
        state: "in-use",
        sizeGiB: 8,
        createdAt: "2026-01-05T00:00:00.000Z",
        snapshotId: "snap-0c3",
        tags: {},
      },
    ]);
    expect(inputs(ec2.commandCalls(DescribeVolumesCommand))).toEqual([
      { MaxResults: 500, NextToken: undefined },
      { MaxResults: 500, NextToken: "p2" },
    ]);
  });

  it("surfaces RequestLimitExceeded as a TransientPortError", async () => {
    ec2.on(DescribeVolumesCommand).rejects(sdkError("RequestLimitExceeded", "Request limit exceeded."));

    await expect(adapter.listVolumes()).rejects.toBeInstanceOf(TransientPortError);
  });
});

describe("AwsEc2Adapter.listSnapshots", () => {
  it("lists this account's snapshots over every page", async () => {
    ec2
      .on(DescribeSnapshotsCommand, { NextToken: undefined })
      .resolves({
        Snapshots: [
          {
            SnapshotId: "snap-0c3",
            VolumeId: "vol-0a1",
            StartTime: new Date("2025-06-01T00:00:00.000Z"),
            VolumeSize: 100,
            State: "completed",
            Description: "nightly",
            Tags: [{ Key: "expires-at", Value: "2026-01-01" }],
          },
        ],
        NextToken: "p2",
      })
      .on(DescribeSnapshotsCommand, { NextToken: "p2" })
      .resolves({
        Snapshots: [
          {
            SnapshotId: "snap-0d4",
            StartTime: new Date("2025-07-01T00:00:00.000Z"),
            VolumeSize: 8,
            State: "pending",
          },
        ],
      });

    const snapshots = await adapter.listSnapshots();

    expect(snapshots).toEqual([
      {
        snapshotId: "snap-0c3",
        volumeId: "vol-0a1",
        startedAt: "2025-06-01T00:00:00.000Z",
        sizeGiB: 100,
        state: "completed",
        description: "nightly",
        tags: { "expires-at": "2026-01-01" },
      },
      {
        snapshotId: "snap-0d4",
        startedAt: "2025-07-01T00:00:00.000Z",
        sizeGiB: 8,
        state: "pending",
        description: "",
        tags: {},
      },
    ]);
    expect(inputs(ec2.commandCalls(DescribeSnapshotsCommand))).toEqual([
      { OwnerIds: ["self"], MaxResults: 1000, NextToken: undefined },
      { OwnerIds: ["self"], MaxResults: 1000, NextToken: "p2" },
    ]);
  });
});

describe("AwsEc2Adapter.listSnapshotIdsUsedByImages", () => {
  it("collects the EBS snapshots behind this account's AMIs, over every page", async () => {
    ec2
      .on(DescribeImagesCommand, { NextToken: undefined })
      .resolves({
        Images: [
          {
            ImageId: "ami-1",
            BlockDeviceMappings: [
              { DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-0c3" } },
              { DeviceName: "/dev/sdb", VirtualName: "ephemeral0" },
            ],
          },
        ],
        NextToken: "p2",
      })
      .on(DescribeImagesCommand, { NextToken: "p2" })
      .resolves({
        Images: [
          {
            ImageId: "ami-2",
            BlockDeviceMappings: [{ Ebs: { SnapshotId: "snap-0e5" } }, { Ebs: { SnapshotId: "snap-0c3" } }],
          },
        ],
      });

    await expect(adapter.listSnapshotIdsUsedByImages()).resolves.toEqual(["snap-0c3", "snap-0e5"]);
    expect(inputs(ec2.commandCalls(DescribeImagesCommand))).toEqual([
      { Owners: ["self"], IncludeDisabled: true, MaxResults: 1000, NextToken: undefined },
      { Owners: ["self"], IncludeDisabled: true, MaxResults: 1000, NextToken: "p2" },
    ]);
  });
});

describe("AwsEc2Adapter.listAddresses", () => {
  it("maps allocated addresses with their association", async () => {
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [
        { AllocationId: "eipalloc-1", PublicIp: "198.51.100.7", Tags: [{ Key: "owner", Value: "edge" }] },
        { AllocationId: "eipalloc-2", PublicIp: "198.51.100.8", AssociationId: "eipassoc-2" },
      ],
    });

    await expect(adapter.listAddresses()).resolves.toEqual([
      { allocationId: "eipalloc-1", publicIp: "198.51.100.7", tags: { owner: "edge" } },
      { allocationId: "eipalloc-2", publicIp: "198.51.100.8", associationId: "eipassoc-2", tags: {} },
    ]);
    expect(inputs(ec2.commandCalls(DescribeAddressesCommand))).toEqual([{}]);
  });
});

describe("AwsEc2Adapter tags", () => {
  it("creates tags as Key/Value and deletes them by key", async () => {
    ec2.on(CreateTagsCommand).resolves({}).on(DeleteTagsCommand).resolves({});

    await adapter.createTags(["vol-0a1", "snap-0c3"], { "architech:cleanup": "marked", owner: "data" });
    await adapter.deleteTags(["vol-0a1"], ["architech:cleanup"]);

    expect(inputs(ec2.commandCalls(CreateTagsCommand))).toEqual([
      {
        Resources: ["vol-0a1", "snap-0c3"],
        Tags: [
          { Key: "architech:cleanup", Value: "marked" },
          { Key: "owner", Value: "data" },
        ],
      },
    ]);
    expect(inputs(ec2.commandCalls(DeleteTagsCommand))).toEqual([
      { Resources: ["vol-0a1"], Tags: [{ Key: "architech:cleanup" }] },
    ]);
  });
});

describe("AwsEc2Adapter.createSnapshot", () => {
  it("snapshots the volume with its description and tags", async () => {
    ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: "snap-0f6", State: "pending" });

    await expect(
      adapter.createSnapshot("vol-0a1", "before cleanup", { "deleted-volume": "vol-0a1" }),
    ).resolves.toEqual({
      snapshotId: "snap-0f6",
    });
    expect(inputs(ec2.commandCalls(CreateSnapshotCommand))).toEqual([
      {
        VolumeId: "vol-0a1",
        Description: "before cleanup",
        TagSpecifications: [
          { ResourceType: "snapshot", Tags: [{ Key: "deleted-volume", Value: "vol-0a1" }] },
        ],
      },
    ]);
  });
});

describe("AwsEc2Adapter.describeVolume", () => {
  it("describes one volume", async () => {
    ec2.on(DescribeVolumesCommand, { VolumeIds: ["vol-0a1"] }).resolves({
      Volumes: [
        {
          VolumeId: "vol-0a1",
          State: "available",
          Size: 100,
          CreateTime: new Date("2025-12-01T09:00:00.000Z"),
        },
      ],
    });

    await expect(adapter.describeVolume("vol-0a1")).resolves.toEqual({
      volumeId: "vol-0a1",
      state: "available",
      sizeGiB: 100,
      createdAt: "2025-12-01T09:00:00.000Z",
      tags: {},
    });
    expect(inputs(ec2.commandCalls(DescribeVolumesCommand))).toEqual([{ VolumeIds: ["vol-0a1"] }]);
  });

  it("answers undefined for a volume that does not exist", async () => {
    ec2
      .on(DescribeVolumesCommand)
      .rejects(sdkError("InvalidVolume.NotFound", "The volume 'vol-0zz' does not exist."));

    await expect(adapter.describeVolume("vol-0zz")).resolves.toBeUndefined();
  });
});

describe("AwsEc2Adapter deletions", () => {
  it("deletes a volume, a snapshot and releases an address", async () => {
    ec2
      .on(DeleteVolumeCommand)
      .resolves({})
      .on(DeleteSnapshotCommand)
      .resolves({})
      .on(ReleaseAddressCommand)
      .resolves({});

    await adapter.deleteVolume("vol-0a1");
    await adapter.deleteSnapshot("snap-0c3");
    await adapter.releaseAddress("eipalloc-1");

    expect(inputs(ec2.commandCalls(DeleteVolumeCommand))).toEqual([{ VolumeId: "vol-0a1" }]);
    expect(inputs(ec2.commandCalls(DeleteSnapshotCommand))).toEqual([{ SnapshotId: "snap-0c3" }]);
    expect(inputs(ec2.commandCalls(ReleaseAddressCommand))).toEqual([{ AllocationId: "eipalloc-1" }]);
  });

  it.each([
    ["volume", "InvalidVolume.NotFound", () => adapter.deleteVolume("vol-0zz"), "EBS volume vol-0zz"],
    [
      "snapshot",
      "InvalidSnapshot.NotFound",
      () => adapter.deleteSnapshot("snap-0zz"),
      "EBS snapshot snap-0zz",
    ],
    [
      "address",
      "InvalidAllocationID.NotFound",
      () => adapter.releaseAddress("eipalloc-zz"),
      "Elastic IP eipalloc-zz",
    ],
  ])("reports a missing %s as ResourceNotFoundError", async (_kind, code, act, resource) => {
    ec2.onAnyCommand().rejects(sdkError(code, "does not exist"));

    const error = await act().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe(resource);
  });

  it("reports a snapshot in use by an AMI as PortRequestError", async () => {
    ec2.on(DeleteSnapshotCommand).rejects(sdkError("InvalidSnapshot.InUse", "snap-0c3 is in use by ami-1"));

    await expect(adapter.deleteSnapshot("snap-0c3")).rejects.toBeInstanceOf(PortRequestError);
  });
});
