import { z } from "zod";
import { compileEventPattern } from "../event-pattern/index.ts";
import { runbooks } from "../runbook/registry.ts";
import type { RunbookDefinition } from "../runbook/types.ts";
import { TargetSchema, type TargetType } from "../target/target.ts";
import { durationSchema } from "../time/duration.ts";
import { isKnownTimeZone, scheduleExpressionProblem } from "./schedule-expression.ts";

const TimeZoneSchema = z
  .string()
  .refine(isKnownTimeZone, { message: "must be an IANA time zone such as UTC or Europe/Berlin" });

/** An EventBridge event pattern, checked by the same engine that matches it. */
export const EventPatternTriggerSchema = z.strictObject({
  pattern: z.record(z.string(), z.unknown()).superRefine((pattern, ctx) => {
    try {
      compileEventPattern(pattern);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    }
  }),
});

/** An EventBridge Scheduler schedule, evaluated in its time zone. */
export const ScheduleTriggerSchema = z.strictObject({
  schedule: z.strictObject({
    expression: z.string().superRefine((expression, ctx) => {
      const problem = scheduleExpressionProblem(expression);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    timezone: TimeZoneSchema.default("UTC"),
  }),
});

/** A chat command (`/architech <name> …`) that asks for this policy's runbook by hand. */
export const CommandTriggerSchema = z.strictObject({
  command: z.strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, "a command name is lower-case letters, digits and dashes"),
  }),
});

export const TriggerSchema = z.union(
  [EventPatternTriggerSchema, ScheduleTriggerSchema, CommandTriggerSchema],
  {
    error: "a trigger is exactly one of: pattern (an EventBridge event pattern), schedule, or command",
  },
);

const ServiceRefSchema = z.strictObject({ cluster: z.string().min(1), service: z.string().min(1) });

/**
 * Where a run's target comes from: given explicitly, or read from the triggering event —
 * the alarm's dimensions (ClusterName/ServiceName, FunctionName/Resource), an ECR repository mapped to the
 * service that runs it, or the resource the event names (a backup job's resource, a deployment's service).
 */
export const TargetSpecSchema = z.union([
  TargetSchema,
  z.strictObject({ from: z.literal("alarm-dimensions") }),
  z.strictObject({
    from: z.literal("ecr-repository"),
    services: z.record(z.string().min(1), ServiceRefSchema),
  }),
  z.strictObject({ from: z.literal("event") }),
]);

const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;
const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day is HH:MM (24-hour)");

export const AllowedWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    start: ClockTimeSchema,
    end: ClockTimeSchema,
    timezone: TimeZoneSchema.default("UTC"),
  })
  .refine((w) => w.start !== w.end, { message: "a window's start and end must differ", path: ["end"] });

export const FreezeWindowSchema = z
  .strictObject({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    reason: z.string().min(1),
  })
  .refine((f) => Date.parse(f.end) > Date.parse(f.start), {
    message: "a freeze ends after it starts",
    path: ["end"],
  });

export const GuardrailsSchema = z.strictObject({
  /** After a run on a target, further triggers for the same (policy, target) are suppressed this long. */
  cooldown: durationSchema({ max: "30d" }).prefault("30m"),
  maxRunsPerHour: z.number().int().min(1).max(1000).default(6),
  maxConcurrent: z.number().int().min(1).max(100).default(1),
  /** This many failed runs inside the window pause the policy until a person resumes it. */
  circuitBreaker: z
    .strictObject({
      failures: z.number().int().min(1).max(100).default(3),
      window: durationSchema({ min: "1m", max: "7d" }).prefault("1h"),
    })
    .prefault({}),
  /** The most resources one run may change: a count, a share of the kind, or both (the stricter holds). */
  blastRadius: z
    .strictObject({
      maxCount: z.number().int().min(1).optional(),
      maxPercent: z.number().gt(0).max(100).optional(),
    })
    .refine((b) => b.maxCount !== undefined || b.maxPercent !== undefined, {
      message: "give maxCount, maxPercent or both",
    })
    .optional(),
  /** When set, automatic runs start only inside one of these windows. */
  allowedWindows: z.array(AllowedWindowSchema).min(1).optional(),
  /** No automatic run starts during a freeze. */
  freeze: z.array(FreezeWindowSchema).default([]),
  /** An alarm must have been in ALARM at least this long before the policy acts on it. */
  minAlarmDuration: durationSchema({ max: "1d" }).optional(),
});

