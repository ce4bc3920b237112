import { z } from "zod";
import { KeyPartSchema, TimestampSchema } from "./schema.ts";

/**
 * What a Slack message the control plane keeps is about: a run (one message per run, updated in place as
 * it progresses), an alarm episode (the thread its runs reply in), or an approval (the plan with its
 * buttons, updated when decided).
 */
export const SlackThreadSubjectSchema = z.enum(["run", "alarm", "approval"]);
export type SlackThreadSubject = z.output<typeof SlackThreadSubjectSchema>;

/** A posted Slack message, kept so that it can be updated in place or threaded under. */
export const SlackThreadSchema = z.object({
  subject: SlackThreadSubjectSchema,
  /** The run id, the approval id, or the alarm episode (`<alarm arn>@<ALARM since>`). */
  id: KeyPartSchema,
  /** The channel id Slack answered with. */
  channel: z.string().min(1).max(256),
  /** Slack's message timestamp (`1700000000.000100`). */
  ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/, "a Slack message timestamp such as 1700000000.000100"),
  createdAt: TimestampSchema,
});
export type SlackThread = z.output<typeof SlackThreadSchema>;

/** Input of {@link SlackThreadStore.recordSlackThread}. */
export const RecordSlackThreadInputSchema = SlackThreadSchema.omit({ createdAt: true });
export type RecordSlackThreadInput = z.input<typeof RecordSlackThreadInputSchema>;

/** Identifies a kept message. */
export const SlackThreadKeySchema = SlackThreadSchema.pick({ subject: true, id: true });
export type SlackThreadKey = z.input<typeof SlackThreadKeySchema>;

export type RecordSlackThreadResult =
  | { recorded: true; thread: SlackThread }
  | { recorded: false; existing: SlackThread };

/**
 * The Slack messages the control plane keeps: conditional writes, so that when two writers race the
 * first message recorded is the one everybody updates and threads under.
 *
 * @example
 * const kept = await store.getSlackThread({ subject: "run", id: runId });
 * if (kept) await slack.updateMessage({ channel: kept.channel, ts: kept.ts, ...message });
 */
export interface SlackThreadStore {
  /** Records the message unless one is already recorded for (subject, id); then answers that one. */
  recordSlackThread(input: RecordSlackThreadInput): Promise<RecordSlackThreadResult>;
  getSlackThread(key: SlackThreadKey): Promise<SlackThread | undefined>;
}
