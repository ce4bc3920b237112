import type { PutEventsRequestEntry, PutEventsResponse, PutEventsResultEntry } from "@architech/local";
import {
  type PutEventsRequestEntry as AwsPutEventsEntry,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import type { Command } from "commander";
import { type AwsOptions, type AwsTarget, againstAws, withAwsOptions } from "../aws-target.ts";
import { againstServer, URL_OPTION } from "../client.ts";
import { readEventFile } from "../event-files.ts";
import { type CommandIO, ExitCode } from "../io.ts";

/** What `send` does with one file: put it on the bus, or hand it to the SNS endpoint. */
export type Delivery =
  | { file: string; kind: "entry"; entry: PutEventsRequestEntry }
  | { file: string; kind: "sns"; body: unknown }
  | { file: string; kind: "problem"; problem: string };

/**
 * The PutEvents entry an EventBridge event file becomes (`{ Source, DetailType, Detail, Resources, Time }`),
 * or the SNS notification (Lambda event shape) AWS Budgets sends, which has no bus to go through.
 *
 * @example
 * toDelivery("alarm.json", { source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: {…} });
 * // { kind: "entry", entry: { Source: "aws.cloudwatch", DetailType: "CloudWatch Alarm State Change", Detail: "{…}" } }
 */
export function toDelivery(file: string, event: unknown): Delivery {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return { file, kind: "problem", problem: "not an event: expected a JSON object" };
  }
  const record = event as Record<string, unknown>;
  const records = record.Records;
  if (Array.isArray(records) && records.some((r) => typeof r === "object" && r !== null && "Sns" in r)) {
    return { file, kind: "sns", body: event };
  }
  const { source, detail, resources, time } = record;
  const detailType = record["detail-type"];
  if (typeof source !== "string" || typeof detailType !== "string" || typeof detail !== "object") {
    return {
      file,
      kind: "problem",
      problem:
        "not an EventBridge event (source, detail-type, detail) nor an SNS notification (Records[].Sns)",
    };
  }
  return {
    file,
    kind: "entry",
    entry: {
      Source: source,
      DetailType: detailType,
      Detail: JSON.stringify(detail ?? {}),
      ...(Array.isArray(resources) ? { Resources: resources.map(String) } : {}),
      ...(typeof time === "string" ? { Time: time } : {}),
    },
  };
}

interface SnsAnswer {
  signalType: string;
  matched: string[];
  decisions: { kind: string; policy?: string; runId?: string; reason?: string; detail?: string }[];
}

/**
 * `architech send <event.json…>`: puts events on a running control plane's bus (PutEvents) and prints
 * what it answers; exits 1 when any entry failed.
 */
export function registerSend(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  withAwsOptions(
    program
      .command("send")
      .description("put events on a running control plane's bus (EventBridge events; SNS notifications)")
      .argument("<event-files...>", "EventBridge events as JSON, or SNS notifications (AWS Budgets)")
      .option(...URL_OPTION)
      .option("--json", "print the answers as JSON"),
  )
    .option("--yes", "with --aws: confirm putting the events on the account's default bus")
    .action(async (files: string[], options: SendOptions) => {
      setExit(await send(files, options, io));
    });
}

interface SendOptions extends AwsOptions {
  url: string;
  json?: boolean;
  yes?: boolean;
}

/** PutEvents takes at most this many entries per call. */
export const PUT_EVENTS_BATCH = 10;

