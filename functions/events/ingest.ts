import { routerHandler } from "@architech/aws";
import { routeEvent } from "@architech/core";
import type { EventBridgeEvent } from "aws-lambda";

/**
 * EventBridge → router: the events the policies' rules forward (CloudWatch alarms, ECR pushes, ECS
 * deployments, AWS Backup jobs). A malformed event is rejected and audited, not retried.
 */
export const handler = routerHandler((event: EventBridgeEvent<string, unknown>, deps) =>
  routeEvent(event, deps),
);
