import { routerHandler } from "@architech/aws";
import { routeEvent, type SchedulerInput } from "@architech/core";

/**
 * EventBridge Scheduler → router: the schedule's input names the policy to run. An input that is not a
 * schedule input is rejected and audited, not retried.
 */
export const handler = routerHandler((event: SchedulerInput, deps) => routeEvent(event, deps));
