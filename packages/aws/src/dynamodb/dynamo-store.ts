import { randomFillSync } from "node:crypto";
import { createSortableId, nextSortableId, SORTABLE_ID_RANDOM_BYTES, type Store } from "@architech/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { StoreContext } from "./context.ts";
import { createEntities, type Entities } from "./entities/index.ts";
import { createApprovalStore } from "./stores/approval-store.ts";
import { createAuditLog } from "./stores/audit-log.ts";
import { createBackupReportStore } from "./stores/backup-report-store.ts";
import { createCleanupMarkStore } from "./stores/cleanup-mark-store.ts";
import { createCooldownStore } from "./stores/cooldown-store.ts";
import { createDedupeStore } from "./stores/dedupe-store.ts";
import { createDeploymentStore } from "./stores/deployment-store.ts";
import { createLeaseStore } from "./stores/lease-store.ts";
import { createRateLimitStore } from "./stores/rate-limit-store.ts";
import { createRecommendationStore } from "./stores/recommendation-store.ts";
import { createRunStore } from "./stores/run-store.ts";
import { createSlackThreadStore } from "./stores/slack-thread-store.ts";
import { createSwitchStore } from "./stores/switch-store.ts";

/** Options of {@link createDynamoStore}. */
export interface DynamoStoreOptions {
  /** A DynamoDB client (wrapped in a document client) or a document client. Create it once and share it. */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  /** The store's clock: every expiry, window and timestamp is computed from it. Default: system time. */
  readonly clock?: { now(): Date };
  /** Fills `bytes` with randomness, for audit ids. Default: `crypto.randomFillSync`. */
  readonly random?: (bytes: Uint8Array) => void;
}

/** A {@link Store} on DynamoDB, with the entities it is built on (for tooling and tests). */
export interface DynamoStore extends Store {
  readonly entities: Entities;
}

/**
 * The store on one DynamoDB table, modelled with ElectroDB. The same code runs against AWS, DynamoDB
 * Local and the embedded dynalite: only the client's endpoint differs. Every method validates its
 * input first, writes at most one item, and throws only `StoreError`.
 *
 * @example
 * const store = createDynamoStore({ client: new DynamoDBClient({}), tableName: config.tableName });
 * const lease = await store.acquireLease({ target, owner: runId, ttlMs: 900_000 });
 */
export function createDynamoStore(options: DynamoStoreOptions): DynamoStore {
  const client =
    options.client instanceof DynamoDBClient
      ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } })
      : options.client;
  const entities = createEntities({ client, table: options.tableName });
  const clock = options.clock ?? { now: () => new Date() };
  const random = options.random ?? ((bytes: Uint8Array) => void randomFillSync(bytes));
  let lastAuditId: string | undefined;
  const context: StoreContext = {
    entities,
    now: () => clock.now(),
    newAuditId: (at) => {
      const bytes = new Uint8Array(SORTABLE_ID_RANDOM_BYTES);
      random(bytes);
      const id = createSortableId(at, bytes);
      // Entries written one after another by this store sort in that order, even within a millisecond.
      lastAuditId = lastAuditId !== undefined && id <= lastAuditId ? nextSortableId(lastAuditId) : id;
      return lastAuditId;
    },
  };
  return {
    entities,
    ...createRunStore(context),
    ...createLeaseStore(context),
    ...createDedupeStore(context),
    ...createCooldownStore(context),
    ...createRateLimitStore(context),
    ...createDeploymentStore(context),
    ...createCleanupMarkStore(context),
    ...createApprovalStore(context),
    ...createRecommendationStore(context),
    ...createBackupReportStore(context),
    ...createSwitchStore(context),
    ...createSlackThreadStore(context),
    ...createAuditLog(context),
  };
}
