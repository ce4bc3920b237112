import type { PutEventsRequestEntry, PutEventsResponse } from "@architech/local";
import type { Command } from "commander";
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
  program
    .command("send")
    .description("put events on a running control plane's bus (EventBridge events; SNS notifications)")
    .argument("<event-files...>", "EventBridge events as JSON, or SNS notifications (AWS Budgets)")
    .option(...URL_OPTION)
    .option("--json", "print the answers as JSON")
    .action(async (files: string[], options: { url: string; json?: boolean }) => {
      setExit(await send(files, options, io));
    });
}

async function send(files: string[], options: { url: string; json?: boolean }, io: CommandIO) {
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