async function send(files: string[], options: SendOptions, io: CommandIO) {
  if (options.aws && !options.yes) {
    io.stderr(
      "architech send: --aws puts the events on the AWS account's default event bus, where the deployed " +
        "control plane acts on them (real remediation); nothing was sent — pass --yes to confirm\n",
    );
    return ExitCode.invalidInput;
  }
  const deliveries = files.map((file) => {
    const read = readEventFile(file);
    return "problem" in read
      ? ({ file, kind: "problem", problem: read.problem } as const)
      : toDelivery(file, read.event);
  });
  const problems = deliveries.filter((d) => d.kind === "problem");
  if (problems.length > 0) {
    for (const p of problems) io.stderr(`architech send: ${p.file}: ${p.problem}\n`);
    return ExitCode.invalidInput;
  }
  if (options.aws) {
    const sns = deliveries.filter((d) => d.kind === "sns");
    if (sns.length > 0) {
      for (const d of sns) {
        io.stderr(
          `architech send: ${d.file}: an SNS notification does not go through the bus; with --aws only ` +
            "EventBridge events are sent (AWS Budgets publishes to the stack's BudgetsTopicArn)\n",
        );
      }
      return ExitCode.invalidInput;
    }
    const entries = deliveries.flatMap((d) => (d.kind === "entry" ? [{ file: d.file, entry: d.entry }] : []));
    return againstAws("send", options, io, (target) => sendToAws(entries, target, options, io));
  }
  return againstServer("send", options.url, io, async (client) => {
    const answers: { file: string; answer: unknown; failed: boolean }[] = [];
    for (const delivery of deliveries) {
      if (delivery.kind === "entry") {
        const answer = await client.post<PutEventsResponse>("/events", { Entries: [delivery.entry] });
        answers.push({ file: delivery.file, answer, failed: answer.FailedEntryCount > 0 });
      } else if (delivery.kind === "sns") {
        const answer = await client.post<SnsAnswer>("/sns", delivery.body);
        answers.push({ file: delivery.file, answer, failed: answer.signalType === "invalid" });
      }
    }
    if (options.json)
      io.stdout(
        `${JSON.stringify(
          answers.map(({ file, answer }) => ({ file, answer })),
          null,
          2,
        )}\n`,
      );
    else for (const { file, answer } of answers) io.stdout(`${file}: ${describeAnswer(answer)}\n`);
    return answers.some((a) => a.failed) ? ExitCode.failure : ExitCode.ok;
  });
}

/** PutEvents on the account's default bus, at most {@link PUT_EVENTS_BATCH} entries a call. */
async function sendToAws(
  entries: { file: string; entry: PutEventsRequestEntry }[],
  target: AwsTarget,
  options: { json?: boolean },
  io: CommandIO,
): Promise<number> {
  const answers: { file: string; answer: PutEventsResponse }[] = [];
  for (let start = 0; start < entries.length; start += PUT_EVENTS_BATCH) {
    const batch = entries.slice(start, start + PUT_EVENTS_BATCH);
    const result = await target.clients.eventBridge.send(
      new PutEventsCommand({ Entries: batch.map(({ entry }) => toAwsEntry(entry)) }),
    );
    batch.forEach(({ file }, index) => {
      const got = result.Entries?.[index];
      const entry: PutEventsResultEntry =
        got?.EventId !== undefined && got.ErrorCode === undefined
          ? { EventId: got.EventId }
          : {
              ErrorCode: got?.ErrorCode ?? "Unknown",
              ErrorMessage: got?.ErrorMessage ?? "EventBridge gave no result for the entry",
            };
      answers.push({ file, answer: { FailedEntryCount: "EventId" in entry ? 0 : 1, Entries: [entry] } });
    });
  }
  if (options.json) io.stdout(`${JSON.stringify(answers, null, 2)}\n`);
  else for (const { file, answer } of answers) io.stdout(`${file}: ${describeAnswer(answer)}\n`);
  const failed = answers.filter((a) => a.answer.FailedEntryCount > 0).length;
  if (failed > 0) io.stderr(`architech send: ${failed} of ${answers.length} entries failed\n`);
  return failed > 0 ? ExitCode.failure : ExitCode.ok;
}

/** The entry as the SDK takes it: `Time` is a Date; no bus name puts it on the default bus. */
function toAwsEntry(entry: PutEventsRequestEntry): AwsPutEventsEntry {
  const { Time, EventBusName: _bus, ...rest } = entry;
  return { ...rest, ...(Time === undefined ? {} : { Time: new Date(Time) }) };
}

function describeAnswer(answer: unknown): string {
  if (typeof answer === "object" && answer !== null && "Entries" in answer) {
    return (answer as PutEventsResponse).Entries.map((e) =>
      "EventId" in e ? `put (EventId ${e.EventId})` : `FAILED ${e.ErrorCode}: ${e.ErrorMessage}`,
    ).join("; ");
  }
  const sns = answer as SnsAnswer;
  if (sns.signalType === "invalid")
    return `rejected: ${sns.decisions[0]?.detail ?? "not a known notification"}`;
  const decisions = sns.decisions.map((d) =>
    d.kind === "suppressed" || d.kind === "rejected"
      ? `${d.policy ?? "router"}: ${d.kind} (${d.detail ?? d.reason ?? ""})`
      : `${d.policy}: ${d.kind} (run ${d.runId ?? "?"})`,
  );
  return `${sns.signalType}; ${decisions.length > 0 ? decisions.join("; ") : "no policy matches"}`;
}
