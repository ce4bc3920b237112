import type { MetricDatapoint } from "../ports/cloudwatch.ts";
import { targetKey } from "../target/target.ts";
import {
  fargateMonthlyCost,
  lambdaMemoryFor,
  lambdaMonthlyCost,
  PRICE_TABLE,
  round2,
  smallestFargateSize,
} from "./rightsize-sizing.ts";
import { markRunning } from "./steps/common.ts";
import {
  RunbookStepError,
  type StepCall,
  type StepContext,
  type StepHandler,
  stepResult,
} from "./steps/context.ts";

const PERIOD_SECONDS = 3600;
/** After a change is applied to a target, the same policy leaves it alone this long. */
export const RIGHTSIZE_TARGET_COOLDOWN_MS = 7 * 86_400_000;

interface Params {
  lookback: number;
  statistic: "p95" | "p99" | "max";
  minDataCoverage: number;
  targetUtilization: number;
  minMonthlySavings: number;
  verifyWindow: number;
}

type Size = { cpu: number; memory: number } | { memoryMb: number };

export interface Recommendation extends Record<string, unknown> {
  id: string;
  target:
    | { type: "ecs-service"; cluster: string; service: string }
    | { type: "lambda-function"; functionName: string };
  targetKey: string;
  current: Size & { taskDefinitionArn?: string };
  recommended: Size;
  utilization: Record<string, number>;
  coverage: number;
  currentMonthlyCost: number;
  recommendedMonthlyCost: number;
  estimatedMonthlySavings: number;
  direction: "smaller" | "larger";
}

export interface RightsizePlan extends Record<string, unknown> {
  recommendations: Recommendation[];
  /** Ids of the recommendations this run may apply (mode, savings threshold, cooldowns, blast radius). */
  toApply: string[];
  applyCount: number;
  skipped: { targetKey: string; reason: string }[];
  verifyWaitSeconds: number;
  approvalTimeoutSeconds: number;
  summary: string;
}

function params(call: StepCall): Params {
  const p = call.run.params as Partial<Params>;
  return {
    lookback: p.lookback ?? 14 * 86_400_000,
    statistic: p.statistic ?? "p95",
    minDataCoverage: p.minDataCoverage ?? 0.9,
    targetUtilization: p.targetUtilization ?? 0.6,
    minMonthlySavings: p.minMonthlySavings ?? 10,
    verifyWindow: p.verifyWindow ?? 1_800_000,
  };
}

/** The per-target cooldown after a resize, apart from the policy's own cooldown on the run's target. */
export function resizedKey(targetKey: string): string {
  return `resized:${targetKey}`;
}

const statName = (statistic: Params["statistic"]) => (statistic === "max" ? "Maximum" : statistic);

/** The statistic over the window (the maximum of per-period values) and the share of periods with data. */
function summarize(points: MetricDatapoint[], stat: string, expected: number) {
  const values = points.map((p) => p.values[stat]).filter((v): v is number => typeof v === "number");
  return {
    value: values.length > 0 ? Math.max(...values) : 0,
    coverage: expected > 0 ? values.length / expected : 0,
  };
}

async function candidates(call: StepCall, { ports }: StepContext) {
  const target = call.run.target as {
    type: string;
    cluster?: string;
    service?: string;
    functionName?: string;
  };
  if (target.type === "ecs-service" && target.cluster && target.service) {
    return { ecs: [{ cluster: target.cluster, service: target.service }], lambda: [] };
  }
  if (target.type === "lambda-alias" && target.functionName) {
    return { ecs: [], lambda: [{ functionName: target.functionName }] };
  }
  if (target.type === "account") {
    return { ecs: await ports.ecs.listServices(), lambda: await ports.lambda.listFunctions() };
  }
  throw new RunbookStepError(
    `rightsize acts on ECS services, Lambda functions or an account, not ${target.type}`,
  );
}

/**
 * Plans rightsizing: for every candidate in scope, reads utilisation over the look-back window, refuses
 * when data coverage is below the minimum (as Compute Optimizer does), sizes to the target utilisation
 * under the chosen statistic, prices both sizes from the documented table, and stores a Recommendation.
 * What may be applied is decided here too: savings above the threshold (or an undersized target), no
 * cooldown on the target, within the blast radius.
 */
