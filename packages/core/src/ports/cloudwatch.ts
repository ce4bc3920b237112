export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmDescription {
  name: string;
  arn: string;
  state: AlarmState;
  stateReason: string;
  stateUpdatedAt: string;
  /** Dimensions of the metric the alarm watches (merged across metric-math inputs). */
  dimensions: Record<string, string>;
}

export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  start: string;
  end: string;
  periodSeconds: number;
  /** CloudWatch statistics: `Average`, `Maximum`, or extended statistics such as `p95`. */
  statistics: string[];
}

export interface MetricDatapoint {
  timestamp: string;
  /** One value per requested statistic. */
  values: Record<string, number>;
}

/** CloudWatch: the state of alarms (re-check before acting, verify after) and metric statistics. */
export interface CloudWatchPort {
  /** Undefined when there is no such alarm. */
  describeAlarm(name: string): Promise<AlarmDescription | undefined>;
  /** Alarms whose metrics carry all the given dimensions (e.g. ClusterName + ServiceName), all pages. */
  listAlarmsForDimensions(dimensions: Record<string, string>): Promise<AlarmDescription[]>;
  /** Datapoints in time order, every page. */
  getMetricStatistics(query: MetricQuery): Promise<MetricDatapoint[]>;
}
