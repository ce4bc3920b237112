export interface EbsVolume {
  volumeId: string;
  /** `available` = attached to nothing. */
  state: "creating" | "available" | "in-use" | "deleting" | "deleted" | "error";
  sizeGiB: number;
  createdAt: string;
  /** The snapshot the volume was created from, if any. */
  snapshotId?: string;
  tags: Record<string, string>;
}

export interface EbsSnapshot {
  snapshotId: string;
  volumeId?: string;
  startedAt: string;
  sizeGiB: number;
  state: "pending" | "completed" | "error" | "recoverable" | "recovering";
  description: string;
  tags: Record<string, string>;
}

export interface ElasticIp {
  allocationId: string;
  publicIp: string;
  /** Set while the address is associated with an instance or network interface. */
  associationId?: string;
  tags: Record<string, string>;
}

/** EC2, for cleanup and for checking restored volumes. */
export interface Ec2Port {
  /** Every volume in the region (all pages). */
  listVolumes(): Promise<EbsVolume[]>;
  /** Snapshots this account owns (all pages). */
  listSnapshots(): Promise<EbsSnapshot[]>;
  /** Ids of the snapshots that an AMI this account owns is built from. */
  listSnapshotIdsUsedByImages(): Promise<string[]>;
  listAddresses(): Promise<ElasticIp[]>;
  createTags(resourceIds: string[], tags: Record<string, string>): Promise<void>;
  deleteTags(resourceIds: string[], keys: string[]): Promise<void>;
  /** Starts a snapshot of a volume; resolves to its id once CreateSnapshot returns. */
  createSnapshot(
    volumeId: string,
    description: string,
    tags: Record<string, string>,
  ): Promise<{ snapshotId: string }>;
  /** Undefined when there is no such volume. */
  describeVolume(volumeId: string): Promise<EbsVolume | undefined>;
  deleteVolume(volumeId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  releaseAddress(allocationId: string): Promise<void>;
}