export const plan: StepHandler = async (call, context) => {
  const { ports, store, clock } = context;
  const p = params(call);
  const now = clock.now();
  const end = new Date(Math.floor(now.getTime() / (PERIOD_SECONDS * 1000)) * PERIOD_SECONDS * 1000);
  const start = new Date(end.getTime() - p.lookback);
  const expected = Math.round(p.lookback / (PERIOD_SECONDS * 1000));
  const stat = statName(p.statistic);
  const window = { start: start.toISOString(), end: end.toISOString(), periodSeconds: PERIOD_SECONDS };
  const { ecs, lambda } = await candidates(call, context);
  const recommendations: Recommendation[] = [];
  const skipped: RightsizePlan["skipped"] = [];

  for (const { cluster, service } of ecs) {
    const key = targetKey({ type: "ecs-service", cluster, service });
    const described = await ports.ecs.describeService(cluster, service);
    const taskDefinition = await ports.ecs.describeTaskDefinition(described.taskDefinitionArn);
    if (taskDefinition.cpu === undefined || taskDefinition.memory === undefined) {
      skipped.push({ targetKey: key, reason: "task definition has no task-level CPU and memory" });
      continue;
    }
    const dimensions = { ClusterName: cluster, ServiceName: service };
    const firing = await firingAlarms(context, dimensions);
    if (firing.length > 0) {
      skipped.push({
        targetKey: key,
        reason: `${firing.join(", ")} in ALARM: not resizing a target in trouble`,
      });
      continue;
    }
    const [cpu, memory] = await Promise.all(
      ["CPUUtilization", "MemoryUtilization"].map(async (metricName) =>
        summarize(
          await ports.cloudwatch.getMetricStatistics({
            namespace: "AWS/ECS",
            metricName,
            dimensions,
            statistics: [stat],
            ...window,
          }),
          stat,
          expected,
        ),
      ),
    );
    const coverage = Math.min(cpu?.coverage ?? 0, memory?.coverage ?? 0);
    if (!cpu || !memory || coverage < p.minDataCoverage) {
      skipped.push({
        targetKey: key,
        reason: `insufficient data: ${Math.round(coverage * 100)} % of the look-back has datapoints (minimum ${Math.round(p.minDataCoverage * 100)} %)`,
      });
      continue;
    }
    const needCpu = (taskDefinition.cpu * cpu.value) / 100 / p.targetUtilization;
    const needMemory = (taskDefinition.memory * memory.value) / 100 / p.targetUtilization;
    const size = smallestFargateSize(needCpu, needMemory);
    if (!size) {
      skipped.push({ targetKey: key, reason: "needs more than the largest Fargate size" });
      continue;
    }
    if (size.cpu === taskDefinition.cpu && size.memory === taskDefinition.memory) {
      skipped.push({ targetKey: key, reason: `right-sized at ${size.cpu} CPU / ${size.memory} MiB` });
      continue;
    }
    const count = Math.max(1, described.desiredCount);
    const currentCost = fargateMonthlyCost({ cpu: taskDefinition.cpu, memory: taskDefinition.memory }, count);
    const recommendedCost = fargateMonthlyCost(size, count);
    recommendations.push({
      id: `${call.run.runId}-${recommendations.length + 1}`,
      target: { type: "ecs-service", cluster, service },
      targetKey: key,
      current: {
        cpu: taskDefinition.cpu,
        memory: taskDefinition.memory,
        taskDefinitionArn: taskDefinition.arn,
      },
      recommended: size,
      utilization: { cpu: round2(cpu.value), memory: round2(memory.value) },
      coverage: round2(coverage),
      currentMonthlyCost: currentCost,
      recommendedMonthlyCost: recommendedCost,
      estimatedMonthlySavings: round2(currentCost - recommendedCost),
      direction: recommendedCost < currentCost ? "smaller" : "larger",
    });
  }

  for (const { functionName } of lambda) {
    const key = `lambda-function:${functionName}`;
    const firing = await firingAlarms(context, { FunctionName: functionName });
    if (firing.length > 0) {
      skipped.push({
        targetKey: key,
        reason: `${firing.join(", ")} in ALARM: not resizing a target in trouble`,
      });
      continue;
    }
    const configuration = await ports.lambda.getFunctionConfiguration(functionName);
    const [used, duration, invocations] = await Promise.all([
      ports.cloudwatch.getMetricStatistics({
        namespace: "LambdaInsights",
        metricName: "memory_utilization",
        dimensions: { function_name: functionName },
        statistics: [stat],
        ...window,
      }),
      ports.cloudwatch.getMetricStatistics({
        namespace: "AWS/Lambda",
        metricName: "Duration",
        dimensions: { FunctionName: functionName },
        statistics: ["Average"],
        ...window,
      }),
      ports.cloudwatch.getMetricStatistics({
        namespace: "AWS/Lambda",
        metricName: "Invocations",
        dimensions: { FunctionName: functionName },
        statistics: ["Sum"],
        ...window,
      }),
    ]);
    const memory = summarize(used, stat, expected);
    if (memory.coverage < p.minDataCoverage) {
      skipped.push({
        targetKey: key,
        reason: `insufficient data: ${Math.round(memory.coverage * 100)} % of the look-back has memory datapoints (Lambda Insights; minimum ${Math.round(p.minDataCoverage * 100)} %)`,
      });
      continue;
    }
    // Lambda Insights reports memory used as a percentage of the configured memory.
    const usedMb = (configuration.memorySize * memory.value) / 100;
    const recommendedMb = lambdaMemoryFor(usedMb / p.targetUtilization);
    if (recommendedMb === configuration.memorySize) {
      skipped.push({ targetKey: key, reason: `right-sized at ${recommendedMb} MB` });
      continue;
    }
    const invocationCount = invocations.reduce((sum, point) => sum + (point.values.Sum ?? 0), 0);
    const durations = duration.map((point) => point.values.Average ?? 0);
    const averageMs = durations.length > 0 ? durations.reduce((a, b) => a + b, 0) / durations.length : 0;
    const monthlySeconds = (invocationCount * (averageMs / 1000) * (30 * 86_400_000)) / p.lookback;
    const currentCost = lambdaMonthlyCost(configuration.memorySize, monthlySeconds);
    const recommendedCost = lambdaMonthlyCost(recommendedMb, monthlySeconds);
    recommendations.push({
      id: `${call.run.runId}-${recommendations.length + 1}`,
      target: { type: "lambda-function", functionName },
      targetKey: key,
      current: { memoryMb: configuration.memorySize },
      recommended: { memoryMb: recommendedMb },
      utilization: { memory: round2(memory.value) },
      coverage: round2(memory.coverage),
      currentMonthlyCost: currentCost,
      recommendedMonthlyCost: recommendedCost,
      estimatedMonthlySavings: round2(currentCost - recommendedCost),
      direction: recommendedMb < configuration.memorySize ? "smaller" : "larger",
    });
  }

  for (const r of recommendations) {
    await store.saveRecommendation({
      id: r.id,
      target: r.targetKey,
      policy: call.run.policy,
      runbook: "rightsize",
      current: r.current,
      recommended: r.recommended,
      estimatedMonthlySavings: r.estimatedMonthlySavings,
      currency: PRICE_TABLE.currency,
      basis: {
        utilization: r.utilization,
        coverage: r.coverage,
        statistic: p.statistic,
        lookbackMs: p.lookback,
      },
      runId: call.run.runId,
    });
  }

  const eligible: Recommendation[] = [];
  for (const r of recommendations) {
    if (r.direction === "smaller" && r.estimatedMonthlySavings < p.minMonthlySavings) {
      skipped.push({
        targetKey: r.targetKey,
        reason: `saves ${r.estimatedMonthlySavings} USD/month, below the ${p.minMonthlySavings} USD threshold`,
      });
      continue;
    }
    const cooldown = await store.getCooldown({ policy: call.run.policy, target: resizedKey(r.targetKey) });
    if (cooldown.active) {
      skipped.push({
        targetKey: r.targetKey,
        reason: `changed recently; left alone until ${cooldown.cooldown.until}`,
      });
      continue;
    }
    eligible.push(r);
  }
  const cap = blastRadiusCap(call, ecs.length + lambda.length);
  const toApply = eligible.slice(0, cap).map((r) => r.id);
  for (const r of eligible.slice(cap)) {
    skipped.push({ targetKey: r.targetKey, reason: `over the blast radius (${cap} per run)` });
  }
  const savings = round2(recommendations.reduce((sum, r) => sum + r.estimatedMonthlySavings, 0));
  return {
    recommendations,
    toApply,
    applyCount: toApply.length,
    skipped,
    verifyWaitSeconds: Math.ceil(p.verifyWindow / 1000),
    approvalTimeoutSeconds: Math.max(60, Math.ceil((call.run.approval?.deadlineMs ?? 3_600_000) / 1000)),
    summary: `${recommendations.length} recommendation(s), ${savings} USD/month estimated; ${toApply.length} to apply, ${skipped.length} skipped`,
  } satisfies RightsizePlan;
};

