import type { ApprovalEscalationSweep } from "@architech/core";
import type { VirtualClock } from "../clock.ts";
import type { RuntimeLogEntry } from "./live-log.ts";

/** How often the embedded runtime sweeps for approvals to escalate (virtual time), as the AWS schedule does. */
export const ESCALATION_SWEEP_MS = 60_000;

export interface EscalationSweepOptions {
  clock: VirtualClock;
  /** One sweep: core's `escalateApprovals` over the runtime's store, policies and notifier. */
  sweep: () => Promise<ApprovalEscalationSweep>;
  log: (entry: Omit<RuntimeLogEntry, "at">) => void;
  /** Default {@link ESCALATION_SWEEP_MS}. */
  intervalMs?: number;
}

/**
 * Runs the approval escalation sweep every minute of the virtual clock, the embedded counterpart of the
 * schedule that invokes it on AWS. Escalations and failures go to the live log; a failed sweep is tried
 * again a minute later. Minutes the clock jumps over in one go (a long Wait state) make one sweep, not
 * one each. Returns its stopper, which waits for a sweep under way.
 *
 * @example
 * const stop = startEscalationSweep({ clock, sweep: () => escalateApprovals({ store, policies, notifier, clock }), log: emit });
 * await stop();
 */
export function startEscalationSweep(options: EscalationSweepOptions): () => Promise<void> {
  const { clock, sweep, log, intervalMs = ESCALATION_SWEEP_MS } = options;
  const abort = new AbortController();
  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        await clock.waitUntil(new Date(clock.now().getTime() + intervalMs), { signal: abort.signal });
      } catch {
        return;
      }
      try {
        const result = await sweep();
        for (const approvalId of result.escalated) {
          log({ kind: "notification", text: `approval ${approvalId} still pending: on-call mentioned` });
        }
        for (const { approvalId, error } of result.failed) {
          log({ kind: "error", text: `escalating approval ${approvalId}: ${messageOf(error)}` });
        }
      } catch (error) {
        log({ kind: "error", text: `approval escalation sweep: ${messageOf(error)}` });
      }
    }
  };
  const running = loop();
  return async () => {
    abort.abort(new Error("the escalation sweep was stopped"));
    await running;
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
