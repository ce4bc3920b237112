import { z } from "zod";
import { durationSchema } from "../time/duration.ts";
import type { RunbookDefinition } from "./types.ts";

export const RollbackParamsSchema = z.strictObject({
  /** Which release to return to: the newest one that baked healthy, or simply the one before. */
  to: z.enum(["last-known-good", "previous"]).default("last-known-good"),
  /**
   * Exactly this release instead (a person's `--to`): a task definition (`family:revision`, its ARN or
   * revision), an image tag or digest, a Lambda version, or a deployment id. It must be in the service's
   * release history and older than the release it runs; otherwise the run refuses.
   */
  release: z.string().trim().min(1).max(2048).optional(),
  /** How long a release must run with its alarms quiet before it counts as known-good. */
  bakeTime: durationSchema({ min: "1m", max: "1d" }).prefault("15m"),
  /** How long to wait for the service to reach steady state after rolling back. */
  steadyStateTimeout: durationSchema({ min: "1m", max: "2h" }).prefault("15m"),
  /** How long the triggering alarm may take to return to OK before the run reports failure. */
  verifyWindow: durationSchema({ min: "1m", max: "2h" }).prefault("10m"),
});

export const rollback: RunbookDefinition<typeof RollbackParamsSchema> = {
  name: "rollback",
  description:
    "Rolls an ECS service or Lambda alias back to its last known-good release when its alarm fires; " +
    "re-checks the alarm before acting and verifies it returns to OK afterwards.",
  params: RollbackParamsSchema,
  targetTypes: ["ecs-service", "lambda-alias"],
  permissions: [
    {
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: ["arn:aws:ecs:*:*:service/*/*"],
      why: "read the running release and point the service at the known-good task definition",
    },
    {
      actions: ["ecs:DescribeTaskDefinition"],
      resources: ["*"],
      why: "compare task definitions (the API does not support resource-level permissions)",
    },
    {
      actions: ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:ListVersionsByFunction"],
      resources: ["arn:aws:lambda:*:*:function:*"],
      why: "read and move a Lambda alias to an earlier version",
    },
    {
      actions: ["cloudwatch:DescribeAlarms"],
      resources: ["arn:aws:cloudwatch:*:*:alarm:*"],
      why: "re-check the triggering alarm before acting and verify it recovers",
    },
  ],
  example: {
    name: "rollback-checkout-on-errors",
    description: "Roll checkout back when its 5xx-rate or latency alarm fires.",
    trigger: {
      pattern: {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        detail: { alarmName: [{ prefix: "checkout-" }], state: { value: ["ALARM"] } },
      },
    },
    runbook: "rollback",
    params: { bakeTime: "15m" },
    target: { from: "alarm-dimensions" },
    mode: "approve",
    guardrails: { cooldown: "30m", minAlarmDuration: "2m" },
    notify: { slack: "#checkout-oncall" },
  },
};
