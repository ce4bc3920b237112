import { z } from "zod";
import { eventBridgeEventSchema } from "./eventbridge.ts";
import type { Delivery, ImageDeleteSignal, ImagePushSignal } from "./signal.ts";
import { isoTimestamp } from "./time.ts";

/**
 * EventBridge `ECR Image Action`: an image push or delete in a private repository, successful or not.
 * `image-tag` is absent for untagged images; `resources` is empty in every published sample.
 */
export const EcrImageActionEventSchema = eventBridgeEventSchema(
  "aws.ecr",
  "ECR Image Action",
  z.object({
    result: z.enum(["SUCCESS", "FAILURE"]),
    "repository-name": z.string().min(1),
    "image-digest": z.string().min(1),
    "action-type": z.enum(["PUSH", "DELETE"]),
    "image-tag": z.string().optional(),
  }),
);
export type EcrImageActionEvent = z.infer<typeof EcrImageActionEventSchema>;

export function imageSignalFromEcrAction(
  event: EcrImageActionEvent,
  delivery: Delivery,
): ImagePushSignal | ImageDeleteSignal {
  const common = {
    id: event.id,
    time: isoTimestamp(event.time),
    account: event.account,
    region: event.region,
    resources: event.resources ?? [],
    source: { service: "aws.ecr", kind: "ecr-image-action" as const, envelopes: delivery.envelopes },
    raw: delivery.raw,
    repositoryName: event.detail["repository-name"],
    imageDigest: event.detail["image-digest"],
    imageTag: event.detail["image-tag"] ?? null,
    result: event.detail.result,
  };
  return event.detail["action-type"] === "PUSH"
    ? { type: "image-push", ...common }
    : { type: "image-delete", ...common };
}
