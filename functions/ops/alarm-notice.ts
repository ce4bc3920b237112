import { opsAlarmHandler } from "@architech/aws";

/**
 * The Ops topic → Slack: each state change of the control plane's own alarms (parked deliveries, failed
 * or timed-out runs, router errors, throttles) is posted to the default channel, with a console link.
 */
export const handler = opsAlarmHandler();
