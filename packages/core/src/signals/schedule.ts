import { z } from "zod";
import { arnAccount, arnRegion, parseArn } from "./arn.ts";
import { eventBridgeEventSchema } from "./eventbridge.ts";
import type { Delivery, ScheduleSignal } from "./signal.ts";
import { AwsTimestampSchema, isoTimestamp } from "./time.ts";

/**
 * EventBridge `Scheduled Event`: what a rule with a schedule expression sends. The rule's ARN is the
 * only resource; the detail is empty.
 */
export const ScheduledEventSchema = eventBridgeEventSchema(
  "aws.events",
  "Scheduled Event",
  z.object({}),
).refine(
  (event) => event.resources?.some((arn) => parseArn(arn)?.resource.startsWith("rule/") === true) === true,
  { message: "a scheduled event names its rule ARN in resources", path: ["resources"] },
);
export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;

/**
 * The keywords EventBridge Scheduler replaces in a target's Input when it invokes the target
 * ("Adding context attributes", EventBridge Scheduler User Guide). Replacement is textual.
 */
export const SCHEDULER_CONTEXT_ATTRIBUTES = {
  /** The schedule's ARN. */
  scheduleArn: "<aws.scheduler.schedule-arn>",
  /** The time the schedule was set to invoke the target, e.g. `2022-03-22T18:59:43Z`. */
  scheduledTime: "<aws.scheduler.scheduled-time>",
  /** A unique id per attempted invocation, e.g. `d32c5kddcf5bb8c3`. */
  executionId: "<aws.scheduler.execution-id>",
  /** The attempt number of this invocation, from 1. */
  attemptNumber: "<aws.scheduler.attempt-number>",
} as const;

const PLACEHOLDER = /^<aws\.scheduler\.[a-z-]+>$/;

// A keyword that reaches the handler unreplaced means the payload did not come through Scheduler
// (someone invoked the function with the template itself): say so rather than "not a timestamp".
function substituted<Schema extends z.ZodType>(schema: Schema) {
  return z
    .unknown()
    .refine((value) => typeof value !== "string" || !PLACEHOLDER.test(value), {
      message: "context attribute was not substituted: this input did not come from EventBridge Scheduler",
    })
    .pipe(schema);
}

/**
 * The Input of the control plane's EventBridge Scheduler schedules (a templated Lambda target receives
 * exactly this JSON, with no envelope). Build it with {@link scheduleTargetInput}; Scheduler fills in the
 * context attributes. `attempt` arrives as a string because the template must be valid JSON before
 * substitution, so the keyword sits inside quotes.
 *
 * @example
 * { "architech": "schedule", "schedule": "nightly-cleanup", "policy": "cleanup-nonprod",
 *   "scheduleArn": "arn:aws:scheduler:eu-west-1:123456789012:schedule/architech/nightly-cleanup",
 *   "scheduledTime": "2026-03-02T02:00:00Z", "executionId": "d32c5kddcf5bb8c3", "attempt": "1" }
 */
export const SchedulerInputSchema = z.object({
  architech: z.literal("schedule"),
  schedule: z.string().min(1),
  policy: z.string().min(1).optional(),
  scheduleArn: substituted(
    z.string().refine((value) => parseArn(value) !== undefined, { message: "expected a schedule ARN" }),
  ).optional(),
  scheduledTime: substituted(AwsTimestampSchema),
  executionId: substituted(z.string().min(1)).optional(),
  attempt: substituted(
    z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/, "expected 1, 2, …")]),
  ).optional(),
});
export type SchedulerInput = z.infer<typeof SchedulerInputSchema>;

/**
 * The Target.Input text for an Architech schedule: the {@link SchedulerInputSchema} shape with every
 * context attribute left for Scheduler to fill.
 *
 * @example
 * new CfnSchedule(stack, "Cleanup", { target: { arn, roleArn, input: scheduleTargetInput({ schedule: "nightly-cleanup", policy: "cleanup-nonprod" }) }, … });
 */
export function scheduleTargetInput(options: { schedule: string; policy?: string }): string {
  return JSON.stringify({
    architech: "schedule",
    schedule: options.schedule,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    scheduleArn: SCHEDULER_CONTEXT_ATTRIBUTES.scheduleArn,
    scheduledTime: SCHEDULER_CONTEXT_ATTRIBUTES.scheduledTime,
    executionId: SCHEDULER_CONTEXT_ATTRIBUTES.executionId,
    attempt: SCHEDULER_CONTEXT_ATTRIBUTES.attemptNumber,
  });
}

/**
 * Replaces the context attributes in a target Input as EventBridge Scheduler does (textually), for
 * runtimes that play Scheduler's part locally.
 *
 * @example
 * substituteSchedulerContext(template, { scheduleArn, scheduledTime: "2026-03-02T02:00:00Z", executionId: "local-1", attemptNumber: 1 });
 */
export function substituteSchedulerContext(
  input: string,
  values: { scheduleArn: string; scheduledTime: string; executionId: string; attemptNumber: number },
): string {
  return input
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTES.scheduleArn, values.scheduleArn)
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTES.scheduledTime, values.scheduledTime)
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTES.executionId, values.executionId)
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTES.attemptNumber, String(values.attemptNumber));
}

export function scheduleSignalFromRuleEvent(event: ScheduledEvent, delivery: Delivery): ScheduleSignal {
  const resources = event.resources ?? [];
  // The schema guarantees a rule ARN; `rule/<name>` on the default bus, `rule/<bus>/<name>` elsewhere.
  const ruleArn = resources.find((arn) => parseArn(arn)?.resource.startsWith("rule/") === true) ?? "";
  const path = (parseArn(ruleArn)?.resource ?? "rule/").slice("rule/".length).split("/");
  const time = isoTimestamp(event.time);
  return {
    type: "schedule",
    id: event.id,
    time,
    account: event.account,
    region: event.region,
    resources,
    source: { service: "aws.events", kind: "scheduled-event", envelopes: delivery.envelopes },
    raw: delivery.raw,
    trigger: "eventbridge-rule",
    scheduleName: path[path.length - 1] ?? "",
    scheduleArn: ruleArn,
    scheduleGroup: path.length > 1 ? (path[0] ?? null) : null,
    scheduledTime: time,
    policy: null,
    executionId: null,
    attempt: null,
  };
}

export function scheduleSignalFromSchedulerInput(input: SchedulerInput, delivery: Delivery): ScheduleSignal {
  const scheduledTime = isoTimestamp(input.scheduledTime);
  const arn = input.scheduleArn === undefined ? undefined : parseArn(input.scheduleArn);
  const path = arn?.resource.startsWith("schedule/") === true ? arn.resource.split("/") : [];
  return {
    type: "schedule",
    // The execution id changes with every retry of the same occurrence; schedule + scheduled time does not.
    id: `${input.scheduleArn ?? input.schedule}@${scheduledTime}`,
    time: scheduledTime,
    account: arnAccount(input.scheduleArn),
    region: arnRegion(input.scheduleArn),
    resources: input.scheduleArn === undefined ? [] : [input.scheduleArn],
    source: { service: "aws.scheduler", kind: "scheduler-input", envelopes: delivery.envelopes },
    raw: delivery.raw,
    trigger: "eventbridge-scheduler",
    scheduleName: input.schedule,
    scheduleArn: input.scheduleArn ?? null,
    scheduleGroup: path.length === 3 ? (path[1] ?? null) : null,
    scheduledTime,
    policy: input.policy ?? null,
    executionId: input.executionId ?? null,
    attempt: input.attempt === undefined ? null : Number(input.attempt),
  };
}
