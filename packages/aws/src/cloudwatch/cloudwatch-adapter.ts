import {
  type AlarmDescription,
  type AlarmState,
  type CloudWatchPort,
  type MetricDatapoint,
  type MetricQuery,
  PortRequestError,
  TransientPortError,
} from "@architech/core";
import {
  type CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  type Dimension,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { toPortError } from "../errors.ts";

export interface AwsCloudWatchAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: CloudWatchClient;
}

const ALARM_STATES = new Set<string>(["OK", "ALARM", "INSUFFICIENT_DATA"]);

/** The most DescribeAlarms answers per page: fewer pages, fewer calls against the API's rate limit. */
const ALARMS_PER_PAGE = 100;

/**
 * {@link CloudWatchPort} on the CloudWatch API. Metric statistics come from GetMetricData, which serves
 * percentiles (`p95`) and pages, rather than GetMetricStatistics. Errors are port errors; throttling is a
 * `TransientPortError`.
 *
 * @example
 * const cloudwatch = new AwsCloudWatchAdapter({ client: new CloudWatchClient({ maxAttempts: 5 }) });
 * const alarm = await cloudwatch.describeAlarm("checkout-api-5xx");
 * if (alarm?.state === "ALARM") planRollback(alarm);
 */
export class AwsCloudWatchAdapter implements CloudWatchPort {
  readonly #client: CloudWatchClient;

  constructor(options: AwsCloudWatchAdapterOptions) {
    this.#client = options.client;
  }

  async describeAlarm(name: string): Promise<AlarmDescription | undefined> {
    const output = await send({ action: "DescribeAlarms", resource: `CloudWatch alarm ${name}` }, () =>
      this.#client.send(
        new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }),
      ),
    );
    const metricAlarm = output.MetricAlarms?.find((alarm) => alarm.AlarmName === name);
    if (metricAlarm !== undefined) return toAlarmDescription(metricAlarm, metricDimensions(metricAlarm));
    const compositeAlarm = output.CompositeAlarms?.find((alarm) => alarm.AlarmName === name);
    // A composite alarm combines other alarms through a rule: it watches no metric of its own.
    if (compositeAlarm !== undefined) return toAlarmDescription(compositeAlarm, []);
    return undefined;
  }

  async listAlarmsForDimensions(dimensions: Record<string, string>): Promise<AlarmDescription[]> {
    const wanted = Object.entries(dimensions);
    const alarms: AlarmDescription[] = [];
    let nextToken: string | undefined;
    do {
      const page = await send({ action: "DescribeAlarms", resource: "CloudWatch metric alarms" }, () =>
        this.#client.send(
          new DescribeAlarmsCommand({
            AlarmTypes: ["MetricAlarm"],
            MaxRecords: ALARMS_PER_PAGE,
            NextToken: nextToken,
          }),
        ),
      );
      for (const alarm of page.MetricAlarms ?? []) {
        const metrics = metricDimensions(alarm);
        if (metrics.some((carried) => wanted.every(([name, value]) => carried[name] === value))) {
          alarms.push(toAlarmDescription(alarm, metrics));
        }
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return alarms;
  }

  async getMetricStatistics(query: MetricQuery): Promise<MetricDatapoint[]> {
    const resource = `CloudWatch metric ${query.namespace} ${query.metricName}`;
    if (query.statistics.length === 0) return [];
    const startTime = parseTime(query.start, "start", resource);
    const endTime = parseTime(query.end, "end", resource);
    const statisticById = new Map(query.statistics.map((statistic, index) => [`m${index}`, statistic]));
    const queries: MetricDataQuery[] = [...statisticById].map(([id, statistic]) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: query.namespace,
          MetricName: query.metricName,
          Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        // The period is the caller's: CloudWatch keeps 1-minute data for 15 days, 5-minute data for 63
        // days and 1-hour data for 455 days, and the caller picks the one its window needs.
        Period: query.periodSeconds,
        Stat: statistic,
      },
    }));

    const byTimestamp = new Map<number, Record<string, number>>();
    let nextToken: string | undefined;
    do {
      const page = await send({ action: "GetMetricData", resource }, () =>
        this.#client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: startTime,
            EndTime: endTime,
            ScanBy: "TimestampAscending",
            NextToken: nextToken,
          }),
        ),
      );
      for (const result of page.MetricDataResults ?? []) {
        const statistic = statisticById.get(result.Id ?? "");
        if (statistic === undefined) continue;
        checkStatus(result, statistic, resource);
        const values = result.Values ?? [];
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          const value = values[index];
          if (value === undefined) return;
          const time = timestamp.getTime();
          const datapoint = byTimestamp.get(time) ?? {};
          datapoint[statistic] = value;
          byTimestamp.set(time, datapoint);
        });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);

    return [...byTimestamp]
      .sort(([a], [b]) => a - b)
      .map(([time, values]) => ({ timestamp: new Date(time).toISOString(), values }));
  }
}

