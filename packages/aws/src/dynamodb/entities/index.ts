import type { EntityConfiguration } from "electrodb";
import { createApprovalEntity } from "./approval.ts";
import { createAuditEntity } from "./audit.ts";
import { createBackupReportEntity } from "./backup-report.ts";
import { createCleanupMarkEntity } from "./cleanup-mark.ts";
import { createCooldownEntity } from "./cooldown.ts";
import { createDedupeEntity } from "./dedupe.ts";
import { createDeploymentEntity } from "./deployment.ts";
import { createLeaseEntity } from "./lease.ts";
import { createRateWindowEntity } from "./rate-window.ts";
import { createRecommendationEntity } from "./recommendation.ts";
import { createRunEntity } from "./run.ts";
import { createSlackThreadEntity } from "./slack-thread.ts";
import { createSwitchEntity } from "./switch.ts";

/**
 * Every entity of the table, bound to one table and client (entities are built per store, never shared
 * between clients).
 *
 * @example
 * const entities = createEntities({ table: "architech", client: DynamoDBDocumentClient.from(new DynamoDBClient({})) });
 * await entities.run.get({ id }).go();
 */
export function createEntities(config: EntityConfiguration & { table: string }) {
  return {
    run: createRunEntity(config),
    lease: createLeaseEntity(config),
    dedupe: createDedupeEntity(config),
    cooldown: createCooldownEntity(config),
    rateWindow: createRateWindowEntity(config),
    deployment: createDeploymentEntity(config),
    cleanupMark: createCleanupMarkEntity(config),
    approval: createApprovalEntity(config),
    recommendation: createRecommendationEntity(config),
    backupReport: createBackupReportEntity(config),
    switch: createSwitchEntity(config),
    slackThread: createSlackThreadEntity(config),
    audit: createAuditEntity(config),
  };
}
export type Entities = ReturnType<typeof createEntities>;
