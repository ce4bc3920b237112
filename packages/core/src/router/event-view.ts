import type { Signal } from "../signals/signal.ts";

/**
 * The EventBridge event a policy's pattern is matched against. Signals that arrived through EventBridge
 * are matched on the event itself, exactly as the rule the stack installs would match it. Signals that
 * arrive another way get the event they would have been on EventBridge, so one pattern serves every
 * delivery:
 * - a CloudWatch alarm delivered by SNS or an alarm action → "CloudWatch Alarm State Change";
 * - an AWS Budgets notification (SNS only; Budgets sends no EventBridge event) → source
 *   `architech.budgets`, detail-type "Budget Threshold Breached", with the parsed notification as detail.
 * Schedules and chat commands are matched by policy name and command, not by pattern (undefined here).
 */
export function signalEventView(signal: Signal): Record<string, unknown> | undefined {
  const envelope = {
    version: "0",
    id: signal.id,
    account: signal.account ?? "",
    time: signal.time ?? "",
    region: signal.region ?? "",
    resources: signal.resources,
  };
  switch (signal.type) {
    case "alarm":
      if (signal.source.kind === "cloudwatch-alarm-state-change")
        return signal.raw as Record<string, unknown>;
      return {
        ...envelope,
        source: "aws.cloudwatch",
        "detail-type": "CloudWatch Alarm State Change",
        resources: signal.alarmArn ? [signal.alarmArn] : [],
        detail: {
          alarmName: signal.alarmName,
          state: { value: signal.state, reason: signal.reason, timestamp: signal.stateChangedAt },
          ...(signal.previousState ? { previousState: { value: signal.previousState } } : {}),
          configuration: { description: signal.description, metrics: signal.metrics },
        },
      };
    case "budget-threshold": {
      const {
        type: _type,
        raw: _raw,
        source: _source,
        id: _id,
        time: _time,
        resources: _r,
        ...detail
      } = signal;
      return { ...envelope, source: "architech.budgets", "detail-type": "Budget Threshold Breached", detail };
    }
    case "image-push":
    case "image-delete":
    case "deployment":
    case "backup-job":
    case "restore-job":
      return signal.raw as Record<string, unknown>;
    case "schedule":
      return signal.trigger === "eventbridge-rule" ? (signal.raw as Record<string, unknown>) : undefined;
    case "chat-command":
      return undefined;
  }
}
