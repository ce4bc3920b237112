import type { Signal } from "./signal.ts";

function money(amount: number, currency: string | null): string {
  const value = amount.toFixed(2);
  return currency === "USD" ? `$${value}` : currency === null ? value : `${value} ${currency}`;
}

function where(signal: Signal, options: { time: boolean } = { time: true }): string {
  const place = [signal.account, signal.region].filter((part) => part !== null).join("/");
  const parts = [place, options.time ? (signal.time ?? "") : ""].filter((part) => part !== "");
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/**
 * One line a person can read, e.g. for logs and the `architech normalize` command.
 *
 * @example
 * describeSignal(signal); // 'alarm "checkout-api-cpu-high" OK → ALARM [ClusterName=prod ServiceName=checkout-api] (123456789012/eu-west-1, 2026-03-02T10:15:00.000Z)'
 */
export function describeSignal(signal: Signal): string {
  switch (signal.type) {
    case "alarm": {
      const dimensions = Object.entries(signal.dimensions).map(([name, value]) => `${name}=${value}`);
      const on = dimensions.length > 0 ? ` [${dimensions.join(" ")}]` : "";
      const from = signal.previousState === null ? "" : `${signal.previousState} → `;
      return `alarm "${signal.alarmName}" ${from}${signal.state}${on}${where(signal)}`;
    }
    case "image-push":
    case "image-delete": {
      const tag = signal.imageTag === null ? "" : `:${signal.imageTag}`;
      return `${signal.type} ${signal.repositoryName}${tag}@${signal.imageDigest} ${signal.result}${where(signal)}`;
    }
    case "deployment": {
      const service =
        signal.clusterName === null ? signal.serviceName : `${signal.clusterName}/${signal.serviceName}`;
      const rollback = signal.isRollback ? " (rollback)" : "";
      return `deployment ${service} ${signal.deploymentId} ${signal.status}${rollback}${where(signal)}`;
    }
    case "backup-job":
      return `backup-job ${signal.backupJobId} ${signal.state}${signal.completedWithIssues ? " (with issues)" : ""} ${
        signal.resourceArn ?? "(no resource)"
      }${where(signal)}`;
    case "restore-job": {
      const what = signal.resourceType === null ? "" : ` ${signal.resourceType}`;
      const from = signal.recoveryPointArn ?? signal.sourceResourceArn;
      return `restore-job ${signal.restoreJobId} ${signal.state}${what}${from === null ? "" : ` from ${from}`}${where(signal)}`;
    }
    case "schedule":
      return `schedule ${signal.scheduleName}${signal.policy === null ? "" : ` policy=${signal.policy}`} ${
        signal.trigger
      } at ${signal.scheduledTime}${where(signal, { time: false })}`;
    case "budget-threshold": {
      const percent =
        signal.amountPercent === null
          ? ""
          : ` = ${signal.amountPercent}% of ${money(signal.budgetedAmount, signal.currency)}`;
      const period = signal.period === null ? "" : `, ${signal.period}`;
      return `budget-threshold "${signal.budgetName}" ${signal.alertType} ${money(signal.amount, signal.currency)} ${
        signal.comparison
      } ${money(signal.thresholdAmount, signal.currency)}${percent}${period}${where(signal)}`;
    }
    case "chat-command": {
      const channel = signal.channelName === null ? signal.channelId : `#${signal.channelName}`;
      const text = signal.text.trim() === "" ? "" : ` ${signal.text.trim()}`;
      return `chat-command ${signal.command}${text} by ${signal.userName ?? signal.userId} in ${channel}${where(signal)}`;
    }
  }
}