interface SendContext {
  action: string;
  resource: string;
}

async function send<T>(context: SendContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPortError(error, context.resource, context);
  }
}

function toAlarmDescription(
  alarm: MetricAlarm | CompositeAlarm,
  metrics: Record<string, string>[],
): AlarmDescription {
  const name = required(alarm.AlarmName, "the name of an alarm");
  const state = alarm.StateValue;
  if (state === undefined || !isAlarmState(state)) {
    throw new PortRequestError(`CloudWatch alarm ${name} has an unknown state ${String(state)}`);
  }
  const updatedAt = alarm.StateUpdatedTimestamp ?? alarm.StateTransitionedTimestamp;
  return {
    name,
    arn: required(alarm.AlarmArn, `the ARN of CloudWatch alarm ${name}`),
    state,
    stateReason: alarm.StateReason ?? "",
    stateUpdatedAt: required(updatedAt, `the state time of CloudWatch alarm ${name}`).toISOString(),
    dimensions: mergeDimensions(metrics),
  };
}

function isAlarmState(state: string): state is AlarmState {
  return ALARM_STATES.has(state);
}

/**
 * The dimensions of every metric the alarm watches: its single metric, or each metric a metric-math
 * alarm reads (`Metrics[].MetricStat.Metric`).
 */
function metricDimensions(alarm: MetricAlarm): Record<string, string>[] {
  const metrics: Record<string, string>[] = [];
  if (alarm.Dimensions !== undefined && alarm.Dimensions.length > 0) metrics.push(toRecord(alarm.Dimensions));
  for (const query of alarm.Metrics ?? []) {
    const dimensions = query.MetricStat?.Metric?.Dimensions;
    if (dimensions !== undefined && dimensions.length > 0) metrics.push(toRecord(dimensions));
  }
  return metrics;
}

/** One record across all metrics; where two metrics disagree on a dimension, the first one's value wins. */
function mergeDimensions(metrics: Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const dimensions of metrics) {
    for (const [name, value] of Object.entries(dimensions)) {
      if (!(name in merged)) merged[name] = value;
    }
  }
  return merged;
}

function toRecord(dimensions: Dimension[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { Name, Value } of dimensions) {
    if (Name !== undefined && Value !== undefined) record[Name] = Value;
  }
  return record;
}

function parseTime(value: string, what: string, resource: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new PortRequestError(`GetMetricData on ${resource}: the ${what} time ${value} is not a date`);
  }
  return time;
}

/** A query that CloudWatch could not (fully) answer: `InternalError` may pass, `Forbidden` will not. */
function checkStatus(result: MetricDataResult, statistic: string, resource: string): void {
  const messages = (result.Messages ?? []).map((message) => `${message.Code}: ${message.Value}`).join("; ");
  const detail = messages === "" ? "" : ` (${messages})`;
  if (result.StatusCode === "InternalError") {
    throw new TransientPortError(
      `GetMetricData on ${resource}: ${statistic} failed inside CloudWatch${detail}`,
    );
  }
  if (result.StatusCode === "Forbidden") {
    throw new PortRequestError(`GetMetricData on ${resource}: ${statistic} is forbidden${detail}`);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`CloudWatch answered without ${what}`);
  return value;
}
