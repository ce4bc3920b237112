import { routeRecords, routerHandler } from "@architech/aws";
import type { SNSEvent } from "aws-lambda";

/**
 * AWS Budgets → SNS → router: each record's notification is routed as a budget-threshold signal; a
 * record that is not a Budgets notification is rejected and audited, not retried.
 */
export const handler = routerHandler((event: SNSEvent, deps) => routeRecords(event, deps));
