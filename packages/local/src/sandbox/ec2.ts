import {
  type EbsSnapshot,
  type EbsVolume,
  type Ec2Port,
  type ElasticIp,
  PortRequestError,
  ResourceNotFoundError,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import type { Estate } from "./estate.ts";
import {
  type AddressRecord,
  hexId,
  nextId,
  type SnapshotRecord,
  settleRestoreJobs,
  type VolumeRecord,
} from "./resources.ts";
import { iso } from "./timeline.ts";

/** The action log's name of an EC2 resource, by the prefix of its id. */
export function ec2Target(id: string): string {
  if (id.startsWith("vol-")) return `ebs-volume:${id}`;
  if (id.startsWith("snap-")) return `ebs-snapshot:${id}`;
  if (id.startsWith("eipalloc-")) return `elastic-ip:${id}`;
  if (id.startsWith("ami-")) return `ami:${id}`;
  return `ec2:${id}`;
}

function toVolume(v: VolumeRecord): EbsVolume {
  return {
    volumeId: v.id,
    state: v.state,
    sizeGiB: v.sizeGiB,
    createdAt: iso(v.createdAt),
    ...(v.snapshotId === undefined ? {} : { snapshotId: v.snapshotId }),
    tags: { ...v.tags },
  };
}

function toSnapshot(s: SnapshotRecord): EbsSnapshot {
  return {
    snapshotId: s.id,
    volumeId: s.volumeId,
    startedAt: iso(s.startedAt),
    sizeGiB: s.sizeGiB,
    state: "completed",
    description: s.description,
    tags: { ...s.tags },
  };
}

function toAddress(a: AddressRecord): ElasticIp {
  return {
    allocationId: a.allocationId,
    publicIp: a.publicIp,
    ...(a.associationId === undefined ? {} : { associationId: a.associationId }),
    tags: { ...a.tags },
  };
}

/** The tag map of a volume, snapshot, address or AMI; EC2's InvalidID errors for anything else. */
function taggable(estate: Estate, id: string): { tags: Record<string, string> } {
  const { resources } = estate;
  const record =
    resources.volumes.get(id) ??
    resources.snapshots.get(id) ??
    resources.addresses.get(id) ??
    resources.amis.get(id);
  if (record === undefined) throw new ResourceNotFoundError(`EC2 resource ${id}`);
  return record;
}

function describeCall(ids: readonly string[]) {
  return { target: ids.map(ec2Target).join(","), resource: `EC2 resources ${ids.join(", ")}` };
}

/** The backup vault's recovery point whose ARN names this snapshot, if any. */
function backupOf(estate: Estate, snapshotId: string): string | undefined {
  const suffix = `::snapshot/${snapshotId}`;
  return estate.resources.recoveryPoints.find(
    (p) => p.arn.startsWith("arn:aws:ec2:") && p.arn.endsWith(suffix),
  )?.arn;
}

/** The EC2 port over the sandbox's volumes, snapshots, AMIs and Elastic IPs. */
export function createSandboxEc2(ctx: SandboxContext): Ec2Port {
  const { estate } = ctx;
  const { resources } = estate;
  // Volumes restored by AWS Backup appear when their job completes.
  const settle = () => settleRestoreJobs(resources, estate.region, estate.account, ctx.now());

  return {
    async listVolumes() {
      ctx.read({ operation: "ec2.listVolumes", target: "ec2", resource: "EBS volumes" });
      settle();
      return [...resources.volumes.values()].map(toVolume);
    },

    async listSnapshots() {
      ctx.read({ operation: "ec2.listSnapshots", target: "ec2", resource: "EBS snapshots" });
      return [...resources.snapshots.values()].map(toSnapshot);
    },

    async listSnapshotIdsUsedByImages() {
      ctx.read({ operation: "ec2.listSnapshotIdsUsedByImages", target: "ec2", resource: "AMIs" });
      return [...new Set([...resources.amis.values()].flatMap((ami) => ami.snapshotIds))];
    },

    async listAddresses() {
      ctx.read({ operation: "ec2.listAddresses", target: "ec2", resource: "Elastic IP addresses" });
      return [...resources.addresses.values()].map(toAddress);
    },

    async createTags(resourceIds, tags) {
      ctx.mutate({ operation: "ec2.createTags", ...describeCall(resourceIds) }, (entry) => {
        const reserved = Object.keys(tags).filter((key) => key.toLowerCase().startsWith("aws:"));
        if (reserved.length > 0) {
          throw new PortRequestError(
            `InvalidParameterValue: tag keys starting with "aws:" are reserved (${reserved.join(", ")})`,
          );
        }
        settle();
        // All or nothing: one unknown id fails the whole call.
        const records = resourceIds.map((id) => taggable(estate, id));
        entry.before = Object.fromEntries(resourceIds.map((id, i) => [id, { ...records[i]?.tags }]));
        for (const record of records) Object.assign(record.tags, tags);
        entry.after = { tags: { ...tags } };
      });
    },

    async deleteTags(resourceIds, keys) {
      ctx.mutate({ operation: "ec2.deleteTags", ...describeCall(resourceIds) }, (entry) => {
        settle();
        const records = resourceIds.map((id) => taggable(estate, id));
        entry.before = Object.fromEntries(resourceIds.map((id, i) => [id, { ...records[i]?.tags }]));
        for (const record of records) {
          for (const key of keys) delete record.tags[key];
        }
        entry.after = { removedKeys: [...keys] };
      });
    },

    async createSnapshot(volumeId, description, tags) {
      return ctx.mutate(
        { operation: "ec2.createSnapshot", target: ec2Target(volumeId), resource: `EBS volume ${volumeId}` },
        (entry) => {
          settle();
          const volume = resources.volumes.get(volumeId);
          if (volume === undefined) throw new ResourceNotFoundError(`EBS volume ${volumeId}`);
          const snapshotId = nextId(
            resources,
            "snap",
            (key) => `snap-${hexId(key)}`,
            (id) => resources.snapshots.has(id),
          );
          // Snapshots of a sandbox volume complete at once; AWS's take minutes but are usable (and
          // deletable) from the moment CreateSnapshot returns.
          resources.snapshots.set(snapshotId, {
            id: snapshotId,
            volumeId,
            sizeGiB: volume.sizeGiB,
            startedAt: ctx.now(),
            description,
            tags: { ...tags },
          });
          entry.after = { snapshotId, description, tags: { ...tags } };
          return { snapshotId };
        },
      );
    },

    async describeVolume(volumeId) {
      try {
        ctx.read({
          operation: "ec2.describeVolume",
          target: ec2Target(volumeId),
          resource: `EBS volume ${volumeId}`,
        });
      } catch (error) {
        // The port answers a missing volume with undefined.
        if (error instanceof ResourceNotFoundError) return undefined;
        throw error;
      }
      settle();
      const volume = resources.volumes.get(volumeId);
      return volume === undefined ? undefined : toVolume(volume);
    },

    async deleteVolume(volumeId) {
      ctx.mutate(
        { operation: "ec2.deleteVolume", target: ec2Target(volumeId), resource: `EBS volume ${volumeId}` },
        (entry) => {
          settle();
          const volume = resources.volumes.get(volumeId);
          if (volume === undefined) throw new ResourceNotFoundError(`EBS volume ${volumeId}`);
          entry.before = { state: volume.state, sizeGiB: volume.sizeGiB, tags: { ...volume.tags } };
          if (volume.state === "in-use") {
            throw new PortRequestError(
              `VolumeInUse: Volume ${volumeId} is currently attached to ${volume.attachedTo ?? "an instance"}`,
            );
          }
          resources.volumes.delete(volumeId);
          entry.after = { state: "deleted" };
        },
      );
    },

    async deleteSnapshot(snapshotId) {
      ctx.mutate(
        {
          operation: "ec2.deleteSnapshot",
          target: ec2Target(snapshotId),
          resource: `EBS snapshot ${snapshotId}`,
        },
        (entry) => {
          const snapshot = resources.snapshots.get(snapshotId);
          if (snapshot === undefined) throw new ResourceNotFoundError(`EBS snapshot ${snapshotId}`);
          entry.before = {
            volumeId: snapshot.volumeId,
            startedAt: iso(snapshot.startedAt),
            tags: { ...snapshot.tags },
          };
          const ami = [...resources.amis.values()].find((a) => a.snapshotIds.includes(snapshotId));
          if (ami !== undefined) {
            throw new PortRequestError(
              `InvalidSnapshot.InUse: The snapshot ${snapshotId} is currently in use by ${ami.imageId}`,
            );
          }
          if (backupOf(estate, snapshotId) !== undefined) {
            throw new PortRequestError(
              `InvalidParameterValue: This snapshot is managed by the AWS Backup service and cannot be deleted via EC2 APIs (${snapshotId})`,
            );
          }
          resources.snapshots.delete(snapshotId);
          entry.after = { state: "deleted" };
        },
      );
    },

    async releaseAddress(allocationId) {
      ctx.mutate(
        {
          operation: "ec2.releaseAddress",
          target: ec2Target(allocationId),
          resource: `Elastic IP ${allocationId}`,
        },
        (entry) => {
          const address = resources.addresses.get(allocationId);
          if (address === undefined) throw new ResourceNotFoundError(`Elastic IP ${allocationId}`);
          entry.before = {
            publicIp: address.publicIp,
            ...(address.associationId === undefined ? {} : { associationId: address.associationId }),
          };
          if (address.associationId !== undefined) {
            throw new PortRequestError(
              `InvalidIPAddress.InUse: Address ${address.publicIp} is in use (${address.associationId})`,
            );
          }
          resources.addresses.delete(allocationId);
          entry.after = { released: true };
        },
      );
    },
  };
}