async function firingAlarms({ ports }: StepContext, dimensions: Record<string, string>): Promise<string[]> {
  const alarms = await ports.cloudwatch.listAlarmsForDimensions(dimensions);
  return alarms.filter((alarm) => alarm.state === "ALARM").map((alarm) => alarm.name);
}

function blastRadiusCap(call: StepCall, candidateCount: number): number {
  const radius = call.run.blastRadius;
  let cap = Number.POSITIVE_INFINITY;
  if (radius?.maxCount !== undefined) cap = Math.min(cap, radius.maxCount);
  if (radius?.maxPercent !== undefined)
    cap = Math.min(cap, Math.floor((candidateCount * radius.maxPercent) / 100));
  return Number.isFinite(cap) ? cap : candidateCount;
}

function applicable(call: StepCall): Recommendation[] {
  const rightsizePlan = stepResult<RightsizePlan>(call.state, "plan");
  if (!rightsizePlan) throw new RunbookStepError("no rightsizing plan in the state");
  return rightsizePlan.recommendations.filter((r) => rightsizePlan.toApply.includes(r.id));
}

async function resize(context: StepContext, r: Recommendation, size: Size & { taskDefinitionArn?: string }) {
  if (r.target.type === "ecs-service") {
    if (!("cpu" in size)) throw new RunbookStepError(`${r.targetKey}: an ECS size needs CPU and memory`);
    const taskDefinitionArn =
      size.taskDefinitionArn ??
      (await context.ports.ecs.registerResizedTaskDefinition(r.current.taskDefinitionArn ?? "", size))
        .taskDefinitionArn;
    await context.ports.ecs.updateServiceTaskDefinition(
      r.target.cluster,
      r.target.service,
      taskDefinitionArn,
    );
    return { taskDefinitionArn };
  }
  if (!("memoryMb" in size)) throw new RunbookStepError(`${r.targetKey}: a Lambda size is its memory`);
  await context.ports.lambda.updateFunctionMemory(r.target.functionName, size.memoryMb);
  return {};
}

