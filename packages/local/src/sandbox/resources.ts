import type { RestoreJobStatus } from "@architech/core";
import { hashString, uniform } from "./prng.ts";
import { resolveTime, type SandboxSeed, type TimeRef } from "./seed.ts";
import { iso } from "./timeline.ts";

// The account's storage-side resources (ECR, EC2, logs, AWS Backup, DynamoDB tables): plain records the
// ports read and change. Restore jobs finish on the clock; `settleRestoreJobs` brings them up to now.

export interface ImageRecord {
  readonly digest: string;
  tags: string[];
  readonly pushedAt: number;
  readonly lastPulledAt?: number | undefined;
  readonly sizeMiB: number;
}

export interface RepositoryRecord {
  readonly name: string;
  readonly arn: string;
  tags: Record<string, string>;
  images: ImageRecord[];
}

export interface VolumeRecord {
  readonly id: string;
  readonly sizeGiB: number;
  readonly type: string;
  readonly state: "available" | "in-use";
  readonly attachedTo?: string | undefined;
  readonly snapshotId?: string | undefined;
  readonly createdAt: number;
  tags: Record<string, string>;
}

export interface SnapshotRecord {
  readonly id: string;
  readonly volumeId: string;
  readonly sizeGiB: number;
  readonly startedAt: number;
  readonly description: string;
  tags: Record<string, string>;
}

export interface AmiRecord {
  readonly imageId: string;
  readonly name?: string | undefined;
  readonly snapshotIds: readonly string[];
  readonly createdAt: number;
  tags: Record<string, string>;
}

export interface AddressRecord {
  readonly allocationId: string;
  readonly publicIp: string;
  readonly associatedWith?: string | undefined;
  readonly associationId?: string | undefined;
  tags: Record<string, string>;
}

export interface LogGroupRecord {
  readonly name: string;
  retentionDays?: number | undefined;
  readonly storedMiB: number;
  readonly createdAt: number;
  readonly tags: Record<string, string>;
}

export interface RecoveryPointRecord {
  readonly arn: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly vault: string;
  readonly status: SandboxSeed["backup"]["recoveryPoints"][number]["status"];
  readonly createdAt: number;
  readonly completedAt?: number | undefined;
  readonly sizeMiB?: number | undefined;
  readonly itemCount?: number | undefined;
  readonly restoreDurationMs?: number | undefined;
  readonly corrupt: boolean;
  readonly restoreFails: boolean;
  readonly iamRoleArn: string;
}

/** What a restore job leaves behind once it finishes. */
export type RestoreTarget =
  | {
      readonly kind: "table";
      readonly tableName: string;
      readonly sourceTable: string;
      readonly itemCount: number;
    }
  | {
      readonly kind: "volume";
      readonly volumeId: string;
      readonly sizeGiB: number;
      readonly snapshotId?: string;
    };

export interface RestoreJobRecord {
  readonly id: string;
  readonly recoveryPointArn: string;
  readonly resourceType: string;
  readonly iamRoleArn: string;
  readonly createdAt: number;
  /** PENDING until then, RUNNING until `finishesAt`. */
  readonly runningAt: number;
  readonly finishesAt: number;
  readonly target: RestoreTarget;
  /** Set when the job is bound to fail, with AWS Backup's status message. */
  readonly failure?: string | undefined;
  /** Set once the job has finished: what it ended as (a restore into an existing table fails then). */
  outcome?: { status: "COMPLETED"; createdResourceArn: string } | { status: "FAILED"; message: string };
  validation?: { status: string; message: string; at: number };
}

export interface TableRecord {
  readonly name: string;
  readonly arn: string;
  readonly itemCount: number;
  readonly sizeBytes: number;
  readonly createdAt: number;
  readonly deletionProtection: boolean;
  readonly tags: Record<string, string>;
  /** Items are generated from this table's name (the source's, for a restored copy). */
  readonly itemsOf: string;
  readonly restoredBy?: string | undefined;
}

export interface ResourceState {
  readonly repositories: Map<string, RepositoryRecord>;
  readonly volumes: Map<string, VolumeRecord>;
  readonly snapshots: Map<string, SnapshotRecord>;
  readonly amis: Map<string, AmiRecord>;
  readonly addresses: Map<string, AddressRecord>;
  readonly logGroups: Map<string, LogGroupRecord>;
  readonly recoveryPoints: RecoveryPointRecord[];
  readonly restoreJobs: Map<string, RestoreJobRecord>;
  readonly tables: Map<string, TableRecord>;
  readonly budgets: SandboxSeed["budgets"];
  /** Counters for new ids; ids are derived from them so runs are repeatable. */
  readonly counters: Map<string, number>;
}

