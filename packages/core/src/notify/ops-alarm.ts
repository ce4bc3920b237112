import type { Notification } from "../ports/notifier.ts";
import type { AlarmSignal, AlarmStateValue } from "../signals/signal.ts";
import { context } from "../slack/blocks/elements.ts";
import { buildReport } from "../slack/blocks/index.ts";

/** What an operational alarm's notice says: the alarm as its state change reported it. */
export type OpsAlarm = Pick<
  AlarmSignal,
  | "alarmName"
  | "alarmArn"
  | "description"
  | "state"
  | "previousState"
  | "reason"
  | "stateChangedAt"
  | "region"
  | "account"
>;

/** How loud each state is: an alarm firing is a failure, one recovering is news, missing data a warning. */
const SEVERITY: Record<AlarmStateValue, Notification["severity"]> = {
  ALARM: "failure",
  OK: "info",
  INSUFFICIENT_DATA: "warning",
};

/**
 * The Slack notice of one of the control plane's own operational alarms (parked deliveries, failed runs,
 * router errors, throttles) changing state: the alarm's name, the change, why, and a link to the alarm in
 * the CloudWatch console of its region. ALARM is a failure, OK is info, INSUFFICIENT_DATA a warning.
 *
 * @example
 * const result = normalizeEvent(snsEvent);
 * if (result.ok && result.signal.type === "alarm") await notifier.notify(buildOpsAlarmNotice(result.signal, "#ops"));
 */
export function buildOpsAlarmNotice(alarm: OpsAlarm, channel: string): Notification {
  const severity = SEVERITY[alarm.state];
  const change = `${alarm.previousState ?? "?"} → ${alarm.state}`;
  const title = `${alarm.state}: ${alarm.alarmName}`;
  const link = alarm.region === null ? undefined : cloudWatchAlarmUrl(alarm.region, alarm.alarmName);
  const report = buildReport({
    title,
    text: [alarm.description, alarm.reason].filter((line) => line !== null && line.trim() !== "").join("\n"),
    severity,
    facts: [
      { label: "Alarm", value: alarm.alarmName },
      { label: "State change", value: change },
      { label: "Since", value: alarm.stateChangedAt },
      ...(alarm.region === null ? [] : [{ label: "Region", value: alarm.region }]),
      ...(alarm.account === null ? [] : [{ label: "Account", value: alarm.account }]),
    ],
  });
  // The link is markup of the notice's own making (the URL is built and encoded here), so it is added
  // after the report, whose text is escaped.
  const blocks = [
    ...(report.blocks ?? []),
    ...(link ? [context([`<${link}|Open in the CloudWatch console>`])] : []),
  ];
  const text = `${title} (${change}): ${alarm.reason}${link ? ` ${link}` : ""}`;
  return { channel, severity, text, blocks };
}

// A region name (`eu-west-1`, `us-gov-west-1`, `cn-north-1`): it becomes part of a host name.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The page of a CloudWatch alarm in the console of its region (`console.amazonaws.cn` in China,
 * `console.amazonaws-us-gov.com` in GovCloud); undefined when `region` is not a region name. The name is
 * encoded: alarm names may hold spaces, `/`, `#`.
 *
 * @example
 * cloudWatchAlarmUrl("eu-west-1", "checkout-api-cpu-high");
 * // "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-cpu-high"
 */
export function cloudWatchAlarmUrl(region: string, alarmName: string): string | undefined {
  if (!REGION.test(region)) return undefined;
  const host = region.startsWith("cn-")
    ? "console.amazonaws.cn"
    : region.startsWith("us-gov-")
      ? "console.amazonaws-us-gov.com"
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}
