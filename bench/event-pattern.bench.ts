// The event-pattern engine under the router's load: thousands of compiled patterns, each event flattened
// once and matched against all of them. Patterns and events are generated from a fixed seed in the
// shapes AWS services emit and platform rules use, so runs are comparable.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  type CompiledEventPattern,
  compileEventPattern,
  EventPatternSet,
  flattenEvent,
} from "@architech/core";

const PATTERNS = 5_000;
const EVENTS = 10_000;
const SEED = 20_240_601;

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];
const ACCOUNTS = ["111122223333", "444455556666", "123456789012", "210987654321"];
const SERVICES = ["checkout", "payments", "search", "catalog", "auth", "orders", "billing", "inventory"];
const ENVIRONMENTS = ["prod", "staging", "dev", "sandbox"];
const EC2_STATES = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];
const BACKUP_STATES = ["CREATED", "RUNNING", "COMPLETED", "FAILED", "ABORTED", "EXPIRED"];
const ALARM_STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"];
const TASK_STATES = ["PROVISIONING", "PENDING", "RUNNING", "STOPPED", "DEPROVISIONING"];

function arn(rng: Rng, service: string, resource: string): string {
  return `arn:aws:${service}:${pick(rng, REGIONS)}:${pick(rng, ACCOUNTS)}:${resource}`;
}

function envelope(rng: Rng, source: string, detailType: string, resources: string[], detail: unknown) {
  return {
    version: "0",
    id: `${int(rng, 1e7, 9e7).toString(16)}-aaaa-4bbb-8ccc-${int(rng, 1e11, 9e11).toString(16)}`,
    "detail-type": detailType,
    source,
    account: pick(rng, ACCOUNTS),
    time: `2024-0${int(rng, 1, 9)}-1${int(rng, 0, 9)}T${int(rng, 10, 23)}:${int(rng, 10, 59)}:00Z`,
    region: pick(rng, REGIONS),
    resources,
    detail,
  };
}