export const BYTES_PER_ITEM = 512;
const MIB = 1_048_576;

/** Builds the storage-side resources from a validated seed, times resolved against `start`. */
export function buildResources(seed: SandboxSeed, start: number): ResourceState {
  const at = (ref: TimeRef) => resolveTime(ref, start);
  const optional = (ref: TimeRef | undefined) => (ref === undefined ? undefined : at(ref));
  const { account, region } = seed;
  return {
    repositories: new Map(
      Object.entries(seed.ecr.repositories).map(([name, repo]) => [
        name,
        {
          name,
          arn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
          tags: { ...repo.tags },
          images: repo.images.map((image) => ({
            digest: image.digest,
            tags: [...image.tags],
            pushedAt: at(image.pushedAt),
            lastPulledAt: optional(image.lastPulledAt),
            sizeMiB: image.sizeMiB,
          })),
        },
      ]),
    ),
    volumes: new Map(
      seed.ec2.volumes.map((v) => [
        v.id,
        {
          id: v.id,
          sizeGiB: v.sizeGiB,
          type: v.type,
          state: v.state,
          attachedTo: v.attachedTo,
          snapshotId: v.snapshotId,
          createdAt: at(v.createdAt),
          tags: { ...v.tags },
        },
      ]),
    ),
    snapshots: new Map(
      seed.ec2.snapshots.map((s) => [
        s.id,
        {
          id: s.id,
          volumeId: s.volumeId,
          sizeGiB: s.sizeGiB,
          startedAt: at(s.startedAt),
          description: s.description ?? "",
          tags: { ...s.tags },
        },
      ]),
    ),
    amis: new Map(
      seed.ec2.images.map((image) => [
        image.imageId,
        {
          imageId: image.imageId,
          name: image.name,
          snapshotIds: [...image.snapshotIds],
          createdAt: optional(image.createdAt) ?? start - 30 * 86_400_000,
          tags: { ...image.tags },
        },
      ]),
    ),
    addresses: new Map(
      seed.ec2.elasticIps.map((a) => [
        a.allocationId,
        {
          allocationId: a.allocationId,
          publicIp: a.publicIp,
          associatedWith: a.associatedWith,
          associationId:
            a.associatedWith === undefined
              ? undefined
              : (a.associationId ?? `eipassoc-${hexId(`association:${a.allocationId}`)}`),
          tags: { ...a.tags },
        },
      ]),
    ),
    logGroups: new Map(
      seed.logs.groups.map((g) => [
        g.name,
        {
          name: g.name,
          retentionDays: g.retentionDays,
          storedMiB: g.storedMiB,
          createdAt: at(g.createdAt),
          tags: { ...g.tags },
        },
      ]),
    ),
    recoveryPoints: seed.backup.recoveryPoints.map((p) => ({
      arn: p.arn,
      resourceArn: p.resourceArn,
      resourceType: p.resourceType,
      vault: p.vault,
      status: p.status,
      createdAt: at(p.createdAt),
      completedAt: optional(p.completedAt),
      sizeMiB: p.sizeMiB,
      itemCount: p.itemCount,
      restoreDurationMs: p.restoreDuration,
      corrupt: p.corrupt,
      restoreFails: p.restoreFails,
      iamRoleArn: p.iamRoleArn ?? `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`,
    })),
    restoreJobs: new Map(),
    tables: new Map(
      Object.entries(seed.dynamodb.tables).map(([name, table]) => [
        name,
        {
          name,
          arn: tableArn(region, account, name),
          itemCount: table.itemCount,
          sizeBytes: table.sizeBytes ?? table.itemCount * BYTES_PER_ITEM,
          createdAt: start - 400 * 86_400_000,
          deletionProtection: table.deletionProtection,
          tags: { ...table.tags },
          itemsOf: name,
        },
      ]),
    ),
    budgets: seed.budgets,
    counters: new Map(),
  };
}

export function tableArn(region: string, account: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
}

export function volumeArn(region: string, account: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:volume/${id}`;
}

/** 17 lowercase hex digits derived from `key`, the length of today's EC2 ids. */
export function hexId(key: string): string {
  const high = hashString(`${key}#1`).toString(16).padStart(8, "0");
  const low = hashString(`${key}#2`).toString(16).padStart(8, "0");
  return `0${high}${low}`;
}

/** The next id of a kind (`vol`, `snap`, a restore job), never one in use. */
export function nextId(
  state: ResourceState,
  kind: string,
  format: (key: string) => string,
  taken: (id: string) => boolean,
): string {
  for (;;) {
    const n = (state.counters.get(kind) ?? 0) + 1;
    state.counters.set(kind, n);
    const id = format(`${kind}:${n}`);
    if (!taken(id)) return id;
  }
}

