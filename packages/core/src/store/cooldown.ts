import { z } from "zod";
import { KeyPartSchema, TextSchema, TimestampSchema } from "./schema.ts";

/** A (policy, target) pair that must not be acted upon again before `until`. */
export const CooldownSchema = z.object({
  policy: KeyPartSchema,
  target: KeyPartSchema,
  startedAt: TimestampSchema,
  until: TimestampSchema,
  reason: TextSchema.optional(),
  runId: KeyPartSchema.optional(),
});
export type Cooldown = z.output<typeof CooldownSchema>;

/** Input of {@link CooldownStore.startCooldown}; `until` must be in the future. */
export const StartCooldownInputSchema = z.object({
  policy: KeyPartSchema,
  target: KeyPartSchema,
  until: TimestampSchema,
  reason: TextSchema.optional(),
  runId: KeyPartSchema.optional(),
});
export type StartCooldownInput = z.input<typeof StartCooldownInputSchema>;

/** Identifies a cooldown. */
export const CooldownKeySchema = z.object({ policy: KeyPartSchema, target: KeyPartSchema });
export type CooldownKey = z.input<typeof CooldownKeySchema>;

export type StartCooldownResult =
  | { started: true; cooldown: Cooldown }
  | { started: false; current: Cooldown };

export type CooldownStatus = { active: true; cooldown: Cooldown } | { active: false };

/**
 * True while `now` is before `until`: the cooldown is over at exactly its `until` instant.
 *
 * @example
 * isCooldownActive(cooldown, new Date(cooldown.until)); // false
 */
export function isCooldownActive(cooldown: Cooldown, now: Date): boolean {
  return now.getTime() < Date.parse(cooldown.until);
}

/**
 * Per-(policy, target) cooldowns.
 *
 * @example
 * const status = await store.getCooldown({ policy, target });
 * if (status.active) return suppress(`cooling down until ${status.cooldown.until}`);
 * await store.startCooldown({ policy, target, until: new Date(now + 30 * 60_000) });
 */
export interface CooldownStore {
  /** Starts a cooldown unless one is active (then reports it): conditional, so racing starts agree. */
  startCooldown(input: StartCooldownInput): Promise<StartCooldownResult>;
  getCooldown(key: CooldownKey): Promise<CooldownStatus>;
}
