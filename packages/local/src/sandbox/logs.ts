import { type LogsPort, PortRequestError, ResourceNotFoundError } from "@architech/core";
import type { SandboxContext } from "./context.ts";
import { mebibytes } from "./resources.ts";
import { LOG_RETENTION_DAYS } from "./seed.ts";
import { iso } from "./timeline.ts";

export function logGroupTarget(name: string): string {
  return `log-group:${name}`;
}

/** The CloudWatch Logs port over the sandbox's log groups. */
export function createSandboxLogs(ctx: SandboxContext): LogsPort {
  const { estate } = ctx;
  const { logGroups } = estate.resources;
  return {
    async listLogGroups() {
      ctx.read({ operation: "logs.listLogGroups", target: "logs", resource: "log groups" });
      return [...logGroups.values()].map((group) => ({
        logGroupName: group.name,
        arn: `arn:aws:logs:${estate.region}:${estate.account}:log-group:${group.name}:*`,
        ...(group.retentionDays === undefined ? {} : { retentionInDays: group.retentionDays }),
        createdAt: iso(group.createdAt),
        storedBytes: mebibytes(group.storedMiB),
        tags: { ...group.tags },
      }));
    },

    async putRetentionPolicy(logGroupName, retentionInDays) {
      ctx.mutate(
        {
          operation: "logs.putRetentionPolicy",
          target: logGroupTarget(logGroupName),
          resource: `log group ${logGroupName}`,
        },
        (entry) => {
          const group = logGroups.get(logGroupName);
          if (group === undefined) throw new ResourceNotFoundError(`log group ${logGroupName}`);
          entry.before = { retentionInDays: group.retentionDays ?? null };
          if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retentionInDays)) {
            throw new PortRequestError(
              `InvalidParameterException: retentionInDays ${retentionInDays} is not one of ${LOG_RETENTION_DAYS.join(", ")}`,
            );
          }
          group.retentionDays = retentionInDays;
          entry.after = { retentionInDays };
        },
      );
    },
  };
}