/** A restore job id as AWS Backup prints them (upper-case, UUID-shaped), derived from `key`. */
export function restoreJobIdFrom(key: string): string {
  const hex = (hexId(key).slice(1) + hexId(`${key}/more`).slice(1)).toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Where a restore job stands at `t`. */
export function restoreJobStatusAt(job: RestoreJobRecord, t: number): RestoreJobStatus {
  if (t < job.runningAt) return "PENDING";
  if (t < job.finishesAt || job.outcome === undefined) return "RUNNING";
  return job.outcome.status;
}

/**
 * Finishes every restore job whose time has come, oldest first: a table or volume appears at the moment
 * the job completes (and a restore into a table that exists by then fails, as on AWS).
 */
export function settleRestoreJobs(state: ResourceState, region: string, account: string, t: number): void {
  const due = [...state.restoreJobs.values()]
    .filter((job) => job.outcome === undefined && job.finishesAt <= t)
    .sort((a, b) => a.finishesAt - b.finishesAt);
  for (const job of due) {
    if (job.failure !== undefined) {
      job.outcome = { status: "FAILED", message: job.failure };
      continue;
    }
    const { target } = job;
    if (target.kind === "table") {
      if (state.tables.has(target.tableName)) {
        job.outcome = { status: "FAILED", message: `Table already exists: ${target.tableName}` };
        continue;
      }
      const arn = tableArn(region, account, target.tableName);
      state.tables.set(target.tableName, {
        name: target.tableName,
        arn,
        itemCount: target.itemCount,
        sizeBytes: target.itemCount * BYTES_PER_ITEM,
        createdAt: job.finishesAt,
        deletionProtection: false,
        tags: {},
        itemsOf: target.sourceTable,
        restoredBy: job.id,
      });
      job.outcome = { status: "COMPLETED", createdResourceArn: arn };
    } else {
      state.volumes.set(target.volumeId, {
        id: target.volumeId,
        sizeGiB: target.sizeGiB,
        type: "gp3",
        state: "available",
        snapshotId: target.snapshotId,
        createdAt: job.finishesAt,
        tags: {},
      });
      job.outcome = { status: "COMPLETED", createdResourceArn: volumeArn(region, account, target.volumeId) };
    }
  }
}

const ITEM_STATUSES = ["PENDING", "PAID", "SHIPPED", "DELIVERED", "RETURNED"] as const;

/**
 * Item `index` of a table: the same for a source table and every copy restored from it, so a sample
 * read from a restore can be compared with the source by key.
 */
export function generateItem(source: string, index: number, start: number): Record<string, unknown> {
  const seed = hashString(`dynamodb:${source}`);
  const n = index + 1;
  return {
    pk: `${source}#${String(n).padStart(7, "0")}`,
    sk: "v1",
    sequence: n,
    status: ITEM_STATUSES[Math.floor(uniform(seed, index, 0) * ITEM_STATUSES.length)] ?? "PENDING",
    amountCents: 100 + Math.floor(uniform(seed, index, 1) * 99_900),
    updatedAt: iso(start - Math.floor(uniform(seed, index, 2) * 90 * 86_400_000)),
  };
}

// --- The view the dashboard and tests read ---------------------------------------------------------------

/** The storage-side estate as it stands, plain JSON (times ISO 8601). */
export interface SandboxResources {
  ecr: {
    repositories: Record<
      string,
      {
        arn: string;
        tags: Record<string, string>;
        images: {
          digest: string;
          tags: string[];
          pushedAt: string;
          lastPulledAt?: string;
          sizeMiB: number;
        }[];
      }
    >;
  };
  ec2: {
    volumes: {
      id: string;
      sizeGiB: number;
      type: string;
      state: "available" | "in-use";
      attachedTo?: string;
      snapshotId?: string;
      createdAt: string;
      tags: Record<string, string>;
    }[];
    snapshots: {
      id: string;
      volumeId: string;
      sizeGiB: number;
      startedAt: string;
      description: string;
      tags: Record<string, string>;
    }[];
    images: {
      imageId: string;
      name?: string;
      snapshotIds: string[];
      createdAt: string;
      tags: Record<string, string>;
    }[];
    elasticIps: {
      allocationId: string;
      publicIp: string;
      associatedWith?: string;
      associationId?: string;
      tags: Record<string, string>;
    }[];
  };
  logs: {
    groups: {
      name: string;
      retentionDays?: number;
      storedMiB: number;
      createdAt: string;
      tags: Record<string, string>;
    }[];
  };
  backup: {
    recoveryPoints: {
      arn: string;
      resourceArn: string;
      resourceType: string;
      vault: string;
      status: string;
      createdAt: string;
      completedAt?: string;
      sizeMiB?: number;
      itemCount?: number;
      corrupt: boolean;
      restoreFails: boolean;
    }[];
    restoreJobs: {
      restoreJobId: string;
      recoveryPointArn: string;
      status: RestoreJobStatus;
      statusMessage?: string;
      createdResourceArn?: string;
      createdAt: string;
      completedAt?: string;
      validation?: { status: string; message: string; at: string };
    }[];
  };
  dynamodb: {
    tables: {
      name: string;
      arn: string;
      itemCount: number;
      sizeBytes: number;
      createdAt: string;
      deletionProtection: boolean;
      tags: Record<string, string>;
      restoredBy?: string;
    }[];
  };
  budgets: SandboxSeed["budgets"];
}

/** `T` with every property that may be undefined made optional instead, as JSON has it. */
type WithoutUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const defined = <T extends Record<string, unknown>>(value: T): WithoutUndefined<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as WithoutUndefined<T>;
const optionalIso = (t: number | undefined) => (t === undefined ? undefined : iso(t));

/** The resources at `t` (restore jobs settled by the caller). */
export function viewResources(state: ResourceState, t: number): SandboxResources {
  return {
    ecr: {
      repositories: Object.fromEntries(
        [...state.repositories.values()].map((repo) => [
          repo.name,
          {
            arn: repo.arn,
            tags: { ...repo.tags },
            images: repo.images.map((image) =>
              defined({
                digest: image.digest,
                tags: [...image.tags],
                pushedAt: iso(image.pushedAt),
                lastPulledAt: optionalIso(image.lastPulledAt),
                sizeMiB: image.sizeMiB,
              }),
            ),
          },
        ]),
      ),
    },
    ec2: {
      volumes: [...state.volumes.values()].map((v) =>
        defined({ ...v, createdAt: iso(v.createdAt), tags: { ...v.tags } }),
      ),
      snapshots: [...state.snapshots.values()].map((s) => ({
        ...s,
        startedAt: iso(s.startedAt),
        tags: { ...s.tags },
      })),
      images: [...state.amis.values()].map((a) =>
        defined({ ...a, snapshotIds: [...a.snapshotIds], createdAt: iso(a.createdAt), tags: { ...a.tags } }),
      ),
      elasticIps: [...state.addresses.values()].map((a) => defined({ ...a, tags: { ...a.tags } })),
    },
    logs: {
      groups: [...state.logGroups.values()].map((g) =>
        defined({ ...g, createdAt: iso(g.createdAt), tags: { ...g.tags } }),
      ),
    },
    backup: {
      recoveryPoints: state.recoveryPoints.map((p) =>
        defined({
          arn: p.arn,
          resourceArn: p.resourceArn,
          resourceType: p.resourceType,
          vault: p.vault,
          status: p.status,
          createdAt: iso(p.createdAt),
          completedAt: optionalIso(p.completedAt),
          sizeMiB: p.sizeMiB,
          itemCount: p.itemCount,
          corrupt: p.corrupt,
          restoreFails: p.restoreFails,
        }),
      ),
      restoreJobs: [...state.restoreJobs.values()].map((job) => describeJob(job, t)),
    },
    dynamodb: {
      tables: [...state.tables.values()].map((table) =>
        defined({
          name: table.name,
          arn: table.arn,
          itemCount: table.itemCount,
          sizeBytes: table.sizeBytes,
          createdAt: iso(table.createdAt),
          deletionProtection: table.deletionProtection,
          tags: { ...table.tags },
          restoredBy: table.restoredBy,
        }),
      ),
    },
    budgets: state.budgets,
  };
}

function describeJob(job: RestoreJobRecord, t: number): SandboxResources["backup"]["restoreJobs"][number] {
  const status = restoreJobStatusAt(job, t);
  const outcome = status === "COMPLETED" || status === "FAILED" ? job.outcome : undefined;
  return defined({
    restoreJobId: job.id,
    recoveryPointArn: job.recoveryPointArn,
    status,
    statusMessage: outcome?.status === "FAILED" ? outcome.message : undefined,
    createdResourceArn: outcome?.status === "COMPLETED" ? outcome.createdResourceArn : undefined,
    createdAt: iso(job.createdAt),
    completedAt: outcome === undefined ? undefined : iso(job.finishesAt),
    validation: job.validation === undefined ? undefined : { ...job.validation, at: iso(job.validation.at) },
  });
}

/** MiB to bytes, as the APIs report sizes. */
export function mebibytes(miB: number): number {
  return Math.round(miB * MIB);
}