export const ApprovalSchema = z
  .strictObject({
    /** An approval still pending after this is escalated (on-call mention). */
    escalateAfter: durationSchema({ min: "1m", max: "1d" }).prefault("15m"),
    /** An approval still pending after this resolves to deny. */
    deadline: durationSchema({ min: "5m", max: "7d" }).prefault("1h"),
    /** Who may approve (Slack user ids); empty = anyone the Slack access rules allow. */
    approvers: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, "a Slack user id such as U024BE7LH")).default([]),
  })
  .refine((a) => a.deadline > a.escalateAfter, {
    message: "the deadline must come after the escalation",
    path: ["deadline"],
  });

export const NotifySchema = z.strictObject({
  slack: z
    .string()
    .regex(/^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/, "a channel such as #ops or C0123456789"),
  /**
   * Who is on call for this policy: a Slack user id (`U…`/`W…`) or user group id (`S…`). Failures,
   * circuit-breaker trips and approvals left too long mention them; nothing else does.
   */
  oncall: z
    .string()
    .regex(/^[UWS][A-Z0-9]{8,}$/, "a Slack user id (U0123456789) or user group id (S0123456789)")
    .optional(),
});

const PolicyBaseSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a policy name is lower-case letters, digits and dashes, at most 63"),
  description: z.string().min(1).max(1024),
  trigger: TriggerSchema,
  target: TargetSpecSchema,
  /** `dry-run` (the default) plans in full and changes nothing; `approve` waits for a person; `auto` acts. */
  mode: z.enum(["auto", "approve", "dry-run"]).default("dry-run"),
  guardrails: GuardrailsSchema.prefault({}),
  approval: ApprovalSchema.prefault({}),
  notify: NotifySchema.optional(),
  /** A disabled policy is loaded and validated but never matches. */
  enabled: z.boolean().default(true),
});

function policySchemaFor<P extends z.ZodType>(name: string, runbook: RunbookDefinition<P>) {
  return PolicyBaseSchema.extend({
    runbook: z.literal(name),
    params: runbook.params.prefault({} as z.input<P>),
  }).superRefine((policy, ctx) => {
    const target = policy.target;
    if ("type" in target && !runbook.targetTypes.includes(target.type as TargetType)) {
      ctx.addIssue({
        code: "custom",
        path: ["target", "type"],
        message: `runbook ${name} acts on ${runbook.targetTypes.join(" or ")}, not ${target.type}`,
      });
    }
  });
}

const RUNBOOK_POLICY_SCHEMAS = [
  policySchemaFor("rollback", runbooks.rollback),
  policySchemaFor("rightsize", runbooks.rightsize),
  policySchemaFor("cleanup", runbooks.cleanup),
  policySchemaFor("verify-backup", runbooks["verify-backup"]),
] as const;

/**
 * A policy: when the trigger fires, run the runbook with its params on the target, under the guardrails,
 * in the mode. Parsing fills every default, so a parsed policy is complete.
 *
 * @example
 * const policy = PolicySchema.parse(YAML.parse(text));
 * policy.guardrails.cooldown; // 1800000 (ms) unless the file says otherwise
 */
export const PolicySchema = z.discriminatedUnion("runbook", RUNBOOK_POLICY_SCHEMAS, {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `runbook must be one of: ${Object.keys(runbooks).join(", ")}`
      : undefined,
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type TargetSpec = z.infer<typeof TargetSpecSchema>;
export type Trigger = z.infer<typeof TriggerSchema>;
export type Guardrails = z.infer<typeof GuardrailsSchema>;
