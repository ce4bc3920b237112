import { z } from "zod";
import { AwsTimestampSchema } from "./time.ts";

/**
 * The EventBridge envelope of an AWS service event, with the given `source`, `detail-type` and detail
 * schema. `version` is optional because one AWS documentation sample (the CloudWatch Events "Scheduled
 * Event") omits it; nothing here reads it. `resources` is optional for the same reason (AWS Health
 * samples omit it); kinds that need a resource say so in their own schema.
 *
 * @example
 * const MyEvent = eventBridgeEventSchema("aws.ecr", "ECR Image Action", z.object({ result: z.string() }));
 */
export function eventBridgeEventSchema<
  Source extends string,
  DetailType extends string,
  Detail extends z.ZodType,
>(source: Source, detailType: DetailType, detail: Detail) {
  return z.object({
    version: z.string().optional(),
    id: z.string().min(1),
    "detail-type": z.literal(detailType),
    source: z.literal(source),
    account: z.string().min(1),
    time: AwsTimestampSchema,
    region: z.string().min(1),
    resources: z.array(z.string()).optional(),
    detail,
  });
}

/** The fields every EventBridge event has, used to recognise one before knowing its kind. */
export const EventBridgeEnvelopeSchema = z.object({
  source: z.string(),
  "detail-type": z.string(),
});
