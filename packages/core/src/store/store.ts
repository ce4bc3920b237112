import type { ApprovalStore } from "./approval.ts";
import type { AuditLog } from "./audit.ts";
import type { BackupReportStore } from "./backup-report.ts";
import type { CleanupMarkStore } from "./cleanup-mark.ts";
import type { CooldownStore } from "./cooldown.ts";
import type { DedupeStore } from "./dedupe.ts";
import type { DeploymentStore } from "./deployment.ts";
import type { LeaseStore } from "./lease.ts";
import type { RateLimitStore } from "./rate-limit.ts";
import type { RecommendationStore } from "./recommendation.ts";
import type { RunStore } from "./run.ts";
import type { SlackThreadStore } from "./slack-thread.ts";
import type { SwitchStore } from "./switch.ts";

/**
 * Everything the control plane remembers, as one port. Every method validates its input before writing
 * (bad input throws `StoreError` `InvalidStoreInput` and writes nothing), every write is a single-item
 * conditional write, and contended operations return an explicit result instead of throwing.
 *
 * @example
 * async function decide(store: Store, input: Decision) {
 *   const claim = await store.claimDedupe({ policy: input.policy, key: input.eventId, runId: input.runId, ttlMs: 86_400_000 });
 *   if (!claim.claimed) return { duplicateOf: claim.runId };
 *   // ...
 * }
 */
export interface Store
  extends RunStore,
    LeaseStore,
    DedupeStore,
    CooldownStore,
    RateLimitStore,
    DeploymentStore,
    CleanupMarkStore,
    ApprovalStore,
    RecommendationStore,
    BackupReportStore,
    SwitchStore,
    SlackThreadStore,
    AuditLog {}
