import { SlackThreadSubjectSchema } from "@architech/core";
import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * The Slack messages the control plane keeps, one per (subject, id), written once: the first message
 * recorded is the one that is updated in place and threaded under.
 *
 * @example
 * const SlackThread = createSlackThreadEntity({ table, client });
 * const { data } = await SlackThread.get({ subject: "run", id: runId }).go({ consistent: true });
 */
export const slackThreadModel = {
  model: { entity: "slackThread", version: "1", service: "architech" },
  attributes: {
    subject: { type: SlackThreadSubjectSchema.options, required: true, readOnly: true },
    id: { type: "string", required: true, readOnly: true },
    channel: { type: "string", required: true, readOnly: true },
    ts: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    bySubject: {
      pk: { field: "pk", composite: ["subject", "id"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export function createSlackThreadEntity(config: EntityConfiguration) {
  return new Entity(slackThreadModel, config);
}
export type SlackThreadEntity = ReturnType<typeof createSlackThreadEntity>;
export type SlackThreadItem = EntityItem<SlackThreadEntity>;
