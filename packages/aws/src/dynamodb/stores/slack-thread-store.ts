import {
  parseStoreInput,
  RecordSlackThreadInputSchema,
  type SlackThread,
  SlackThreadKeySchema,
  type SlackThreadStore,
  StoreError,
} from "@architech/core";
import { attempt, compact, guard, type StoreContext } from "../context.ts";
import type { SlackThreadItem } from "../entities/slack-thread.ts";

function toSlackThread(item: SlackThreadItem): SlackThread {
  return compact(item) as SlackThread;
}

/**
 * {@link SlackThreadStore} on the slack-thread entity: a create conditional on the item being absent, so
 * that of two writers racing to record the message of one run, alarm episode or approval, the first wins
 * and every other one is answered with the winner's message, which it then updates or threads under.
 */
export function createSlackThreadStore(context: StoreContext): SlackThreadStore {
  const { slackThread } = context.entities;

  const read = async (subject: SlackThread["subject"], id: string): Promise<SlackThread | undefined> => {
    const { data } = await slackThread.get({ subject, id }).go({ consistent: true });
    return data ? toSlackThread(data) : undefined;
  };

  return {
    recordSlackThread: (raw) =>
      guard("recordSlackThread", async () => {
        const input = parseStoreInput(RecordSlackThreadInputSchema, raw, "recordSlackThread");
        const item = { ...input, createdAt: context.now().toISOString() };
        const written = await attempt(() => slackThread.create(item).go());
        if (written.ok) return { recorded: true, thread: toSlackThread(written.value.data) };
        const existing = await read(input.subject, input.id);
        if (!existing) {
          throw new StoreError("ConditionFailed", "recordSlackThread: recorded but cannot be read");
        }
        return { recorded: false, existing };
      }),

    getSlackThread: (raw) =>
      guard("getSlackThread", async () => {
        const key = parseStoreInput(SlackThreadKeySchema, raw, "getSlackThread");
        return read(key.subject, key.id);
      }),
  };
}
