import { createHash } from "node:crypto";
import type { AlarmState } from "@architech/core";
import type { AlarmRecord, Estate } from "./estate.ts";
import { alarmTransitions, iso, rolloutTimeline } from "./timeline.ts";

/** An event as the account's default EventBridge bus would carry it. */
export interface SandboxEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The events AWS would have put on the default bus in `[from, to]`, oldest first: `CloudWatch Alarm
 * State Change` for every alarm transition and `ECS Deployment State Change` when a deployment starts
 * and completes.
 */
export function eventsBetween(estate: Estate, from: number, to: number): SandboxEvent[] {
  const timed: { at: number; order: number; event: SandboxEvent }[] = [];
  let order = 0;
  const push = (at: number, event: SandboxEvent) => {
    timed.push({ at, order: order++, event });
  };

  for (const service of estate.services) {
    for (const phase of rolloutTimeline(service.deployments, estate.settleMs)) {
      const { deployment } = phase;
      if (deployment.createdAt >= from && deployment.createdAt <= to) {
        push(
          deployment.createdAt,
          deploymentEvent(estate, service.arn, deployment.id, "IN_PROGRESS", deployment.createdAt),
        );
      }
      if (phase.completesAt !== undefined && phase.completesAt >= from && phase.completesAt <= to) {
        push(
          phase.completesAt,
          deploymentEvent(estate, service.arn, deployment.id, "COMPLETED", phase.completesAt),
        );
      }
    }
  }

  for (const alarm of estate.alarms.values()) {
    const transitions = alarmTransitions(estate, alarm, to);
    transitions.forEach((transition, index) => {
      if (transition.at < from) return;
      const previous = transitions[index - 1];
      push(
        transition.at,
        alarmEvent(estate, alarm, {
          state: { value: transition.state, reason: transition.reason, at: transition.at },
          previous: {
            value: transition.previous,
            reason: previous?.reason ?? "Unchecked: Initial alarm creation",
            at: previous?.at ?? estate.start,
          },
        }),
      );
    });
  }

  return timed.sort((a, b) => a.at - b.at || a.order - b.order).map(({ event }) => event);
}

function deploymentEvent(
  estate: Estate,
  serviceArn: string,
  deploymentId: string,
  state: "IN_PROGRESS" | "COMPLETED",
  at: number,
): SandboxEvent {
  return {
    version: "0",
    id: eventId(`${serviceArn}#${deploymentId}#${state}`),
    "detail-type": "ECS Deployment State Change",
    source: "aws.ecs",
    account: estate.account,
    time: awsTime(at),
    region: estate.region,
    resources: [serviceArn],
    detail: {
      eventType: "INFO",
      eventName: `SERVICE_DEPLOYMENT_${state}`,
      deploymentId,
      updatedAt: awsTime(at),
      reason: `ECS deployment ${deploymentId} ${state === "COMPLETED" ? "completed" : "in progress"}.`,
    },
  };
}

interface StateAt {
  value: AlarmState;
  reason: string;
  at: number;
}

function alarmEvent(
  estate: Estate,
  alarm: AlarmRecord,
  change: { state: StateAt; previous: StateAt },
): SandboxEvent {
  const state = (s: StateAt) => ({ value: s.value, reason: s.reason, timestamp: alarmTime(s.at) });
  return {
    version: "0",
    id: eventId(`${alarm.arn}#${change.state.at}#${change.state.value}`),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: estate.account,
    time: awsTime(change.state.at),
    region: estate.region,
    resources: [alarm.arn],
    detail: {
      alarmName: alarm.name,
      state: state(change.state),
      previousState: state(change.previous),
      configuration: {
        ...(alarm.description === undefined ? {} : { description: alarm.description }),
        metrics: [
          {
            id: eventId(`${alarm.arn}#metric`),
            metricStat: {
              metric: {
                namespace: alarm.namespace,
                name: alarm.metricName,
                dimensions: { ...alarm.dimensions },
              },
              period: alarm.period,
              stat: alarm.statistic,
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

/** EventBridge envelopes carry whole seconds with `Z`. */
function awsTime(ms: number): string {
  return `${iso(ms).slice(0, 19)}Z`;
}

/** CloudWatch alarm states carry milliseconds and a `+0000` offset. */
function alarmTime(ms: number): string {
  return `${iso(ms).slice(0, 23)}+0000`;
}

/** A UUID-shaped id that is the same for the same event, so a replayed drain deduplicates. */
function eventId(key: string): string {
  const hex = createHash("sha256").update(key).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