/** Applies the recommendations the plan allows, each audited and followed by a per-target cooldown. */
export const apply: StepHandler = async (call, context) => {
  const { store, clock } = context;
  const recommendations = applicable(call);
  if (recommendations.length > 0) await markRunning(call, context);
  const applied: { id: string; targetKey: string; taskDefinitionArn?: string }[] = [];
  for (const r of recommendations) {
    const result = await resize(context, r, r.recommended);
    applied.push({ id: r.id, targetKey: r.targetKey, ...result });
    await store.startCooldown({
      policy: call.run.policy,
      target: resizedKey(r.targetKey),
      until: new Date(clock.now().getTime() + RIGHTSIZE_TARGET_COOLDOWN_MS).toISOString(),
      runId: call.run.runId,
      reason: "rightsized",
    });
    await store.appendAudit({
      kind: "action",
      action: "resized",
      actor: "workflow",
      reason: `${r.targetKey}: ${JSON.stringify(r.current)} → ${JSON.stringify(r.recommended)}, ${r.estimatedMonthlySavings} USD/month`,
      policy: call.run.policy,
      target: r.targetKey,
      runId: call.run.runId,
    });
  }
  return { applied, appliedAt: clock.now().toISOString() };
};

/**
 * After the verify window: a target whose alarms fired is put back to its previous size; the others keep
 * the new size and their recommendation is marked applied.
 */
export const verify: StepHandler = async (call, context) => {
  const { ports, store } = context;
  const reverted: string[] = [];
  const kept: string[] = [];
  for (const r of applicable(call)) {
    const dimensions: Record<string, string> =
      r.target.type === "ecs-service"
        ? { ClusterName: r.target.cluster, ServiceName: r.target.service }
        : { FunctionName: r.target.functionName };
    const alarms = await ports.cloudwatch.listAlarmsForDimensions(dimensions);
    const firing = alarms.filter((alarm) => alarm.state === "ALARM");
    if (firing.length === 0) {
      kept.push(r.targetKey);
      await store.setRecommendationStatus({ id: r.id, status: "applied" });
      continue;
    }
    await resize(context, r, r.current);
    reverted.push(r.targetKey);
    await store.appendAudit({
      kind: "action",
      action: "reverted",
      actor: "workflow",
      reason: `${r.targetKey} back to ${JSON.stringify(r.current)}: ${firing.map((a) => a.name).join(", ")} in ALARM after resizing`,
      policy: call.run.policy,
      target: r.targetKey,
      runId: call.run.runId,
    });
  }
  const status = reverted.length > 0 ? "reverted" : "succeeded";
  return {
    status,
    reverted,
    kept,
    detail:
      reverted.length > 0
        ? `reverted ${reverted.join(", ")} after alarms fired; kept ${kept.length}`
        : `applied ${kept.length} change(s); alarms stayed OK`,
  };
};

export const rightsizeSteps: Record<string, StepHandler> = { plan, apply, verify };