const EVENT_KINDS: Array<(rng: Rng) => unknown> = [
  (rng) => {
    const id = `i-${int(rng, 1e9, 9e9).toString(16)}`;
    return envelope(
      rng,
      "aws.ec2",
      "EC2 Instance State-change Notification",
      [arn(rng, "ec2", `instance/${id}`)],
      {
        "instance-id": id,
        state: pick(rng, EC2_STATES),
      },
    );
  },
  (rng) => {
    const service = pick(rng, SERVICES);
    return envelope(
      rng,
      "aws.cloudwatch",
      "CloudWatch Alarm State Change",
      [arn(rng, "cloudwatch", `alarm:${service}-5xx`)],
      {
        alarmName: `${service}-${pick(rng, ["5xx", "latency-p99", "cpu-high", "errors"])}`,
        state: {
          value: pick(rng, ALARM_STATES),
          reason: "Threshold Crossed",
          timestamp: "2024-06-01T10:00:00Z",
        },
        previousState: { value: pick(rng, ALARM_STATES) },
        configuration: {
          metrics: [
            {
              id: "m1",
              metricStat: {
                metric: { namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count" },
                period: 60,
                stat: "Sum",
              },
            },
          ],
        },
      },
    );
  },
  (rng) => {
    const service = pick(rng, SERVICES);
    return envelope(rng, "aws.ecr", "ECR Image Action", [], {
      result: pick(rng, ["SUCCESS", "SUCCESS", "FAILURE"]),
      "repository-name": `${pick(rng, ENVIRONMENTS)}/${service}`,
      "image-digest": `sha256:${int(rng, 1e12, 9e12).toString(16)}`,
      "action-type": pick(rng, ["PUSH", "DELETE"]),
      "image-tag": `v1.${int(rng, 0, 40)}.${int(rng, 0, 9)}`,
    });
  },
  (rng) => {
    const service = pick(rng, SERVICES);
    const containers = Array.from({ length: int(rng, 1, 3) }, (_, i) => ({
      name: i === 0 ? service : `sidecar-${i}`,
      lastStatus: pick(rng, TASK_STATES),
      exitCode: rng() < 0.3 ? int(rng, 0, 137) : undefined,
      image: `${pick(rng, ACCOUNTS)}.dkr.ecr.us-east-1.amazonaws.com/${service}:v${int(rng, 1, 40)}`,
    }));
    return envelope(rng, "aws.ecs", "ECS Task State Change", [arn(rng, "ecs", `task/${service}/abc`)], {
      clusterArn: arn(rng, "ecs", `cluster/${pick(rng, ENVIRONMENTS)}`),
      group: `service:${service}`,
      lastStatus: pick(rng, TASK_STATES),
      desiredStatus: pick(rng, ["RUNNING", "STOPPED"]),
      stoppedReason: rng() < 0.2 ? "Essential container in task exited" : undefined,
      containers,
      cpu: String(pick(rng, [256, 512, 1024])),
      memory: String(pick(rng, [512, 1024, 2048])),
    });
  },
  (rng) =>
    envelope(rng, "aws.backup", "Backup Job State Change", [arn(rng, "dynamodb", "table/orders")], {
      backupJobId: `${int(rng, 1e8, 9e8)}`,
      state: pick(rng, BACKUP_STATES),
      resourceType: pick(rng, ["DynamoDB", "EBS", "RDS", "S3"]),
      backupSizeInBytes: int(rng, 1e3, 4e9),
      percentDone: `${int(rng, 0, 100)}.0`,
    }),
  (rng) =>
    envelope(rng, "aws.s3", "Object Created", [arn(rng, "s3", "my-bucket")], {
      bucket: { name: `${pick(rng, ENVIRONMENTS)}-uploads` },
      object: {
        key: `${pick(rng, ["images", "docs", "datasync", "logs"])}/${int(rng, 1, 9999)}.${pick(rng, ["png", "jpg", "pdf", "txt", "tif"])}`,
        size: int(rng, 10, 5e8),
      },
      reason: "PutObject",
    }),
  (rng) =>
    envelope(rng, "aws.cloudtrail", "AWS API Call via CloudTrail", [], {
      eventSource: pick(rng, [
        "ecs.amazonaws.com",
        "iam.amazonaws.com",
        "s3.amazonaws.com",
        "ec2.amazonaws.com",
      ]),
      eventName: pick(rng, [
        "UpdateService",
        "CreateAccessKey",
        "PutBucketAcl",
        "RunInstances",
        "DeleteBucket",
      ]),
      sourceIPAddress:
        rng() < 0.8 ? `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}` : "2001:db8::1",
      userIdentity: {
        type: pick(rng, ["IAMUser", "AssumedRole", "Root"]),
        arn: arn(rng, "iam", "user/alice"),
      },
      requestParameters: { service: pick(rng, SERVICES), desiredCount: int(rng, 0, 20) },
    }),
  (rng) =>
    envelope(
      rng,
      `com.example.${pick(rng, SERVICES)}`,
      pick(rng, ["OrderPlaced", "PaymentFailed", "Deployment"]),
      [],
      {
        environment: pick(rng, ENVIRONMENTS),
        amount: Math.round(rng() * 100_000) / 100,
        currency: pick(rng, ["USD", "EUR", "GBP"]),
        customer: {
          tier: pick(rng, ["free", "pro", "enterprise"]),
          country: pick(rng, ["US", "DE", "FR", "AU"]),
        },
        tags: Array.from({ length: int(rng, 0, 4) }, () =>
          pick(rng, ["critical", "canary", "batch", "owner:team-a"]),
        ),
      },
    ),
];

const PATTERN_KINDS: Array<(rng: Rng) => unknown> = [
  (rng) => ({
    source: ["aws.ec2"],
    "detail-type": ["EC2 Instance State-change Notification"],
    detail: { state: [pick(rng, EC2_STATES)] },
  }),
  (rng) => ({
    source: ["aws.cloudwatch"],
    "detail-type": ["CloudWatch Alarm State Change"],
    detail: { alarmName: [{ prefix: `${pick(rng, SERVICES)}-` }], state: { value: ["ALARM"] } },
  }),
  (rng) => ({
    source: ["aws.cloudwatch"],
    detail: {
      state: { value: [{ "anything-but": "OK" }] },
      configuration: {
        metrics: { metricStat: { metric: { namespace: [pick(rng, ["AWS/ApplicationELB", "AWS/ECS"])] } } },
      },
    },
  }),
  (rng) => ({
    source: ["aws.ecr"],
    "detail-type": ["ECR Image Action"],
    detail: {
      "action-type": ["PUSH"],
      result: ["SUCCESS"],
      "repository-name": [{ suffix: `/${pick(rng, SERVICES)}` }],
    },
  }),
  (rng) => ({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      lastStatus: ["STOPPED"],
      group: [`service:${pick(rng, SERVICES)}`],
      containers: { exitCode: [{ numeric: [">", 0] }] },
    },
  }),
  (rng) => ({
    source: ["aws.backup"],
    detail: {
      state: [pick(rng, ["FAILED", "ABORTED", "EXPIRED"]), "COMPLETED"],
      backupSizeInBytes: [{ numeric: [">=", int(rng, 1, 1e9)] }],
    },
  }),
  (rng) => ({
    source: ["aws.s3"],
    detail: {
      bucket: { name: [{ prefix: pick(rng, ENVIRONMENTS) }] },
      object: {
        key: [
          { wildcard: `${pick(rng, ["images", "docs", "datasync"])}/*.${pick(rng, ["png", "tif", "pdf"])}` },
        ],
      },
    },
  }),
  () => ({
    source: ["aws.cloudtrail"],
    detail: {
      eventName: ["CreateAccessKey", "PutBucketAcl", "DeleteBucket"],
      sourceIPAddress: [{ "anything-but": { prefix: "10." } }],
    },
  }),
  (rng) => ({ detail: { sourceIPAddress: [{ cidr: `10.${int(rng, 0, 255)}.0.0/16` }] } }),
  (rng) => ({
    source: [`com.example.${pick(rng, SERVICES)}`],
    $or: [
      { detail: { amount: [{ numeric: [">", int(rng, 100, 900)] }] } },
      { detail: { customer: { tier: ["enterprise"] } } },
      { "detail-type": ["PaymentFailed"] },
    ],
  }),
  (rng) => ({
    source: [{ prefix: "com.example." }],
    detail: {
      environment: [{ "equals-ignore-case": pick(rng, ENVIRONMENTS).toUpperCase() }],
      tags: ["critical"],
    },
  }),
  (rng) => ({
    account: [pick(rng, ACCOUNTS)],
    region: [{ "anything-but": [pick(rng, REGIONS)] }],
    detail: { stoppedReason: [{ exists: true }] },
  }),
  (rng) => ({
    resources: [{ prefix: `arn:aws:ec2:${pick(rng, REGIONS)}:` }],
    detail: { state: [{ "anything-but": { prefix: "stop" } }] },
  }),
  (rng) => ({
    source: ["aws.ecs"],
    detail: { stoppedReason: [{ exists: false }], lastStatus: [pick(rng, TASK_STATES)] },
  }),
];

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const gc = collectGarbage();
  const rng = random(SEED);
  const patternSources = Array.from({ length: PATTERNS }, () => pick(rng, PATTERN_KINDS)(rng));
  const events = Array.from({ length: EVENTS }, () => pick(rng, EVENT_KINDS)(rng));
  const eventTexts = events.slice(0, 1000).map((event) => JSON.stringify(event));

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let started = performance.now();
  const compiled: CompiledEventPattern[] = patternSources.map((source) => compileEventPattern(source));
  const compileMs = performance.now() - started;
  gc();
  const heapPatterns = process.memoryUsage().heapUsed - heapBefore;

  // Warm up the matching paths before timing them.
  for (const event of events.slice(0, 200)) {
    const flat = flattenEvent(event);
    for (const pattern of compiled) pattern.matches(flat);
  }

  // Every event against every pattern, each event flattened once.
  const latencies = new Float64Array(EVENTS);
  let matches = 0;
  started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const t0 = performance.now();
    const flat = flattenEvent(events[i]);
    for (const pattern of compiled) if (pattern.matches(flat)) matches++;
    latencies[i] = performance.now() - t0;
  }
  const allMs = performance.now() - started;
  latencies.sort();

  // The same through an index of the patterns.
  const set = new EventPatternSet<number>();
  for (const [i, pattern] of compiled.entries()) set.add(i, pattern);
  const setLatencies = new Float64Array(EVENTS);
  let setMatches = 0;
  started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const t0 = performance.now();
    setMatches += set.matching(events[i]).length;
    setLatencies[i] = performance.now() - t0;
  }
  const setMs = performance.now() - started;
  setLatencies.sort();
  if (setMatches !== matches)
    throw new Error(`the indexed set found ${setMatches} matches, the full scan ${matches}`);

  // One pattern, events given as JSON text (parsed with number literals kept).
  const single = compiled[0] as CompiledEventPattern;
  started = performance.now();
  for (const text of eventTexts) single.matches(text);
  const textMicros = ((performance.now() - started) * 1000) / eventTexts.length;

  gc();
  return {
    patterns: PATTERNS,
    events: EVENTS,
    compile: {
      totalMs: compileMs,
      perPatternMicros: (compileMs * 1000) / PATTERNS,
      heapMiB: heapPatterns / 2 ** 20,
    },
    allPatterns: {
      eventsPerSecond: EVENTS / (allMs / 1000),
      patternEvaluationsPerSecond: (EVENTS * PATTERNS) / (allMs / 1000),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      matches,
    },
    indexedSet: {
      eventsPerSecond: EVENTS / (setMs / 1000),
      p50Ms: percentile(setLatencies, 0.5),
      p99Ms: percentile(setLatencies, 0.99),
      matches: setMatches,
    },
    jsonTextEventMicros: textMicros,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}
