import type { EcrPort } from "../ports/ecr.ts";
import type { AccountPorts } from "../ports/index.ts";
import { buildCleanupDigest } from "../slack/blocks/index.ts";
import type { CleanupMark } from "../store/cleanup-mark.ts";
import { markRunning } from "./steps/common.ts";
import {
  RunbookStepError,
  type StepCall,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./steps/context.ts";

/** Tags cleanup reads and writes. */
export const KEEP_TAG = "architech:keep";
export const EXPIRES_TAG = "architech:expires-at";
export const CLEANUP_AFTER_TAG = "architech:cleanup-after";
/**
 * An owner's snooze: `<date>` or `<date> <reason>`; the resource is left alone until that date, then
 * judged again. (`architech:keep` opts it out for good; its value is the reason.)
 */
export const SNOOZE_TAG = "architech:snooze-until";
/** Put on the snapshot taken of a volume before it is deleted; such snapshots are never cleaned up. */
export const SAFETY_SNAPSHOT_TAG = "architech:deleted-volume";
const CLOUDFORMATION_TAG = "aws:cloudformation:stack-name";
const BACKUP_SOURCE_TAG = "aws:backup:source-resource";

type Kind = "ecr-image" | "ebs-volume" | "ebs-snapshot" | "elastic-ip";

/** A resource found stale: what it is, whose it is, why it is stale. */
export interface CleanupCandidate extends Record<string, unknown> {
  kind: Kind;
  /** Store key of the resource (`ebs-volume:vol-…`, `ecr-image:repo@sha256:…`). */
  key: string;
  id: string;
  repositoryName?: string;
  owner?: string;
  reason: string;
}

export interface CleanupFindings extends Record<string, unknown> {
  candidates: CleanupCandidate[];
  protected: { key: string; reason: string }[];
  /** Log groups without retention: they get one, they are never deleted. */
  withoutRetention: string[];
  /** How many resources of each kind exist, for the blast radius in percent. */
  totals: Record<string, number>;
  approvalTimeoutSeconds?: number;
  summary: string;
}

interface Params {
  kinds: string[];
  olderThan: number;
  keepNewestImages: number;
  gracePeriod: number;
  allowDelete: boolean;
  allowCloudFormationManaged: boolean;
  logRetentionDays: number;
}

function params(call: StepCall): Params {
  const p = call.run.params as Partial<Params>;
  return {
    kinds: p.kinds ?? [
      "ecr-image",
      "ebs-volume",
      "ebs-snapshot",
      "elastic-ip",
      "log-group-retention",
      "expired",
    ],
    olderThan: p.olderThan ?? 30 * 86_400_000,
    keepNewestImages: p.keepNewestImages ?? 10,
    gracePeriod: p.gracePeriod ?? 7 * 86_400_000,
    allowDelete: p.allowDelete ?? false,
    allowCloudFormationManaged: p.allowCloudFormationManaged ?? false,
    logRetentionDays: p.logRetentionDays ?? 30,
  };
}

function need<K extends "ecr" | "ec2" | "logs" | "backup">(
  ports: AccountPorts,
  name: K,
): NonNullable<AccountPorts[K]> {
  const port = ports[name];
  if (!port)
    throw new RunbookStepError(`cleanup needs the ${name} port, which this runtime does not provide`);
  return port as NonNullable<AccountPorts[K]>;
}

/** Why a resource must be left alone whatever its age, or undefined. */
function protection(tags: Record<string, string>, p: Params, now: number = Date.now()): string | undefined {
  if (KEEP_TAG in tags) return `tagged ${KEEP_TAG}`;
  const snooze = tags[SNOOZE_TAG];
  if (snooze !== undefined) {
    const [until = "", ...reason] = snooze.trim().split(/\s+/);
    const when = Date.parse(until);
    if (!Number.isFinite(when))
      return `${SNOOZE_TAG} "${snooze}" is not a date: left alone until it is fixed`;
    if (when > now)
      return `snoozed by its owner until ${until}${reason.length > 0 ? `: ${reason.join(" ")}` : ""}`;
  }
  if (CLOUDFORMATION_TAG in tags && !p.allowCloudFormationManaged) {
    return `managed by CloudFormation stack ${tags[CLOUDFORMATION_TAG]}`;
  }
  return undefined;
}

function expired(tags: Record<string, string>, now: number): string | undefined {
  const at = tags[EXPIRES_TAG];
  if (at === undefined) return undefined;
  const when = Date.parse(at);
  return Number.isFinite(when) && when <= now ? `${EXPIRES_TAG} ${at} has passed` : undefined;
}

const days = (ms: number) => Math.round(ms / 86_400_000);

/** Image digests that a running service's task definition uses: never cleaned up. */
async function digestsInUse({ ports }: StepContext): Promise<Set<string>> {
  const inUse = new Set<string>();
  for (const { cluster, service } of await ports.ecs.listServices()) {
    const described = await ports.ecs.describeService(cluster, service);
    for (const deployment of described.deployments) {
      if (deployment.status === "INACTIVE") continue;
      const taskDefinition = await ports.ecs.describeTaskDefinition(deployment.taskDefinitionArn);
      for (const container of taskDefinition.containers) {
        const digest = /@(sha256:[a-f0-9]{64})$/.exec(container.image)?.[1];
        if (digest) inUse.add(digest);
      }
    }
  }
  return inUse;
}

async function findImages(
  ecr: EcrPort,
  context: StepContext,
  p: Params,
  now: number,
  findings: CleanupFindings,
) {
  const inUse = await digestsInUse(context);
  let total = 0;
  for (const repository of await ecr.listRepositories()) {
    const images = (await ecr.listImages(repository.repositoryName)).sort(
      (a, b) => Date.parse(b.pushedAt) - Date.parse(a.pushedAt),
    );
    total += images.length;
    const repoProtection = protection(repository.tags, p, now);
    for (const [index, image] of images.entries()) {
      const key = `ecr-image:${repository.repositoryName}@${image.imageDigest}`;
      const age = now - Date.parse(image.pushedAt);
      const untagged = image.imageTags.length === 0;
      const beyondNewest = index >= p.keepNewestImages;
      if (age < p.olderThan || (!untagged && !beyondNewest)) continue;
      const lastPulled = image.lastPulledAt ? Date.parse(image.lastPulledAt) : undefined;
      const why =
        repoProtection ??
        (inUse.has(image.imageDigest) ? "used by a running service's task definition" : undefined) ??
        (lastPulled !== undefined && now - lastPulled < p.olderThan
          ? `pulled ${days(now - lastPulled)} days ago`
          : undefined);
      if (why) {
        findings.protected.push({ key, reason: why });
        continue;
      }
      findings.candidates.push({
        kind: "ecr-image",
        key,
        id: image.imageDigest,
        repositoryName: repository.repositoryName,
        ...(repository.tags.owner ? { owner: repository.tags.owner } : {}),
        reason: `${untagged ? "untagged" : `beyond the newest ${p.keepNewestImages}`}, pushed ${days(age)} days ago`,
      });
    }
  }
  findings.totals["ecr-image"] = total;
}

/**
 * Finds what is stale, kind by kind, and what is protected and why: `architech:keep`, CloudFormation
 * stacks (unless the policy allows them), images a running service uses or that were pulled recently,
 * snapshots an AMI or an AWS Backup recovery point uses, snapshots taken before deleting a volume.
 */
export const find: StepHandler = async (call, context) => {
  const { ports, clock } = context;
  const p = params(call);
  const now = clock.now().getTime();
  const findings: CleanupFindings = {
    candidates: [],
    protected: [],
    withoutRetention: [],
    totals: {},
    summary: "",
  };
  const wants = (kind: string) => p.kinds.includes(kind);
  const consider = (
    kind: Kind,
    key: string,
    id: string,
    tags: Record<string, string>,
    staleBecause: string | undefined,
  ) => {
    const isExpired = wants("expired") ? expired(tags, now) : undefined;
    const reason = (wants(kind) ? staleBecause : undefined) ?? isExpired;
    if (!reason) return;
    const why = protection(tags, p, now);
    if (why) {
      findings.protected.push({ key, reason: why });
      return;
    }
    findings.candidates.push({ kind, key, id, ...(tags.owner ? { owner: tags.owner } : {}), reason });
  };

  if (wants("ecr-image")) await findImages(need(ports, "ecr"), context, p, now, findings);

  if (wants("ebs-volume") || wants("ebs-snapshot") || wants("elastic-ip") || wants("expired")) {
    const ec2 = need(ports, "ec2");
    const volumes = await ec2.listVolumes();
    findings.totals["ebs-volume"] = volumes.length;
    for (const volume of volumes) {
      const age = now - Date.parse(volume.createdAt);
      // EC2 reports no detach time: an available volume older than the threshold is a candidate, and the
      // grace period that follows its mark is the observed time it stays unattached.
      const stale =
        volume.state === "available" && age >= p.olderThan
          ? `unattached, created ${days(age)} days ago`
          : undefined;
      if (volume.state === "available")
        consider("ebs-volume", `ebs-volume:${volume.volumeId}`, volume.volumeId, volume.tags, stale);
    }
    const snapshots = await ec2.listSnapshots();
    findings.totals["ebs-snapshot"] = snapshots.length;
    const usedByImages = new Set(await ec2.listSnapshotIdsUsedByImages());
    const backups = new Set(await need(ports, "backup").listAllRecoveryPointArns());
    for (const snapshot of snapshots) {
      const key = `ebs-snapshot:${snapshot.snapshotId}`;
      const isBackup =
        [...backups].some((arn) => arn.endsWith(`:snapshot/${snapshot.snapshotId}`)) ||
        BACKUP_SOURCE_TAG in snapshot.tags;
      const held = usedByImages.has(snapshot.snapshotId)
        ? "used by an AMI"
        : isBackup
          ? "an AWS Backup recovery point"
          : SAFETY_SNAPSHOT_TAG in snapshot.tags
            ? "taken before deleting a volume"
            : undefined;
      if (held) {
        findings.protected.push({ key, reason: held });
        continue;
      }
      const age = now - Date.parse(snapshot.startedAt);
      consider(
        "ebs-snapshot",
        key,
        snapshot.snapshotId,
        snapshot.tags,
        age >= p.olderThan ? `created ${days(age)} days ago, used by no AMI and no backup` : undefined,
      );
    }
    const addresses = await ec2.listAddresses();
    findings.totals["elastic-ip"] = addresses.length;
    for (const address of addresses) {
      if (address.associationId) continue;
      consider(
        "elastic-ip",
        `elastic-ip:${address.allocationId}`,
        address.allocationId,
        address.tags,
        `${address.publicIp} is associated with nothing`,
      );
    }
  }

  if (wants("log-group-retention")) {
    for (const group of await need(ports, "logs").listLogGroups()) {
      if (group.retentionInDays !== undefined) continue;
      if (protection(group.tags, p)) {
        findings.protected.push({
          key: `log-group:${group.logGroupName}`,
          reason: protection(group.tags, p) ?? "",
        });
        continue;
      }
      findings.withoutRetention.push(group.logGroupName);
    }
  }
  findings.approvalTimeoutSeconds = Math.max(
    60,
    Math.ceil((call.run.approval?.deadlineMs ?? 3_600_000) / 1000),
  );
  findings.summary = `${findings.candidates.length} stale resource(s), ${findings.protected.length} protected, ${findings.withoutRetention.length} log group(s) without retention`;
  return findings;
};

/**
 * Marks what is newly stale: a CleanupMark due after the grace period and the `architech:cleanup-after`
 * tag where the resource takes tags (ECR images do not); sets retention on log groups without one.
 */
export const mark: StepHandler = async (call, context) => {
  const { ports, store, clock } = context;
  const findings = stepResult<CleanupFindings>(call.state, "found");
  if (!findings) throw new RunbookStepError("mark: nothing was found first");
  const p = params(call);
  await markRunning(call, context);
  const deleteAfter = new Date(clock.now().getTime() + p.gracePeriod).toISOString();
  const marked: CleanupCandidate[] = [];
  for (const candidate of findings.candidates) {
    const result = await store.markForCleanup({
      resource: candidate.key,
      resourceType: candidate.kind,
      policy: call.run.policy,
      ...(candidate.owner ? { owner: candidate.owner } : {}),
      reason: candidate.reason,
      deleteAfter,
      runId: call.run.runId,
    });
    if (!result.marked) continue;
    marked.push(candidate);
    if (candidate.kind !== "ecr-image") {
      await need(ports, "ec2").createTags([candidate.id], { [CLEANUP_AFTER_TAG]: deleteAfter });
    }
  }
  for (const logGroupName of findings.withoutRetention) {
    await need(ports, "logs").putRetentionPolicy(logGroupName, p.logRetentionDays);
    await store.appendAudit({
      kind: "action",
      action: "retention-set",
      actor: "workflow",
      reason: `${logGroupName} kept events forever; retention set to ${p.logRetentionDays} days`,
      policy: call.run.policy,
      runId: call.run.runId,
    });
  }
  return { marked: marked.map((c) => c.key), deleteAfter, markedCandidates: marked };
};

/** Tells owners what was marked: one digest per owner (resources without an `owner` tag go to the channel). */
export const notifyOwners: StepHandler = async (call, { ports, store }) => {
  const marked = stepResult<{ markedCandidates: CleanupCandidate[]; deleteAfter: string }>(
    call.state,
    "marked",
  );
  const byOwner = new Map<string, CleanupCandidate[]>();
  for (const candidate of marked?.markedCandidates ?? []) {
    const owner = candidate.owner ?? "(no owner tag)";
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), candidate]);
  }
  for (const [owner, candidates] of byOwner) {
    const lines = candidates.map((c) => `• ${c.key} — ${c.reason}`);
    const digest = buildCleanupDigest({
      owner,
      resources: candidates,
      deleteAfter: marked?.deleteAfter ?? "",
      keepTag: KEEP_TAG,
      snoozeTag: SNOOZE_TAG,
      policy: call.run.policy,
      runId: call.run.runId,
    });
    await ports.notifier.notify({
      channel: call.run.notify?.slack ?? "#architech",
      runId: call.run.runId,
      severity: "warning",
      text: `${owner}: ${candidates.length} resource(s) marked for cleanup after ${marked?.deleteAfter}. Tag ${KEEP_TAG}=<reason> to keep one, or ${SNOOZE_TAG}=<date> <reason> to snooze it.\n${lines.join("\n")}`,
      ...(digest.blocks ? { blocks: digest.blocks } : {}),
    });
    for (const candidate of candidates)
      await store.updateCleanupMark({ resource: candidate.key, status: "notified" });
  }
  return { owners: [...byOwner.keys()], digests: byOwner.size };
};

