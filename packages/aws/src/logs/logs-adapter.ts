import { type LogGroup, type LogsPort, PortRequestError } from "@architech/core";
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  type LogGroup as SdkLogGroup,
} from "@aws-sdk/client-cloudwatch-logs";
import { isPortError, sdkErrorName, toPortError } from "../errors.ts";

export interface AwsLogsAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: CloudWatchLogsClient;
}

/**
 * {@link LogsPort} on the CloudWatch Logs API. A log group's `arn` is the one tagging and IAM name, without
 * the `:*` that DescribeLogGroups appends to its `arn` field. Errors are port errors: a missing log group
 * is a `ResourceNotFoundError`, throttling a `TransientPortError`.
 *
 * @example
 * const logs = new AwsLogsAdapter({ client: new CloudWatchLogsClient({ maxAttempts: 5 }) });
 * const forever = (await logs.listLogGroups()).filter((group) => group.retentionInDays === undefined);
 */
export class AwsLogsAdapter implements LogsPort {
  readonly #client: CloudWatchLogsClient;

  constructor(options: AwsLogsAdapterOptions) {
    this.#client = options.client;
  }

  async listLogGroups(): Promise<LogGroup[]> {
    const found: SdkLogGroup[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#send("DescribeLogGroups", "CloudWatch log groups", () =>
        this.#client.send(new DescribeLogGroupsCommand({ nextToken })),
      );
      found.push(...(page.logGroups ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    const groups: LogGroup[] = [];
    // One group after the other: ListTagsForResource has a low rate limit, and listing is not urgent.
    for (const group of found) {
      const logGroupName = required(group.logGroupName, "the name of a log group");
      const arn =
        group.logGroupArn ?? withoutWildcard(required(group.arn, `the ARN of log group ${logGroupName}`));
      const tags = await this.#listTags(arn, logGroupName);
      // Deleted between the two calls: it no longer needs a retention.
      if (tags === undefined) continue;
      const mapped: LogGroup = {
        logGroupName,
        arn,
        createdAt: new Date(
          required(group.creationTime, `the creation time of log group ${logGroupName}`),
        ).toISOString(),
        storedBytes: group.storedBytes ?? 0,
        tags,
      };
      if (group.retentionInDays !== undefined) mapped.retentionInDays = group.retentionInDays;
      groups.push(mapped);
    }
    return groups;
  }

  async putRetentionPolicy(logGroupName: string, retentionInDays: number): Promise<void> {
    await this.#send("PutRetentionPolicy", logGroupResource(logGroupName), () =>
      this.#client.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays })),
    );
  }

  /** The group's tags, or undefined when the group no longer exists. */
  async #listTags(resourceArn: string, logGroupName: string): Promise<Record<string, string> | undefined> {
    try {
      const output = await this.#client.send(new ListTagsForResourceCommand({ resourceArn }));
      return { ...output.tags };
    } catch (error) {
      if (!isPortError(error) && sdkErrorName(error) === "ResourceNotFoundException") return undefined;
      throw toPortError(error, logGroupResource(logGroupName), { action: "ListTagsForResource" });
    }
  }

  async #send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, resource, { action });
    }
  }
}

function logGroupResource(logGroupName: string): string {
  return `CloudWatch log group ${logGroupName}`;
}

/** `arn:…:log-group:/ecs/checkout-api:*` → `arn:…:log-group:/ecs/checkout-api`. */
function withoutWildcard(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`CloudWatch Logs answered without ${what}`);
  return value;
}
