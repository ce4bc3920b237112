import { z } from "zod";
import { durationSchema } from "../time/duration.ts";
import type { RunbookDefinition } from "./types.ts";

export const RightsizeParamsSchema = z.strictObject({
  /** How far back to read utilisation. */
  lookback: durationSchema({ min: "1d", max: "15w" }).prefault("14d"),
  /** The statistic a recommendation is sized on. */
  statistic: z.enum(["p95", "p99", "max"]).default("p95"),
  /** Share of the lookback that must have datapoints; below it there is no recommendation. */
  minDataCoverage: z.number().min(0.5).max(1).default(0.9),
  /** Utilisation the new size should run at, under the chosen statistic. */
  targetUtilization: z.number().min(0.2).max(0.9).default(0.6),
  /** Recommendations saving less than this per month (USD) are reported but never applied. */
  minMonthlySavings: z.number().min(0).default(10),
  /** How long to watch the target's alarms after applying; an alarm in that window reverts the change. */
  verifyWindow: durationSchema({ min: "5m", max: "1d" }).prefault("30m"),
});

export const rightsize: RunbookDefinition<typeof RightsizeParamsSchema> = {
  name: "rightsize",
  description:
    "Reads CloudWatch utilisation over a lookback window, recommends a smaller or larger size with its " +
    "estimated monthly saving, applies it where the policy's mode allows, verifies and reverts on alarm.",
  params: RightsizeParamsSchema,
  targetTypes: ["ecs-service", "lambda-alias", "account"],
  permissions: [
    {
      actions: ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics"],
      resources: ["*"],
      why: "read utilisation (the APIs do not support resource-level permissions)",
    },
    {
      actions: ["cloudwatch:DescribeAlarms"],
      resources: ["arn:aws:cloudwatch:*:*:alarm:*"],
      why: "watch the target's alarms after a change",
    },
    {
      actions: ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeTaskDefinition"],
      resources: ["*"],
      why: "find services and read their task definitions (no resource-level permissions)",
    },
    {
      actions: ["ecs:RegisterTaskDefinition"],
      resources: ["arn:aws:ecs:*:*:task-definition/*"],
      why: "register the resized copy of a service's task definition, in the same family",
    },
    {
      actions: ["ecs:TagResource"],
      resources: ["arn:aws:ecs:*:*:task-definition/*"],
      why: "the resized copy keeps the original's tags, set while registering it; nothing else is tagged",
      condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
    },
    {
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: ["arn:aws:ecs:*:*:service/*/*"],
      why: "point the service at the resized task definition, or back",
    },
    {
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::*:role/*"],
      why: "a re-registered task definition keeps its task and execution roles, passed to ECS tasks only",
      condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      actions: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration", "lambda:GetAlias"],
      resources: ["arn:aws:lambda:*:*:function:*"],
      why: "read and change a function's memory size",
    },
    {
      actions: ["lambda:ListFunctions"],
      resources: ["*"],
      why: "find the account's functions to size (the API does not support resource-level permissions)",
    },
  ],
  example: {
    name: "rightsize-weekly",
    description: "Every Monday morning, recommend right sizes for the account's services (no changes).",
    trigger: { schedule: { expression: "cron(0 7 ? * MON *)", timezone: "Europe/Berlin" } },
    runbook: "rightsize",
    params: { lookback: "14d", statistic: "p95" },
    target: { type: "account" },
    mode: "dry-run",
    notify: { slack: "#finops" },
  },
};
