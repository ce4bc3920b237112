import {
  type EbsSnapshot,
  type EbsVolume,
  type Ec2Port,
  type ElasticIp,
  PortRequestError,
} from "@architech/core";
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
  type EC2Client,
  ReleaseAddressCommand,
  type Snapshot,
  type Tag,
  type Volume,
} from "@aws-sdk/client-ec2";
import { isPortError, sdkErrorName, toPortError } from "../errors.ts";

export interface AwsEc2AdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: EC2Client;
}

// EC2 answers "does not exist" with a code per resource type rather than one shared name.
const NOT_FOUND = ["InvalidVolume.NotFound", "InvalidSnapshot.NotFound", "InvalidAllocationID.NotFound"];

// Without MaxResults, Describe* calls answer with everything at once (or time out on large estates).
const VOLUMES_PAGE_SIZE = 500;
const SNAPSHOTS_PAGE_SIZE = 1000;
const IMAGES_PAGE_SIZE = 1000;

const VOLUME_STATES = new Set<string>(["creating", "available", "in-use", "deleting", "deleted", "error"]);
const SNAPSHOT_STATES = new Set<string>(["pending", "completed", "error", "recoverable", "recovering"]);

/**
 * {@link Ec2Port} on the EC2 API: EBS volumes and snapshots, the snapshots behind this account's AMIs,
 * Elastic IPs. Errors are port errors: `InvalidVolume.NotFound`, `InvalidSnapshot.NotFound` and
 * `InvalidAllocationID.NotFound` are a `ResourceNotFoundError`, `RequestLimitExceeded` a
 * `TransientPortError`.
 *
 * @example
 * const ec2 = new AwsEc2Adapter({ client: new EC2Client({ maxAttempts: 5 }) });
 * const unattached = (await ec2.listVolumes()).filter((volume) => volume.state === "available");
 */
export class AwsEc2Adapter implements Ec2Port {
  readonly #client: EC2Client;

  constructor(options: AwsEc2AdapterOptions) {
    this.#client = options.client;
  }

  async listVolumes(): Promise<EbsVolume[]> {
    const volumes: EbsVolume[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#send("DescribeVolumes", "EBS volumes", () =>
        this.#client.send(new DescribeVolumesCommand({ MaxResults: VOLUMES_PAGE_SIZE, NextToken })),
      );
      for (const volume of page.Volumes ?? []) volumes.push(toVolume(volume));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return volumes;
  }