export interface SweepPlan extends Record<string, unknown> {
  deletable: CleanupCandidate[];
  deletableCount: number;
  spared: { key: string; reason: string }[];
  cap: number;
  exceedsCap: boolean;
  allowDelete: boolean;
  approvalTimeoutSeconds: number;
  summary: string;
}

/**
 * Due marks of this policy, re-checked against what is stale now: a resource that is no longer stale
 * (attached again, tagged keep, deleted by someone) is spared. What remains may be deleted — when the
 * policy allows deleting, and within the blast radius per kind (count and percent); over it, the run asks.
 */
export const sweepPlan: StepHandler = async (call, { store, clock }) => {
  const findings = stepResult<CleanupFindings>(call.state, "found");
  if (!findings) throw new RunbookStepError("sweep-plan: nothing was found first");
  const p = params(call);
  const now = clock.now().toISOString();
  const due: CleanupMark[] = [];
  for (const status of ["marked", "notified"] as const) {
    const page = await store.listCleanupMarks({ status, dueBefore: now, limit: 1000 });
    due.push(...page.items.filter((m) => m.policy === call.run.policy));
  }
  const stillStale = new Map(findings.candidates.map((c) => [c.key, c]));
  const deletable: CleanupCandidate[] = [];
  const spared: { key: string; reason: string }[] = [];
  for (const mark of due) {
    const candidate = stillStale.get(mark.resource);
    if (candidate) {
      deletable.push(candidate);
      continue;
    }
    const protectedBecause = findings.protected.find((x) => x.key === mark.resource)?.reason;
    const reason = protectedBecause ? `now ${protectedBecause}` : "no longer stale (in use again, or gone)";
    spared.push({ key: mark.resource, reason });
    await store.updateCleanupMark({ resource: mark.resource, status: "spared", reason });
  }
  const radius = call.run.blastRadius;
  let cap = deletable.length;
  const perKind = new Map<string, number>();
  for (const candidate of deletable) perKind.set(candidate.kind, (perKind.get(candidate.kind) ?? 0) + 1);
  let exceedsCap = false;
  for (const [kind, count] of perKind) {
    const byCount = radius?.maxCount ?? Number.POSITIVE_INFINITY;
    const byPercent =
      radius?.maxPercent !== undefined
        ? Math.floor(((findings.totals[kind] ?? 0) * radius.maxPercent) / 100)
        : Number.POSITIVE_INFINITY;
    const kindCap = Math.min(byCount, byPercent);
    if (count > kindCap) exceedsCap = true;
    cap = Math.min(cap, Number.isFinite(kindCap) ? kindCap : cap);
  }
  return {
    deletable,
    deletableCount: deletable.length,
    spared,
    cap,
    exceedsCap,
    allowDelete: p.allowDelete,
    approvalTimeoutSeconds: Math.max(60, Math.ceil((call.run.approval?.deadlineMs ?? 3_600_000) / 1000)),
    summary: p.allowDelete
      ? `${deletable.length} due for deletion, ${spared.length} spared${exceedsCap ? `; over the blast radius (${cap}): asking first` : ""}`
      : `${deletable.length} due for deletion, ${spared.length} spared; deleting is off for this policy, nothing deleted`,
  } satisfies SweepPlan;
};

