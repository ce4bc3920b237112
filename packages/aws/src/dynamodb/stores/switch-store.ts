import {
  AddFreezeWindowInputSchema,
  KeyPartSchema,
  type KillSwitch,
  PausePolicyInputSchema,
  type PolicyPause,
  parseStoreInput,
  type ScheduledFreeze,
  SetKillSwitchInputSchema,
  StoreError,
  type SwitchStore,
} from "@architech/core";
import { guard, type StoreContext, ttlSeconds } from "../context.ts";
import type { SwitchItem } from "../entities/switch.ts";

const KILL_SWITCH_NAME = "global";

/** {@link SwitchStore} on the switch entity: the kill switch, pauses and freeze windows in one partition. */
export function createSwitchStore(context: StoreContext): SwitchStore {
  const { switch: switches } = context.entities;

  const rejectPast = (operation: string, field: string, at: string | undefined): void => {
    if (at !== undefined && at <= context.now().toISOString()) {
      throw new StoreError("InvalidStoreInput", `${operation}: ${field} ${at} is not in the future`, {
        issues: [`${field}: must be in the future`],
      });
    }
  };

  return {
    setKillSwitch: (raw) =>
      guard("setKillSwitch", async () => {
        const input = parseStoreInput(SetKillSwitchInputSchema, raw, "setKillSwitch");
        const killSwitch: KillSwitch = { ...input, at: context.now().toISOString() };
        await switches.put({ kind: "kill", name: KILL_SWITCH_NAME, ...killSwitch }).go();
        return killSwitch;
      }),

    pausePolicy: (raw) =>
      guard("pausePolicy", async () => {
        const input = parseStoreInput(PausePolicyInputSchema, raw, "pausePolicy");
        rejectPast("pausePolicy", "until", input.until);
        const pause: PolicyPause = { ...input, at: context.now().toISOString() };
        await switches
          .put({
            kind: "pause",
            name: pause.policy,
            reason: pause.reason,
            by: pause.by,
            at: pause.at,
            until: pause.until,
            ttl: pause.until === undefined ? undefined : ttlSeconds(pause.until),
          })
          .go();
        return pause;
      }),

    resumePolicy: (policy) =>
      guard("resumePolicy", async () => {
        const name = parseStoreInput(KeyPartSchema, policy, "resumePolicy");
        const { data } = await switches.delete({ kind: "pause", name }).go({ response: "all_old" });
        return { resumed: data !== null && data !== undefined };
      }),

    addFreezeWindow: (raw) =>
      guard("addFreezeWindow", async () => {
        const input = parseStoreInput(AddFreezeWindowInputSchema, raw, "addFreezeWindow");
        rejectPast("addFreezeWindow", "end", input.end);
        const window: ScheduledFreeze = { ...input, at: context.now().toISOString() };
        await switches
          .put({
            kind: "freeze",
            name: window.id,
            reason: window.reason,
            by: window.by,
            at: window.at,
            start: window.start,
            end: window.end,
            policies: window.policies,
            ttl: ttlSeconds(window.end),
          })
          .go();
        return window;
      }),

    removeFreezeWindow: (id) =>
      guard("removeFreezeWindow", async () => {
        const name = parseStoreInput(KeyPartSchema, id, "removeFreezeWindow");
        const { data } = await switches.delete({ kind: "freeze", name }).go({ response: "all_old" });
        return { removed: data !== null && data !== undefined };
      }),

    readSwitches: () =>
      guard("readSwitches", async () => {
        const { data } = await switches.query.all({}).go({ consistent: true, pages: "all" });
        const now = context.now().toISOString();
        let killSwitch: KillSwitch | undefined;
        const pauses: PolicyPause[] = [];
        const freezeWindows: ScheduledFreeze[] = [];
        for (const item of data as SwitchItem[]) {
          if (item.kind === "kill") {
            killSwitch = { engaged: item.engaged === true, reason: item.reason, by: item.by, at: item.at };
          } else if (item.kind === "pause" && (item.until === undefined || item.until > now)) {
            pauses.push({
              policy: item.name,
              reason: item.reason,
              by: item.by,
              at: item.at,
              ...(item.until === undefined ? {} : { until: item.until }),
            });
          } else if (
            item.kind === "freeze" &&
            item.end !== undefined &&
            item.start !== undefined &&
            item.end > now
          ) {
            freezeWindows.push({
              id: item.name,
              start: item.start,
              end: item.end,
              reason: item.reason,
              by: item.by,
              at: item.at,
              policies: item.policies ?? [],
            });
          }
        }
        return { killSwitch, pauses, freezeWindows };
      }),
  };
}