  async listSnapshots(): Promise<EbsSnapshot[]> {
    const snapshots: EbsSnapshot[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#send("DescribeSnapshots", "EBS snapshots", () =>
        this.#client.send(
          new DescribeSnapshotsCommand({ OwnerIds: ["self"], MaxResults: SNAPSHOTS_PAGE_SIZE, NextToken }),
        ),
      );
      for (const snapshot of page.Snapshots ?? []) snapshots.push(toSnapshot(snapshot));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return snapshots;
  }

  async listSnapshotIdsUsedByImages(): Promise<string[]> {
    const snapshotIds = new Set<string>();
    let NextToken: string | undefined;
    do {
      const page = await this.#send("DescribeImages", "AMIs", () =>
        this.#client.send(
          // A disabled AMI still needs its snapshots to be enabled again: they are in use too.
          new DescribeImagesCommand({
            Owners: ["self"],
            IncludeDisabled: true,
            MaxResults: IMAGES_PAGE_SIZE,
            NextToken,
          }),
        ),
      );
      for (const image of page.Images ?? []) {
        for (const mapping of image.BlockDeviceMappings ?? []) {
          const snapshotId = mapping.Ebs?.SnapshotId;
          if (snapshotId !== undefined && snapshotId !== "") snapshotIds.add(snapshotId);
        }
      }
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return [...snapshotIds];
  }

  async listAddresses(): Promise<ElasticIp[]> {
    // DescribeAddresses has no pages: it answers with every address of the region.
    const output = await this.#send("DescribeAddresses", "Elastic IP addresses", () =>
      this.#client.send(new DescribeAddressesCommand({})),
    );
    const addresses: ElasticIp[] = [];
    for (const address of output.Addresses ?? []) {
      // Only VPC addresses have an allocation id, and only those can be released by it.
      if (address.AllocationId === undefined) continue;
      const mapped: ElasticIp = {
        allocationId: address.AllocationId,
        publicIp: address.PublicIp ?? "",
        tags: toTagRecord(address.Tags),
      };
      if (address.AssociationId !== undefined) mapped.associationId = address.AssociationId;
      addresses.push(mapped);
    }
    return addresses;
  }

  async createTags(resourceIds: string[], tags: Record<string, string>): Promise<void> {
    await this.#send("CreateTags", resourcesResource(resourceIds), () =>
      this.#client.send(new CreateTagsCommand({ Resources: resourceIds, Tags: toTags(tags) })),
    );
  }

  async deleteTags(resourceIds: string[], keys: string[]): Promise<void> {
    await this.#send("DeleteTags", resourcesResource(resourceIds), () =>
      // A tag given with its key only is deleted whatever its value.
      this.#client.send(
        new DeleteTagsCommand({ Resources: resourceIds, Tags: keys.map((Key) => ({ Key })) }),
      ),
    );
  }

  async createSnapshot(
    volumeId: string,
    description: string,
    tags: Record<string, string>,
  ): Promise<{ snapshotId: string }> {
    const resource = volumeResource(volumeId);
    const output = await this.#send("CreateSnapshot", resource, () =>
      this.#client.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: description,
          TagSpecifications: [{ ResourceType: "snapshot", Tags: toTags(tags) }],
        }),
      ),
    );
    return { snapshotId: required(output.SnapshotId, `the id of the snapshot of ${resource}`) };
  }

  async describeVolume(volumeId: string): Promise<EbsVolume | undefined> {
    try {
      const output = await this.#client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
      const volume = output.Volumes?.[0];
      return volume === undefined ? undefined : toVolume(volume);
    } catch (error) {
      if (!isPortError(error) && sdkErrorName(error) === "InvalidVolume.NotFound") return undefined;
      throw toPortError(error, volumeResource(volumeId), { action: "DescribeVolumes", notFound: NOT_FOUND });
    }
  }

  async deleteVolume(volumeId: string): Promise<void> {
    await this.#send("DeleteVolume", volumeResource(volumeId), () =>
      this.#client.send(new DeleteVolumeCommand({ VolumeId: volumeId })),
    );
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    await this.#send("DeleteSnapshot", `EBS snapshot ${snapshotId}`, () =>
      this.#client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    );
  }

  async releaseAddress(allocationId: string): Promise<void> {
    await this.#send("ReleaseAddress", `Elastic IP ${allocationId}`, () =>
      this.#client.send(new ReleaseAddressCommand({ AllocationId: allocationId })),
    );
  }

  async #send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, resource, { action, notFound: NOT_FOUND });
    }
  }
}

function volumeResource(volumeId: string): string {
  return `EBS volume ${volumeId}`;
}

function resourcesResource(resourceIds: string[]): string {
  return `EC2 resources ${resourceIds.join(", ")}`;
}

function toVolume(volume: Volume): EbsVolume {
  const volumeId = required(volume.VolumeId, "the id of a volume");
  const state = required(volume.State, `the state of EBS volume ${volumeId}`);
  if (!isVolumeState(state)) {
    throw new PortRequestError(`EBS volume ${volumeId} has an unknown state ${state}`);
  }
  const mapped: EbsVolume = {
    volumeId,
    state,
    sizeGiB: volume.Size ?? 0,
    createdAt: required(volume.CreateTime, `the creation time of EBS volume ${volumeId}`).toISOString(),
    tags: toTagRecord(volume.Tags),
  };
  // EC2 reports "" for a volume that was not created from a snapshot.
  if (volume.SnapshotId !== undefined && volume.SnapshotId !== "") mapped.snapshotId = volume.SnapshotId;
  return mapped;
}

function toSnapshot(snapshot: Snapshot): EbsSnapshot {
  const snapshotId = required(snapshot.SnapshotId, "the id of a snapshot");
  const state = required(snapshot.State, `the state of EBS snapshot ${snapshotId}`);
  if (!isSnapshotState(state)) {
    throw new PortRequestError(`EBS snapshot ${snapshotId} has an unknown state ${state}`);
  }
  const mapped: EbsSnapshot = {
    snapshotId,
    startedAt: required(snapshot.StartTime, `the start time of EBS snapshot ${snapshotId}`).toISOString(),
    sizeGiB: snapshot.VolumeSize ?? 0,
    state,
    description: snapshot.Description ?? "",
    tags: toTagRecord(snapshot.Tags),
  };
  if (snapshot.VolumeId !== undefined && snapshot.VolumeId !== "") mapped.volumeId = snapshot.VolumeId;
  return mapped;
}

function isVolumeState(state: string): state is EbsVolume["state"] {
  return VOLUME_STATES.has(state);
}

function isSnapshotState(state: string): state is EbsSnapshot["state"] {
  return SNAPSHOT_STATES.has(state);
}

function toTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function toTagRecord(tags: Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? "";
  return record;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`EC2 answered without ${what}`);
  return value;
}
