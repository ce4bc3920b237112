import type { RunNoticeRef } from "../ports/notifier.ts";
import type { AlarmSignal } from "../signals/signal.ts";
import type { RunInput, RunTrigger } from "./ports.ts";

/**
 * The alarm a run threads under: its name, its ARN and when it entered its state (the state change time,
 * which tells one episode of an alarm from the next). An alarm signal without an ARN gets the one
 * CloudWatch would have given it, when the signal names its account and region; otherwise there is no
 * thread to join.
 *
 * @example
 * alarmRefOf(signal); // { name: "checkout-5xx-rate", arn: "arn:aws:cloudwatch:…:alarm:checkout-5xx-rate", since: "2026-12-01T10:00:00.000Z", reason: "Threshold Crossed" }
 */
export function alarmRefOf(signal: AlarmSignal): RunTrigger["alarm"] {
  const arn =
    signal.alarmArn ??
    (signal.account !== null && signal.region !== null
      ? `arn:aws:cloudwatch:${signal.region}:${signal.account}:alarm:${signal.alarmName}`
      : undefined);
  if (arn === undefined) return undefined;
  return {
    name: signal.alarmName,
    arn,
    since: signal.stateChangedAt,
    ...(signal.reason ? { reason: signal.reason } : {}),
  };
}

/**
 * The run a notice is about, from the workflow's input: the router announces a run's start with it, and
 * the workflow's steps build the very same reference for the run's later notices.
 *
 * @example
 * await notifier.announce({ kind: "run-finished", run: runNoticeRefOf(call.run), status: "succeeded", reason });
 */
export function runNoticeRefOf(input: RunInput): RunNoticeRef {
  const { trigger } = input;
  return {
    runId: input.runId,
    policy: input.policy,
    runbook: input.runbook,
    targetKey: input.targetKey,
    mode: input.mode,
    ...noticeNotifyOf(input.notify),
    trigger: {
      type: trigger.type,
      summary: trigger.description ?? `${trigger.type} ${trigger.signalId}`,
      ...(trigger.alarm ? { alarm: { ...trigger.alarm } } : {}),
      ...(trigger.requestedBy ? { requestedBy: trigger.requestedBy } : {}),
    },
  };
}

/**
 * A policy's `notify` as a notice carries it (`{}` without one, so that it spreads into a notice).
 *
 * @example
 * const ref = { runId, ...noticeNotifyOf(policy.notify), trigger };
 */
export function noticeNotifyOf(notify: { slack: string; oncall?: string | undefined } | undefined): {
  notify?: { slack: string; oncall?: string };
} {
  if (notify === undefined) return {};
  return { notify: { slack: notify.slack, ...(notify.oncall ? { oncall: notify.oncall } : {}) } };
}
