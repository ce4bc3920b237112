import { z } from "zod";
import { parseEcsServiceArn } from "./arn.ts";
import { eventBridgeEventSchema } from "./eventbridge.ts";
import type { Delivery, DeploymentSignal } from "./signal.ts";
import { AwsTimestampSchema, isoTimestamp } from "./time.ts";

const DEPLOYMENT_STATUS = {
  SERVICE_DEPLOYMENT_IN_PROGRESS: "IN_PROGRESS",
  SERVICE_DEPLOYMENT_COMPLETED: "COMPLETED",
  SERVICE_DEPLOYMENT_FAILED: "FAILED",
} as const;

/**
 * EventBridge `ECS Deployment State Change`. The detail names neither cluster nor service: the service
 * ARN is the event's only resource.
 */
export const EcsDeploymentStateChangeEventSchema = eventBridgeEventSchema(
  "aws.ecs",
  "ECS Deployment State Change",
  z.object({
    eventType: z.enum(["INFO", "WARN", "ERROR"]),
    eventName: z.enum([
      "SERVICE_DEPLOYMENT_IN_PROGRESS",
      "SERVICE_DEPLOYMENT_COMPLETED",
      "SERVICE_DEPLOYMENT_FAILED",
    ]),
    deploymentId: z.string().min(1),
    updatedAt: AwsTimestampSchema,
    reason: z.string(),
  }),
).refine((event) => event.resources?.some((arn) => parseEcsServiceArn(arn) !== undefined) === true, {
  message: "an ECS deployment event names its service ARN in resources",
  path: ["resources"],
});
export type EcsDeploymentStateChangeEvent = z.infer<typeof EcsDeploymentStateChangeEventSchema>;

// "ECS deployment circuit breaker: rolling back to deploymentId …" is how ECS announces a rollback
// deployment; the documentation says the reason is the only difference from an initial deployment.
const ROLLBACK_REASON = /rolling back/i;

export function deploymentSignalFromEcsEvent(
  event: EcsDeploymentStateChangeEvent,
  delivery: Delivery,
): DeploymentSignal {
  const resources = event.resources ?? [];
  // The schema guarantees a service ARN among the resources.
  const serviceArn = resources.find((arn) => parseEcsServiceArn(arn) !== undefined) ?? "";
  const service = parseEcsServiceArn(serviceArn) ?? { cluster: null, service: "" };
  return {
    type: "deployment",
    id: event.id,
    time: isoTimestamp(event.time),
    account: event.account,
    region: event.region,
    resources,
    source: { service: "aws.ecs", kind: "ecs-deployment-state-change", envelopes: delivery.envelopes },
    raw: delivery.raw,
    eventName: event.detail.eventName,
    status: DEPLOYMENT_STATUS[event.detail.eventName],
    eventType: event.detail.eventType,
    deploymentId: event.detail.deploymentId,
    serviceArn,
    clusterName: service.cluster,
    serviceName: service.service,
    reason: event.detail.reason,
    isRollback: ROLLBACK_REASON.test(event.detail.reason),
    updatedAt: isoTimestamp(event.detail.updatedAt),
  };
}
