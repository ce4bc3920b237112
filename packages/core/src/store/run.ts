import { z } from "zod";
import {
  JsonObjectSchema,
  JsonValueSchema,
  KeyPartSchema,
  PageRequestSchema,
  SortOrderSchema,
  type StorePage,
  TextSchema,
  TimeRangeSchema,
  TimestampSchema,
} from "./schema.ts";

/** How a run acts: on its own, after an approval, or as a shadow that plans but never mutates. */
export const RunModeSchema = z.enum(["auto", "approve", "dry-run"]);
export type RunMode = z.output<typeof RunModeSchema>;

/** Where a run is in its life. The last five are terminal. */
export const RunStatusSchema = z.enum([
  "pending",
  "awaiting-approval",
  "running",
  "succeeded",
  "failed",
  "reverted",
  "cancelled",
  "dry-run",
]);
export type RunStatus = z.output<typeof RunStatusSchema>;

/**
 * The moves a run may make. A non-terminal status may "move" to itself, which is how details (plan,
 * execution ARN) are recorded without changing status; terminal statuses never move.
 *
 * @example
 * runStatusTransitions.running.includes("succeeded"); // true
 */
export const runStatusTransitions: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: ["pending", "awaiting-approval", "running", "dry-run", "cancelled", "failed"],
  "awaiting-approval": ["awaiting-approval", "running", "cancelled", "failed"],
  running: ["running", "succeeded", "failed", "reverted", "cancelled", "dry-run"],
  succeeded: [],
  failed: [],
  reverted: [],
  cancelled: [],
  "dry-run": [],
};

/**
 * True when no transition leaves `status`.
 *
 * @example
 * isTerminalRunStatus("reverted"); // true
 */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return runStatusTransitions[status].length === 0;
}

/**
 * The statuses from which a run may move to `to`.
 *
 * @example
 * runStatusesLeadingTo("succeeded"); // ["running"]
 */
export function runStatusesLeadingTo(to: RunStatus): RunStatus[] {
  return RunStatusSchema.options.filter((from) => runStatusTransitions[from].includes(to));
}

/**
 * Byte budgets of a run's large attributes. Together they stay under DynamoDB's 400 KB item limit, so a
 * run that was accepted can always record its outcome.
 */
export const runAttributeBudgets = {
  signal: 64 * 1024,
  plan: 160 * 1024,
  outcome: 160 * 1024,
} as const;

/** A remediation run: one execution of a runbook against a target, for a policy, caused by a signal. */
export const RunSchema = z.object({
  id: KeyPartSchema,
  policy: KeyPartSchema,
  runbook: KeyPartSchema,
  target: KeyPartSchema,
  /** The normalized signal that triggered the run. */
  signal: JsonObjectSchema,
  mode: RunModeSchema,
  status: RunStatusSchema,
  plan: JsonValueSchema.optional(),
  outcome: JsonValueSchema.optional(),
  /** Why the run is in its status (a failure, a cancellation...). */
  reason: TextSchema.optional(),
  executionArn: z.string().min(1).max(2048).optional(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  startedAt: TimestampSchema.optional(),
  finishedAt: TimestampSchema.optional(),
});
export type Run = z.output<typeof RunSchema>;

/** Input of {@link RunStore.createRun}. A run starts `pending` (or `awaiting-approval`). */
export const CreateRunInputSchema = RunSchema.pick({
  id: true,
  policy: true,
  runbook: true,
  target: true,
  signal: true,
  mode: true,
  plan: true,
  reason: true,
}).extend({
  status: z.enum(["pending", "awaiting-approval"]).default("pending"),
});
export type CreateRunInput = z.input<typeof CreateRunInputSchema>;

/**
 * Input of {@link RunStore.transitionRun}: move run `id` to `to`, recording the given details. The move
 * only happens while the run is in one of `from` (default: every status that may lead to `to`).
 */
export const TransitionRunInputSchema = z
  .object({
    id: KeyPartSchema,
    to: RunStatusSchema,
    from: z.array(RunStatusSchema).min(1).optional(),
    plan: JsonValueSchema.optional(),
    outcome: JsonValueSchema.optional(),
    reason: TextSchema.optional(),
    executionArn: z.string().min(1).max(2048).optional(),
  })
  .superRefine((input, context) => {
    for (const from of input.from ?? []) {
      if (!runStatusTransitions[from].includes(input.to)) {
        context.addIssue({
          code: "custom",
          path: ["from"],
          message: `a run cannot move from ${from} to ${input.to}`,
        });
      }
    }
    if (runStatusesLeadingTo(input.to).length === 0) {
      context.addIssue({ code: "custom", path: ["to"], message: `no run can move to ${input.to}` });
    }
  });
export type TransitionRunInput = z.input<typeof TransitionRunInputSchema>;

/** Input of {@link RunStore.listRunsByTarget}. */
export const ListRunsByTargetInputSchema = z.object({
  target: KeyPartSchema,
  ...TimeRangeSchema.shape,
  ...PageRequestSchema.shape,
  order: SortOrderSchema.default("newest-first"),
});
export type ListRunsByTargetInput = z.input<typeof ListRunsByTargetInputSchema>;

/** Input of {@link RunStore.listRunsByStatus}. */
export const ListRunsByStatusInputSchema = z.object({
  status: RunStatusSchema,
  ...TimeRangeSchema.shape,
  ...PageRequestSchema.shape,
  order: SortOrderSchema.default("newest-first"),
});
export type ListRunsByStatusInput = z.input<typeof ListRunsByStatusInputSchema>;

/** Input of {@link RunStore.listRunsByPolicy}. */
export const ListRunsByPolicyInputSchema = z.object({
  policy: KeyPartSchema,
  ...TimeRangeSchema.shape,
  ...PageRequestSchema.shape,
  order: SortOrderSchema.default("newest-first"),
});
export type ListRunsByPolicyInput = z.input<typeof ListRunsByPolicyInputSchema>;

/** A run id is taken once: a second create reports the run that exists. */
export type CreateRunResult = { created: true; run: Run } | { created: false; existing: Run };

/** `current` is the run's status when the move was refused, `undefined` when there is no such run. */
export type TransitionRunResult =
  | { transitioned: true; run: Run }
  | { transitioned: false; current: RunStatus | undefined };

/**
 * Runs. Times are the store clock's; listings are on `createdAt`.
 *
 * @example
 * const { created } = await store.createRun({ id, policy, runbook: "rollback", target, signal, mode: "auto" });
 * const moved = await store.transitionRun({ id, to: "running", executionArn });
 * if (!moved.transitioned) audit(`run is ${moved.current}`);
 */
export interface RunStore {
  createRun(input: CreateRunInput): Promise<CreateRunResult>;
  getRun(id: string): Promise<Run | undefined>;
  /** Conditional on the current status, so two racing transitions cannot both win. */
  transitionRun(input: TransitionRunInput): Promise<TransitionRunResult>;
  listRunsByTarget(input: ListRunsByTargetInput): Promise<StorePage<Run>>;
  listRunsByStatus(input: ListRunsByStatusInput): Promise<StorePage<Run>>;
  listRunsByPolicy(input: ListRunsByPolicyInput): Promise<StorePage<Run>>;
}
