import { z } from "zod";
import { ArchitechError } from "../../errors.ts";
import type { AccountPorts } from "../../ports/index.ts";
import type { Clock, RunInput } from "../../router/ports.ts";
import type { Store } from "../../store/store.ts";

/** What every step handler works with: the account (AWS or the sandbox), the store and the clock. */
export interface StepContext {
  ports: AccountPorts;
  store: Store;
  clock: Clock;
}

/**
 * The payload a workflow's Task sends to the step function: the step's name, the run (the execution's
 * input, kept under `$.run`), the whole state so far, and per-step extras.
 */
export const StepCallSchema = z.looseObject({
  step: z.string().min(1),
  run: z.looseObject({
    runId: z.string().min(1),
    policy: z.string().min(1),
    runbook: z.string().min(1),
    mode: z.enum(["auto", "approve", "dry-run"]),
    params: z.record(z.string(), z.unknown()),
    target: z.looseObject({ type: z.string() }),
    targetKey: z.string().min(1),
    lease: z.object({ owner: z.string(), token: z.number().int(), expiresAt: z.string() }),
    concurrencySlot: z
      .object({ key: z.string().min(1), owner: z.string().min(1), token: z.number().int() })
      .optional(),
    trigger: z.looseObject({ signalId: z.string(), type: z.string(), time: z.string() }),
  }),
  state: z.record(z.string(), z.unknown()).default({}),
  taskToken: z.string().optional(),
});

export interface StepCall {
  step: string;
  run: RunInput;
  state: Record<string, unknown>;
  taskToken?: string;
  [extra: string]: unknown;
}

export type StepHandler = (call: StepCall, context: StepContext) => Promise<Record<string, unknown>>;

/**
 * A step that cannot succeed (bad payload, a refused request, an unknown step). Permanent: the workflow's
 * Catch records it as the run's failure; only `Transient…` errors are retried.
 */
export class RunbookStepError extends ArchitechError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("RunbookStepFailed", message, options);
  }
}

/** A person denied the approval. The workflow's Catch on `ApprovalDenied` records the run as cancelled. */
export class ApprovalDenied extends ArchitechError {
  constructor(message: string) {
    super("ApprovalDenied", message);
  }
}

/** Reads `state[key].value`, the shape every Task's `ResultSelector` gives a step's result. */
export function stepResult<T = Record<string, unknown>>(
  state: Record<string, unknown>,
  key: string,
): T | undefined {
  const entry = state[key];
  if (typeof entry !== "object" || entry === null) return undefined;
  return (entry as { value?: T }).value;
}