/** Deletes what the sweep plan holds: a volume is snapshotted first; every deletion is audited. */
export const sweep: StepHandler = async (call, { ports, store }) => {
  const plan = stepResult<SweepPlan>(call.state, "sweepPlan");
  if (!plan) throw new RunbookStepError("sweep: no sweep plan");
  if (!plan.allowDelete) throw new RunbookStepError("sweep: the policy does not allow deleting");
  const deleted: string[] = [];
  for (const candidate of plan.deletable) {
    let snapshotId: string | undefined;
    switch (candidate.kind) {
      case "ebs-volume": {
        const ec2 = need(ports, "ec2");
        snapshotId = (
          await ec2.createSnapshot(candidate.id, `before deleting ${candidate.id} (${call.run.policy})`, {
            [SAFETY_SNAPSHOT_TAG]: candidate.id,
          })
        ).snapshotId;
        await ec2.deleteVolume(candidate.id);
        break;
      }
      case "ebs-snapshot":
        await need(ports, "ec2").deleteSnapshot(candidate.id);
        break;
      case "elastic-ip":
        await need(ports, "ec2").releaseAddress(candidate.id);
        break;
      case "ecr-image": {
        const result = await need(ports, "ecr").deleteImages(candidate.repositoryName ?? "", [candidate.id]);
        if (result.deleted.length === 0) {
          throw new RunbookStepError(
            `deleting ${candidate.key} failed: ${result.failures[0]?.reason ?? "unknown"}`,
          );
        }
        break;
      }
    }
    await store.updateCleanupMark({
      resource: candidate.key,
      status: "deleted",
      ...(snapshotId ? { snapshotId } : {}),
    });
    await store.appendAudit({
      kind: "action",
      action: "deleted",
      actor: "workflow",
      reason: `${candidate.key}: ${candidate.reason}${snapshotId ? `; snapshot ${snapshotId} kept` : ""}`,
      policy: call.run.policy,
      target: candidate.key,
      runId: call.run.runId,
    });
    deleted.push(candidate.key);
  }
  return { deleted, detail: `deleted ${deleted.length} resource(s)` };
};

export const cleanupSteps: Record<string, StepHandler> = {
  find,
  mark,
  "notify-owners": notifyOwners,
  "sweep-plan": sweepPlan,
  sweep,
};
