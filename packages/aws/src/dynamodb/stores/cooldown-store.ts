import {
  type Cooldown,
  CooldownKeySchema,
  type CooldownStore,
  isCooldownActive,
  parseStoreInput,
  StartCooldownInputSchema,
  StoreError,
} from "@architech/core";
import { attempt, compact, guard, type StoreContext, ttlSeconds } from "../context.ts";
import type { CooldownItem } from "../entities/cooldown.ts";

function toCooldown(item: CooldownItem): Cooldown {
  return compact(item) as Cooldown;
}

/**
 * {@link CooldownStore} on the cooldown entity: a put conditional on no active cooldown (absent, or its
 * `until` at or before now).
 */
export function createCooldownStore(context: StoreContext): CooldownStore {
  const { cooldown } = context.entities;

  const read = async (policy: string, target: string): Promise<Cooldown | undefined> => {
    const { data } = await cooldown.get({ policy, target }).go({ consistent: true });
    return data ? toCooldown(data) : undefined;
  };

  return {
    startCooldown: (raw) =>
      guard("startCooldown", async () => {
        const input = parseStoreInput(StartCooldownInputSchema, raw, "startCooldown");
        const nowIso = context.now().toISOString();
        if (input.until <= nowIso) {
          throw new StoreError(
            "InvalidStoreInput",
            `startCooldown: until ${input.until} is not in the future`,
            {
              issues: ["until: must be in the future"],
            },
          );
        }
        const item = { ...compact(input), startedAt: nowIso, ttl: ttlSeconds(input.until) };
        const written = await attempt(() =>
          cooldown
            .put(item)
            .where(
              (attribute, op) => `(${op.notExists(attribute.until)} OR ${op.lte(attribute.until, nowIso)})`,
            )
            .go(),
        );
        if (written.ok) return { started: true, cooldown: toCooldown(item) };
        const current = await read(input.policy, input.target);
        if (!current) throw new StoreError("ConditionFailed", "startCooldown: cooldown is contended");
        return { started: false, current };
      }),

    getCooldown: (raw) =>
      guard("getCooldown", async () => {
        const key = parseStoreInput(CooldownKeySchema, raw, "getCooldown");
        const current = await read(key.policy, key.target);
        return current && isCooldownActive(current, context.now())
          ? { active: true, cooldown: current }
          : { active: false };
      }),
  };
}
