import {
  ArchitechError,
  type StartWorkflowInput,
  type StartWorkflowResult,
  type WorkflowStarter,
} from "@architech/core";

/**
 * A workflow starter that behaves like StartExecution where the router depends on it: one execution per
 * name, a repeated start with the same name returns the same execution. It can be told to fail.
 */
export class RecordingWorkflowStarter implements WorkflowStarter {
  readonly executions = new Map<string, StartWorkflowInput>();
  readonly stopped: { executionArn: string; cause: string }[] = [];
  failNext: "transient" | "permanent" | undefined;

  async startWorkflow(input: StartWorkflowInput): Promise<StartWorkflowResult> {
    if (this.failNext) {
      const kind = this.failNext;
      this.failNext = undefined;
      throw new ArchitechError(
        kind === "transient" ? "TransientStartError" : "StartRejected",
        `start ${kind} failure`,
      );
    }
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:${input.runbook}:${input.executionName}`;
    const alreadyStarted = this.executions.has(input.executionName);
    if (!alreadyStarted) this.executions.set(input.executionName, input);
    return { executionArn, alreadyStarted };
  }

  async stopWorkflow(executionArn: string, cause: string): Promise<void> {
    this.stopped.push({ executionArn, cause });
  }
}

export function sequentialIds(prefix: string) {
  let n = 0;
  return { newRunId: () => `${prefix}-${String(++n).padStart(5, "0")}` };
}

export interface AlarmEventOptions {
  id: string;
  alarmName?: string;
  state?: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  cluster?: string;
  service?: string;
  time?: string;
}

/** A metric alarm's "CloudWatch Alarm State Change" event, in the shape EventBridge delivers it. */
export function alarmEvent(options: AlarmEventOptions): Record<string, unknown> {
  const alarmName = options.alarmName ?? "checkout-5xx-rate";
  const time = options.time ?? "2026-12-01T10:00:00Z";
  const state = options.state ?? "ALARM";
  return {
    version: "0",
    id: options.id,
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: "123456789012",
    time,
    region: "eu-west-1",
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: state, reason: "Threshold Crossed", timestamp: "2026-12-01T10:00:00.000+0000" },
      previousState: {
        value: state === "ALARM" ? "OK" : "ALARM",
        reason: "Threshold Crossed",
        timestamp: "2026-12-01T09:50:00.000+0000",
      },
      configuration: {
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: {
                namespace: "AWS/ApplicationELB",
                name: "HTTPCode_Target_5XX_Count",
                dimensions: {
                  ClusterName: options.cluster ?? "prod",
                  ServiceName: options.service ?? "checkout",
                },
              },
              period: 60,
              stat: "Sum",
            },
            returnData: true,
          },
        ],
      },
    },
  };
}
