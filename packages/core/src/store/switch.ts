import { z } from "zod";
import { ActorSchema, KeyPartSchema, TextSchema, TimestampSchema } from "./schema.ts";

/** The global kill switch: while engaged, nothing acts automatically. */
export const KillSwitchSchema = z.object({
  engaged: z.boolean(),
  reason: TextSchema,
  by: ActorSchema,
  at: TimestampSchema,
});
export type KillSwitch = z.output<typeof KillSwitchSchema>;

/** A paused policy (by a person, or by the circuit breaker), until `until` or until resumed. */
export const PolicyPauseSchema = z.object({
  policy: KeyPartSchema,
  reason: TextSchema,
  by: ActorSchema,
  at: TimestampSchema,
  until: TimestampSchema.optional(),
});
export type PolicyPause = z.output<typeof PolicyPauseSchema>;

/** A window in which nothing acts automatically, for the listed policies or (empty list) for all. */
export const ScheduledFreezeSchema = z
  .object({
    id: KeyPartSchema,
    start: TimestampSchema,
    end: TimestampSchema,
    reason: TextSchema,
    by: ActorSchema,
    at: TimestampSchema,
    policies: z.array(KeyPartSchema).max(100),
  })
  .refine((window) => window.start < window.end, { path: ["end"], message: "must be after start" });
export type ScheduledFreeze = z.output<typeof ScheduledFreezeSchema>;

/** Input of {@link SwitchStore.setKillSwitch}. */
export const SetKillSwitchInputSchema = KillSwitchSchema.omit({ at: true });
export type SetKillSwitchInput = z.input<typeof SetKillSwitchInputSchema>;

/** Input of {@link SwitchStore.pausePolicy}; `until`, when given, must be in the future. */
export const PausePolicyInputSchema = PolicyPauseSchema.omit({ at: true });
export type PausePolicyInput = z.input<typeof PausePolicyInputSchema>;

/** Input of {@link SwitchStore.addFreezeWindow}. */
export const AddFreezeWindowInputSchema = z
  .object({
    id: KeyPartSchema,
    start: TimestampSchema,
    end: TimestampSchema,
    reason: TextSchema,
    by: ActorSchema,
    policies: z.array(KeyPartSchema).max(100).default([]),
  })
  .refine((window) => window.start < window.end, { path: ["end"], message: "must be after start" });
export type AddFreezeWindowInput = z.input<typeof AddFreezeWindowInputSchema>;

/** Everything that can stop automation, as it stands now: lapsed pauses and past windows left out. */
export interface Switches {
  readonly killSwitch: KillSwitch | undefined;
  readonly pauses: PolicyPause[];
  readonly freezeWindows: ScheduledFreeze[];
}

/**
 * Why automation must not act for `policy` at `now`, or `undefined` when nothing stops it.
 *
 * @example
 * const stop = switchBlocking(await store.readSwitches(), policy, new Date());
 * if (stop) return suppress(stop);
 */
export function switchBlocking(switches: Switches, policy: string, now: Date): string | undefined {
  if (switches.killSwitch?.engaged)
    return `kill switch engaged by ${switches.killSwitch.by}: ${switches.killSwitch.reason}`;
  const at = now.getTime();
  const pause = switches.pauses.find(
    (p) => p.policy === policy && (p.until === undefined || at < Date.parse(p.until)),
  );
  if (pause) return `policy ${policy} paused by ${pause.by}: ${pause.reason}`;
  const freeze = switches.freezeWindows.find(
    (w) =>
      (w.policies.length === 0 || w.policies.includes(policy)) &&
      Date.parse(w.start) <= at &&
      at < Date.parse(w.end),
  );
  if (freeze) return `freeze window ${freeze.id} until ${freeze.end}: ${freeze.reason}`;
  return undefined;
}

/**
 * The kill switch, policy pauses and freeze windows: all in one partition, read in one strongly
 * consistent query.
 *
 * @example
 * await store.pausePolicy({ policy: "rollback-api", reason: "3 failed runs in 1 h", by: "circuit-breaker" });
 */
export interface SwitchStore {
  setKillSwitch(input: SetKillSwitchInput): Promise<KillSwitch>;
  pausePolicy(input: PausePolicyInput): Promise<PolicyPause>;
  resumePolicy(policy: string): Promise<{ resumed: boolean }>;
  addFreezeWindow(input: AddFreezeWindowInput): Promise<ScheduledFreeze>;
  removeFreezeWindow(id: string): Promise<{ removed: boolean }>;
  readSwitches(): Promise<Switches>;
}
