import { z } from "zod";
import { AwsTimestampSchema } from "./time.ts";

/**
 * The event Lambda receives from an SNS subscription. SNS always delivers one record per invocation.
 * Note the casing: `SigningCertUrl`/`UnsubscribeUrl` here, `…URL` in the JSON document SNS posts to
 * HTTP endpoints and SQS queues ({@link SnsNotificationSchema}).
 */
export const SnsLambdaEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal("aws:sns"),
        EventVersion: z.string().optional(),
        EventSubscriptionArn: z.string().optional(),
        Sns: z.object({
          Type: z.string(),
          MessageId: z.string().min(1),
          TopicArn: z.string(),
          Subject: z.string().nullish(),
          Message: z.string(),
          Timestamp: AwsTimestampSchema,
          SignatureVersion: z.string().optional(),
          Signature: z.string().optional(),
          SigningCertUrl: z.string().optional(),
          UnsubscribeUrl: z.string().optional(),
          MessageAttributes: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    )
    .min(1),
});
export type SnsLambdaEvent = z.infer<typeof SnsLambdaEventSchema>;

/** The JSON document of an SNS notification, as an HTTP endpoint or an SQS queue (raw delivery off) gets it. */
export const SnsNotificationSchema = z.object({
  Type: z.literal("Notification"),
  MessageId: z.string().min(1),
  TopicArn: z.string(),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: AwsTimestampSchema,
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
  SigningCertURL: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
  MessageAttributes: z.record(z.string(), z.unknown()).optional(),
});
export type SnsNotification = z.infer<typeof SnsNotificationSchema>;

/** The event Lambda receives from an SQS event source mapping (a batch of up to 10 messages). */
export const SqsLambdaEventSchema = z.object({
  Records: z
    .array(
      z.object({
        messageId: z.string().min(1),
        receiptHandle: z.string().optional(),
        body: z.string(),
        attributes: z
          .object({
            SentTimestamp: z.string().regex(/^\d+$/).optional(),
          })
          .catchall(z.string())
          .optional(),
        messageAttributes: z.record(z.string(), z.unknown()).optional(),
        md5OfBody: z.string().optional(),
        eventSource: z.literal("aws:sqs"),
        eventSourceARN: z.string().optional(),
        awsRegion: z.string().optional(),
      }),
    )
    .min(1),
});
export type SqsLambdaEvent = z.infer<typeof SqsLambdaEventSchema>;
