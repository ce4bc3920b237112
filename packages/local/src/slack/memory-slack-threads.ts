import type {
  Clock,
  RecordSlackThreadInput,
  RecordSlackThreadResult,
  SlackThread,
  SlackThreadKey,
  SlackThreadStore,
} from "@architech/core";

/**
 * The Slack messages kept in memory, first recorded wins as the store's conditional write does: for a
 * sandbox account without a store (unit tests, scripts). The embedded runtime keeps them in its store.
 *
 * @example
 * const threads = createMemorySlackThreads(clock);
 * await threads.recordSlackThread({ subject: "run", id: "run-1", channel: "#oncall", ts: "1796119500.000001" });
 */
export function createMemorySlackThreads(clock: Clock): SlackThreadStore {
  const kept = new Map<string, SlackThread>();
  const keyOf = ({ subject, id }: SlackThreadKey) => `${subject}\u0000${id}`;
  return {
    async recordSlackThread(input: RecordSlackThreadInput): Promise<RecordSlackThreadResult> {
      const existing = kept.get(keyOf(input));
      if (existing) return { recorded: false, existing };
      const thread: SlackThread = {
        subject: input.subject,
        id: input.id,
        channel: input.channel,
        ts: input.ts,
        createdAt: clock.now().toISOString(),
      };
      kept.set(keyOf(input), thread);
      return { recorded: true, thread };
    },
    async getSlackThread(key: SlackThreadKey): Promise<SlackThread | undefined> {
      return kept.get(keyOf(key));
    },
  };
}
