import {
  normalizeEvent,
  parseBudgetsMessage,
  parseEventText,
  SCHEDULER_CONTEXT_ATTRIBUTES,
  type SignalErrorCode,
  SignalSchema,
  type SignalType,
  substituteSchedulerContext,
} from "@architech/core";
import { describe, expect, it } from "vitest";
import {
  conformanceAvailable,
  listConformanceFiles,
  readConformanceJson,
  readConformanceText,
} from "./shared.ts";

type Expectation =
  /** Normalizes to this signal type, with (at least) these field values. */
  | { signal: SignalType; fields: Record<string, unknown> }
  /** A known AWS event that is not a signal. */
  | { unsupported: string }
  /** Any other typed error. */
  | { error: SignalErrorCode }
  /** Plain text of a Budgets notification: read with the message parser. */
  | { budgetsMessage: Record<string, unknown> }
  /** Not an event: a description of the data, or an EventBridge Scheduler Input template. */
  | { documentation: true }
  | { schedulerTemplate: true };

const alarmConfigChange = { unsupported: "CloudWatch Alarm Configuration Change" };
const ecsServiceAction = { unsupported: "ECS Service Action" };
const health = { unsupported: "AWS Health Event" };

// The AWS samples use placeholder event ids, and reuse them: the three ECS deployment samples share
// "ddca6449-…-e0e3aEXAMPLE" and the four restore samples share "ab32977c-…-fgh4596f0709" (not even hex).
// Real EventBridge ids are unique per event, which is what the router deduplicates on; the values below
// are asserted as published.
const expectations: Record<string, Expectation> = {
  "backup/THIRD-PARTY.restore-job-state-change.restore-testing.COMPLETED.json": {
    signal: "restore-job",
    fields: {
      id: "event-id",
      restoreJobId: "restore-job-id",
      state: "COMPLETED",
      resourceType: "S3",
      sourceResourceArn: "arn:aws:s3:::source-bucket",
      createdResourceArn: "arn:aws:s3:::restored-bucket",
      recoveryPointArn: "arn:aws:backup:us-east-1:123456789012:recovery-point:test",
      backupVaultName: "test",
      restoreTestingPlanArn: "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:test",
      createdAt: "2026-08-20T11:00:00.000Z",
      completedAt: "2026-08-20T12:00:00.000Z",
      durationSeconds: 3600,
      backupSizeBytes: 100,
    },
  },
  "backup/backup-job-state-change.COMPLETED.json": {
    signal: "backup-job",
    fields: {
      id: "dafac799-9b88-0134-26b7-fef4d54a134f",
      // 13 digits, as AWS publishes the sample.
      account: "1112233445566",
      region: "us-west-2",
      backupJobId: "a827233a-d405-4a86-a440-759fa94f34dd",
      state: "COMPLETED",
      completedWithIssues: false,
      resourceArn: "arn:aws:service:us-west-2:1112233445566:resource-type/resource-id",
      resourceType: "type",
      recoveryPointArn:
        "arn:aws:backup:us-west-2:1112233445566:recovery-point:f1d966fe-a3bd-410b-b292-99f442d13b56",
      backupVaultName: "9732c1b4-1091-472a-9d9f-52e0565ee39a",
      createdAt: "2020-07-15T21:40:31.207Z",
      completedAt: "2020-07-15T21:41:05.921Z",
      durationSeconds: 35,
      backupSizeBytes: 36048,
      percentDone: 100,
    },
  },
  "backup/backup-job-state-change.FAILED.json": {
    signal: "backup-job",
    fields: {
      backupJobId: "34176239-e96d-4e1d-9fad-529dbb3c3556",
      state: "FAILED",
      statusMessage:
        '"Backup job failed because backup vault arn:aws:backup:us-west-2:1112233445566:backup-vault:9ab3e749-82c6-4342-9320-5edbf4918b86 does not exist."',
      recoveryPointArn: null,
      completedAt: null,
      durationSeconds: null,
    },
  },
  "backup/restore-job-state-change.COMPLETED.json": {
    signal: "restore-job",
    fields: {
      restoreJobId: "AB123456-78C9-0123-456D-789012E34567",
      state: "COMPLETED",
      resourceType: "RDS",
      sourceResourceArn: "arn:aws:rds:us-west-2:1112233445566:db:example-database",
      createdResourceArn:
        "arn:aws:rds:us-west-2:1112233445566:db:testinginstance1a2bcd34-567e-8901-23f4-5g6hijkl7890",
      recoveryPointArn:
        "arn:aws:backup:us-west-2:1112233445566:recovery-point:6f7fc1f8-2f2e-40ac-943b-8f8efa9ba99d",
      backupVaultName: "ExampleVault",
      durationSeconds: 291,
      restoreTestingPlanArn: null,
    },
  },
  "backup/restore-job-state-change.CREATED.json": {
    signal: "restore-job",
    fields: {
      restoreJobId: "123EA45F-C678-EFE9-0123-4D56FC0E789A",
      // Published with "state" where the other restore events have "status".
      state: "CREATED",
      recoveryPointArn:
        "arn:aws:backup:us-west-2:1112233445566:recovery-point:a6560b33-3660-494c-8d47-efgh939ij32k",
      createdAt: "2020-06-22T18:50:46.407Z",
    },
  },
  "backup/restore-job-state-change.FAILED.json": {
    signal: "restore-job",
    fields: {
      restoreJobId: "1B234A56-789B-01CD-2A34-4567A08901FD",
      state: "FAILED",
      resourceType: "EC2",
      statusMessage:
        "AWS Backup does not permit attaching a new instance profile to an EC2 instance. Please restore using the backed up instance profile.",
      backupSizeBytes: 22548578304,
    },
  },
  "backup/restore-job-state-change.RUNNING.json": {
    signal: "restore-job",
    fields: { restoreJobId: "1B234A56-789B-01CD-2A34-4567A08901FD", state: "RUNNING", resourceType: "EBS" },
  },

  "budgets/README.txt": { documentation: true },
  "budgets/message.ACTUAL.budget-name-with-space.txt": {
    budgetsMessage: {
      account: "017790921725",
      budgetName: "Test Budget",
      alertType: "ACTUAL",
      period: "monthly",
      budgetedAmount: { value: 0.2, currency: "USD" },
      threshold: { value: 0.16, currency: "USD" },
      amount: { value: 0.59, currency: "USD" },
    },
  },
  "budgets/message.ACTUAL.daily.txt": {
    budgetsMessage: {
      account: "265627204426",
      budgetName: "killswitch",
      alertType: "ACTUAL",
      period: "daily",
      budgetedAmount: { value: 5 },
      threshold: { value: 0.75 },
      amount: { value: 1.7 },
    },
  },
  "budgets/message.ACTUAL.monthly.txt": {
    budgetsMessage: {
      account: "058100963274",
      budgetName: "teste",
      alertType: "ACTUAL",
      period: "monthly",
      budgetedAmount: { value: 100 },
      threshold: { value: 21 },
      amount: { value: 41.45 },
    },
  },
  "budgets/message.FORECASTED.monthly.txt": {
    budgetsMessage: {
      account: "391613010373",
      budgetName: "test",
      alertType: "FORECASTED",
      period: "monthly",
      budgetedAmount: { value: 0.02 },
      threshold: { value: 0 },
      amount: { value: 0.95 },
    },
  },
  "budgets/sns-lambda-envelope.ACTUAL.daily.json": {
    signal: "budget-threshold",
    fields: {
      id: "0afa48ef-db9f-5b07-9359-149237adeae5",
      time: "2023-03-05T01:01:38.638Z",
      account: "265627204426",
      region: "us-east-1",
      budgetName: "killswitch",
      alertType: "ACTUAL",
      period: "daily",
      currency: "USD",
      budgetedAmount: 5,
      thresholdAmount: 0.75,
      thresholdPercent: 15,
      amount: 1.7,
      actualAmount: 1.7,
      forecastedAmount: null,
      source: { kind: "budgets-notification", envelopes: ["sns"] },
    },
  },
  "budgets/sns-lambda-envelope.ACTUAL.monthly.json": {
    signal: "budget-threshold",
    fields: {
      id: "62bd4c7d-8dda-5ef7-93f4-1520c06c8bee",
      account: "058100963274",
      region: "us-east-2",
      budgetName: "teste",
      period: "monthly",
      budgetedAmount: 100,
      thresholdAmount: 21,
      thresholdPercent: 21,
      actualAmount: 41.45,
      amountPercent: 41.45,
      subject: "AWS Budgets: teste has exceeded your alert threshold",
    },
  },
  "budgets/sqs-lambda-envelope.sns-notification.FORECASTED.json": {
    signal: "budget-threshold",
    fields: {
      // The SNS message id, not the SQS one: the same notification keeps it on every delivery path.
      id: "d7eac51f-e9b1-5584-b17f-a4ec13707c7d",
      time: "2026-01-28T11:52:33.584Z",
      account: "391613010373",
      region: "eu-west-1",
      budgetName: "test",
      alertType: "FORECASTED",
      budgetedAmount: 0.02,
      thresholdAmount: 0,
      thresholdPercent: 0,
      forecastedAmount: 0.95,
      actualAmount: null,
      topicArn: "arn:aws:sns:eu-west-1:391613010373:budget-alerts",
      source: { kind: "budgets-notification", envelopes: ["sqs", "sns"] },
    },
  },

  // Derived by swapping state and previousState of the single-metric sample: the new state's timestamp
  // (2019-10-01) is a day older than the previous state's and the event time (2019-10-02). A real ALARM → OK
  // event would have them in order; nothing here depends on it, so the values are asserted as given.
  "cloudwatch/DERIVED.alarm-state-change.metric-alarm.ALARM-to-OK.json": {
    signal: "alarm",
    fields: {
      alarmName: "ServerCpuTooHigh",
      alarmKind: "metric",
      previousState: "ALARM",
      state: "OK",
      stateChangedAt: "2019-10-01T13:56:40.987Z",
      dimensions: { InstanceId: "i-12345678901234567" },
    },
  },
  "cloudwatch/alarm-config-change.composite-with-suppressor.create.json": alarmConfigChange,
  "cloudwatch/alarm-config-change.composite-with-suppressor.delete.json": alarmConfigChange,
  "cloudwatch/alarm-config-change.composite-with-suppressor.update.json": alarmConfigChange,
  "cloudwatch/alarm-config-change.composite.create.json": alarmConfigChange,
  "cloudwatch/alarm-config-change.metric-alarm.update.json": alarmConfigChange,
  "cloudwatch/alarm-config-change.metric-math.delete.json": alarmConfigChange,
  "cloudwatch/alarm-state-change.anomaly-detection.OK-to-ALARM.json": {
    signal: "alarm",
    fields: {
      id: "daafc9f1-bddd-c6c9-83af-74971fcfc4ef",
      alarmName: "EC2 CPU Utilization Anomaly",
      alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:EC2 CPU Utilization Anomaly",
      previousState: "OK",
      state: "ALARM",
      dimensions: { InstanceId: "i-12345678901234567" },
      metrics: [
        expect.objectContaining({ id: "m1", namespace: "AWS/EC2", name: "CPUUtilization" }),
        expect.objectContaining({ id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 0.8)" }),
      ],
    },
  },
  "cloudwatch/alarm-state-change.composite-with-suppressor.OK-to-ALARM.json": {
    signal: "alarm",
    fields: {
      alarmName: "ServiceAggregatedAlarm",
      alarmKind: "composite",
      alarmRule: "ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)",
      actionsSuppressedBy: "WaitPeriod",
      previousState: "OK",
      state: "ALARM",
      stateChangedAt: "2022-07-22T15:57:45.394Z",
    },
  },
  "cloudwatch/alarm-state-change.metric-alarm.OK-to-ALARM.json": {
    signal: "alarm",
    fields: {
      id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
      time: "2019-10-02T17:04:40.000Z",
      account: "123456789012",
      region: "us-east-1",
      alarmName: "ServerCpuTooHigh",
      alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh",
      description: "Goes into alarm when server CPU utilization is too high!",
      previousState: "OK",
      state: "ALARM",
      stateChangedAt: "2019-10-02T17:04:40.989Z",
      dimensions: { InstanceId: "i-12345678901234567" },
      metrics: [
        expect.objectContaining({
          namespace: "AWS/EC2",
          name: "CPUUtilization",
          stat: "Average",
          period: 300,
        }),
      ],
    },
  },
  "cloudwatch/alarm-state-change.metric-math.INSUFFICIENT_DATA-to-ALARM.json": {
    signal: "alarm",
    fields: {
      alarmName: "TotalNetworkTrafficTooHigh",
      previousState: "INSUFFICIENT_DATA",
      state: "ALARM",
      reason: expect.stringContaining("greater than the threshold (10000.0)"),
      metrics: [
        expect.objectContaining({ id: "e1", expression: "SUM(METRICS())", label: "Total Network Traffic" }),
        expect.objectContaining({ id: "m1", name: "NetworkIn" }),
        expect.objectContaining({ id: "m2", name: "NetworkOut" }),
      ],
    },
  },
  // As published by AWS (and copied by Powertools): the alarm ARN names "SuppressionDemo.Main" while
  // alarmName is "CompositeDemo.Main". The signal reports both as given.
  "cloudwatch/lambda-alarm-action.composite.json": {
    signal: "alarm",
    fields: {
      id: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:SuppressionDemo.Main@2023-08-04T12:56:46.138Z",
      time: "2023-08-04T12:56:46.138Z",
      account: "111122223333",
      region: "us-east-1",
      alarmName: "CompositeDemo.Main",
      alarmArn: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:SuppressionDemo.Main",
      alarmKind: "composite",
      alarmRule: "ALARM(CompositeDemo.FirstChild) OR ALARM(CompositeDemo.SecondChild)",
      previousState: "ALARM",
      state: "ALARM",
      source: { kind: "cloudwatch-alarm-action", envelopes: [] },
    },
  },
  // A Powertools test fixture, edited by hand there: the ARN's account (912397435824) and name (test_alarm)
  // differ from accountId (123456789012) and alarmName ("Test alert"). Reported as given.
  "cloudwatch/lambda-alarm-action.single-metric.json": {
    signal: "alarm",
    fields: {
      account: "123456789012",
      region: "eu-west-1",
      alarmName: "Test alert",
      alarmArn: "arn:aws:cloudwatch:eu-west-1:912397435824:alarm:test_alarm",
      alarmKind: "metric",
      previousState: "OK",
      state: "ALARM",
      description: "This is description **here**",
      dimensions: {},
      metrics: [
        expect.objectContaining({ id: "e1", expression: "m1/m2" }),
        expect.objectContaining({ id: "m1", namespace: "AWS/Lambda", name: "Invocations" }),
        expect.objectContaining({ id: "m2", namespace: "AWS/Lambda", name: "Duration" }),
      ],
    },
  },
  // The aws-lambda-go samples keep AWS's placeholders ("EXAMPLE", "REGION", "ACCOUNT_NUMBER").
  "cloudwatch/sns-lambda-envelope.alarm-multiple-metrics.json": {
    signal: "alarm",
    fields: {
      id: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      time: "2015-06-03T17:43:27.123Z",
      account: "EXAMPLE",
      region: "REGION",
      alarmName: "EXAMPLE",
      previousState: "INSUFFICIENT_DATA",
      state: "ALARM",
      dimensions: { InstanceId: "TestInstance" },
      metrics: [
        expect.objectContaining({ id: "e1", expression: "m1*1" }),
        expect.objectContaining({ id: "m1", namespace: "AWS/EC2", name: "NetworkOut", stat: "Average" }),
      ],
      source: { kind: "cloudwatch-alarm-sns-message", envelopes: ["sns"] },
    },
  },
  "cloudwatch/sns-lambda-envelope.alarm-single-metric.json": {
    signal: "alarm",
    fields: {
      account: "123456789012",
      alarmName: "EXAMPLE",
      previousState: "INSUFFICIENT_DATA",
      state: "ALARM",
      dimensions: { InstanceId: "TestInstance" },
      metrics: [
        expect.objectContaining({ namespace: "AWS/EC2", name: "NetworkOut", stat: "AVERAGE", period: 60 }),
      ],
    },
  },

  "codedeploy/deployment-state-change.SUCCESS.json": {
    unsupported: "CodeDeploy Deployment State-change Notification",
  },
  "codedeploy/instance-state-change.SUCCESS.json": {
    unsupported: "CodeDeploy Instance State-change Notification",
  },

  "ecr/DERIVED.image-action.PUSH.FAILURE.json": {
    signal: "image-push",
    fields: { repositoryName: "my-repository-name", imageTag: "latest", result: "FAILURE" },
  },
  "ecr/image-action.DELETE.SUCCESS.json": {
    signal: "image-delete",
    fields: {
      id: "dd3b46cb-2c74-f49e-393b-28286b67279d",
      repositoryName: "my-repository-name",
      imageDigest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234",
      imageTag: "latest",
      result: "SUCCESS",
    },
  },
  "ecr/image-action.PUSH.SUCCESS.json": {
    signal: "image-push",
    fields: {
      id: "13cde686-328b-6117-af20-0e5566167482",
      time: "2019-11-16T01:54:34.000Z",
      account: "123456789012",
      region: "us-west-2",
      repositoryName: "my-repository-name",
      imageDigest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234",
      imageTag: "latest",
      result: "SUCCESS",
    },
  },
  "ecr/image-scan.basic.COMPLETE.json": { unsupported: "ECR Image Scan" },
  "ecr/image-scan.basic.COMPLETE.lambda-go.json": { unsupported: "ECR Image Scan" },
  "ecr/scan-resource-change.enhanced.json": { unsupported: "ECR Scan Resource Change" },

  "ecs/container-instance-state-change.json": { unsupported: "ECS Container Instance State Change" },
  "ecs/deployment-state-change.COMPLETED.json": {
    signal: "deployment",
    fields: {
      eventName: "SERVICE_DEPLOYMENT_COMPLETED",
      status: "COMPLETED",
      clusterName: "default",
      serviceName: "servicetest",
      deploymentId: "ecs-svc/123",
      isRollback: false,
    },
  },
  "ecs/deployment-state-change.FAILED.json": {
    signal: "deployment",
    fields: {
      status: "FAILED",
      eventType: "ERROR",
      clusterName: "default",
      serviceName: "servicetest",
      reason: "ECS deployment circuit breaker: task failed to start.",
      isRollback: false,
    },
  },
  "ecs/deployment-state-change.IN_PROGRESS.initial.json": {
    signal: "deployment",
    fields: {
      id: "ddca6449-b258-46c0-8653-e0e3a6EXAMPLE",
      account: "111122223333",
      region: "us-west-2",
      status: "IN_PROGRESS",
      serviceArn: "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest",
      clusterName: "default",
      serviceName: "servicetest",
      deploymentId: "ecs-svc/123",
      updatedAt: "2020-05-23T11:11:11.000Z",
      isRollback: false,
    },
  },
  "ecs/deployment-state-change.IN_PROGRESS.rollback.json": {
    signal: "deployment",
    fields: { status: "IN_PROGRESS", clusterName: "default", serviceName: "servicetest", isRollback: true },
  },
  "ecs/service-action.CAPACITY_PROVIDER_STEADY_STATE.json": ecsServiceAction,
  "ecs/service-action.SERVICE_STEADY_STATE.json": ecsServiceAction,
  "ecs/service-action.SERVICE_TASK_PLACEMENT_FAILURE.a.json": ecsServiceAction,
  "ecs/service-action.SERVICE_TASK_PLACEMENT_FAILURE.b.json": ecsServiceAction,
  "ecs/service-action.SERVICE_TASK_START_IMPAIRED.json": ecsServiceAction,
  "ecs/task-state-change.json": { unsupported: "ECS Task State Change" },

  "health/account-specific.EC2_INSTANCE_RETIREMENT_SCHEDULED.no-resources-field.json": health,
  "health/account-specific.ELASTICLOADBALANCING_API_ISSUE.json": health,
  "health/public.EC2_OPERATIONAL_ISSUE.json": health,

  "scheduled/scheduled-event.cwe-docs.no-version-field.json": {
    signal: "schedule",
    fields: {
      trigger: "eventbridge-rule",
      scheduleName: "MyScheduledRule",
      scheduleArn: "arn:aws:events:us-east-1:123456789012:rule/MyScheduledRule",
      scheduledTime: "2015-10-08T16:53:06.000Z",
    },
  },
  "scheduled/scheduled-event.json": {
    signal: "schedule",
    fields: {
      id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
      account: "123456789012",
      region: "us-east-1",
      trigger: "eventbridge-rule",
      scheduleName: "my-scheduled-rule",
      scheduledTime: "2015-10-08T16:53:06.000Z",
    },
  },

  // Scheduler delivers a target's Input as is. These inputs belong to the documentation's SQS SendMessage
  // example, not to an Architech schedule: a Lambda given them could not tell what they are.
  "scheduler/DERIVED.universal-target.sqs-sendMessage.input-substituted.json": { error: "UnknownEventKind" },
  "scheduler/README.txt": { documentation: true },
  "scheduler/templated-target.sqs.input-template.txt": { schedulerTemplate: true },
  "scheduler/universal-target.sqs-sendMessage.input-template.json": { error: "UnknownEventKind" },
};

const files = conformanceAvailable ? listConformanceFiles("events") : [];

describe.runIf(conformanceAvailable)("conformance: AWS events", () => {
  it("has an expectation for every published event file, and a file for every expectation", () => {
    expect(files).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))("%s", (file, expectation) => {
    if ("documentation" in expectation) {
      expect(readConformanceText("events", file).length).toBeGreaterThan(0);
      return;
    }
    if ("budgetsMessage" in expectation) {
      expect(parseBudgetsMessage(readConformanceText("events", file))).toMatchObject({
        ok: true,
        message: expectation.budgetsMessage,
      });
      return;
    }
    if ("schedulerTemplate" in expectation) {
      // A non-JSON Input: every keyword in it is one Architech knows, and as an event it is no object.
      const text = readConformanceText("events", file);
      const keywords = text.match(/<aws\.scheduler\.[a-z-]+>/g) ?? [];
      expect(keywords.length).toBeGreaterThan(0);
      for (const keyword of keywords) expect(Object.values(SCHEDULER_CONTEXT_ATTRIBUTES)).toContain(keyword);
      expect(normalizeEvent(parseEventText(text))).toMatchObject({
        ok: false,
        error: { code: "NotAnObject" },
      });
      return;
    }

    const result = normalizeEvent(readConformanceJson("events", file));

    if ("signal" in expectation) {
      expect(result.ok ? result.signal.type : `${result.error.code}: ${result.error.message}`).toBe(
        expectation.signal,
      );
      if (!result.ok) return;
      expect(result.signal).toMatchObject(expectation.fields);
      expect(SignalSchema.safeParse(result.signal).success).toBe(true);
    } else if ("unsupported" in expectation) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: "UnsupportedEventKind", detailType: expectation.unsupported },
      });
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: expectation.error } });
    }
  });

  it("substitutes context attributes as Scheduler does (the derived sample is the template, filled in)", () => {
    const template = JSON.stringify(
      readConformanceJson("events", "scheduler", "universal-target.sqs-sendMessage.input-template.json"),
    );

    const filled = substituteSchedulerContext(template, {
      scheduleArn: "arn:aws:scheduler:us-west-2:123456789012:schedule/default/your-schedule",
      scheduledTime: "2022-03-22T18:59:43Z",
      executionId: "d32c5kddcf5bb8c3",
      attemptNumber: 1,
    });

    expect(JSON.parse(filled)).toEqual(
      readConformanceJson(
        "events",
        "scheduler",
        "DERIVED.universal-target.sqs-sendMessage.input-substituted.json",
      ),
    );
  });
});
