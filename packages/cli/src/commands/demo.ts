import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry, Run } from "@architech/core";
import { type EmbeddedRuntime, type PutEventsRequestEntry, startEmbeddedRuntime } from "@architech/local";
import type { Command } from "commander";
import { ControlPlaneClient } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";
import { SlackPerson } from "./demo-slack.ts";

/** Monday 02:10 UTC: the night's backups have just completed; the nightly cleanup ran at 02:00. */
const DEMO_START = "2026-03-02T02:10:00.000Z";
/** Waits are played fast: a 10-minute Wait state takes 100 ms. */
const DEMO_TIME_SCALE = 1 / 6000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STORM_SIZE = 500;
const RUN_TIMEOUT_MS = 20_000;

/**
 * The shipped policies the demo plays, by file. The other shipped policies are left out: the demo jumps
 * the clock a week ahead for the cleanup's grace period, and their schedules (weekly rightsizing, the
 * daily backup check) would fire on the way and blur the story.
 */
const DEMO_POLICIES = [
  "rollback-on-error-alarms.yaml",
  "rightsize-on-budget.yaml",
  "verify-backup-on-completion.yaml",
  "cleanup-nonprod.yaml",
] as const;

const CHECKOUT_ALARM = "checkout-api-5xx-rate";
const ORDERS_TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
const KEPT_VOLUME = "vol-0cee0000000000001";

/** One run the script expects, as `--json` reports it. */
export interface DemoRun {
  runbook: string;
  policy: string;
  target: string;
  status: string;
}

export interface DemoResult {
  runs: DemoRun[];
  suppressed: number;
  ok: boolean;
}

interface DemoOptions {
  policies: string;
  sandbox: string;
  /** Default `config/slack.yaml`. */
  slackSettings?: string;
  json?: boolean;
}

/**
 * `architech demo`: a scripted day against the embedded runtime, in this process — a bad release rolled
 * back after approval, an alarm storm suppressed, a budget alert answered with recommendations, a
 * backup proven restorable, and the nightly cleanup through its grace period. Every step is checked;
 * the exit code is 1 when any outcome differs from the script.
 */
export function registerDemo(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("demo")
    .description("play a scripted day against the embedded runtime and check every outcome")
    .option("--policies <dir>", "the shipped policies the demo plays", "policies")
    .option("--sandbox <file>", "the sandbox account's seed", "sandbox/default.yaml")
    .option("--slack-settings <file>", "who may use which Slack command, where", "config/slack.yaml")
    .option("--json", "print only the summary, as JSON")
    .action(async (options: DemoOptions) => {
      const result = await playDemo(options, options.json ? () => {} : io.stdout);
      if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      setExit(result.ok ? ExitCode.ok : ExitCode.failure);
    });
}

/** The demo's policy directory: the shipped files, with deleting switched on for the cleanup (see below). */
function writeDemoPolicies(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), "architech-demo-"));
  for (const file of DEMO_POLICIES) {
    let text = readFileSync(join(from, file), "utf8");
    // The shipped cleanup only marks (deleting stays off until a team trusts it); the demo shows the
    // whole lifecycle, so it sweeps after the grace period.
    if (file === "cleanup-nonprod.yaml") {
      const switched = text.replace(/allowDelete: false/, "allowDelete: true");
      if (switched === text) throw new Error(`${file}: expected "allowDelete: false" to switch on`);
      text = switched;
    }
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** A person of the sandbox's Slack workspace (see its user groups in sandbox/default.yaml). */
function slackPerson(rt: EmbeddedRuntime, userId: string): SlackPerson {
  return new SlackPerson({
    url: rt.url,
    signingSecret: rt.slackSigningSecret,
    userId,
    channelId: "C0DEPLOYMENTS",
  });
}

/** The approval's message in the sandbox's Slack: the one whose buttons carry its id. */
function approvalMessage(rt: EmbeddedRuntime, approvalId: string) {
  return rt.sandbox.slack.messages.find((m) => JSON.stringify(m.blocks).includes(`"value":"${approvalId}"`));
}

/** Plays the script; never throws for an outcome that differs, it reports it (ok: false). */
export async function playDemo(options: DemoOptions, print: (text: string) => void): Promise<DemoResult> {
  const began = Date.now();
  const dir = writeDemoPolicies(options.policies);
  const runs: DemoRun[] = [];
  let suppressed = 0;
  let failures = 0;
  let runtime: EmbeddedRuntime | undefined;
  const line = (text: string) => print(`${text}\n`);
  const at = () => runtime?.clock.now().toISOString().replace("T", " ").slice(0, 19) ?? "";
  const say = (text: string) => line(`${at()}  ${text}`);
  const check = (ok: boolean, text: string) => {
    if (!ok) failures++;
    line(`${at()}    ${ok ? "✓" : "✗"} ${text}`);
    return ok;
  };
  const record = (run: Run | undefined) => {
    if (run) runs.push({ runbook: run.runbook, policy: run.policy, target: run.target, status: run.status });
  };

  try {
    runtime = await startEmbeddedRuntime({
      policiesDir: dir,
      sandboxFile: options.sandbox,
      slackSettingsFile: options.slackSettings ?? "config/slack.yaml",
      port: 0,
      timeScale: DEMO_TIME_SCALE,
      clockStart: new Date(DEMO_START),
    });
    const rt = runtime;
    const api = new ControlPlaneClient(rt.url);
    line(
      `Architech demo — a day on the embedded runtime at ${rt.url} (policies: ${DEMO_POLICIES.join(", ")})`,
    );
    line("");

    const seen = new Set<string>();
    /** Waits for the next run of `policy` this script has not looked at yet, and until it has ended. */
    const nextRun = async (policy: string, until: (run: Run) => boolean): Promise<Run | undefined> => {
      const deadline = Date.now() + RUN_TIMEOUT_MS;
      let found: Run | undefined;
      while (Date.now() < deadline) {
        const { runs: all } = await api.get<{ runs: Run[] }>("/api/runs?limit=100");
        found ??= all.filter((r) => r.policy === policy && !seen.has(r.id)).at(-1);
        if (found) {
          const current = all.find((r) => r.id === found?.id);
          if (current && until(current)) {
            seen.add(current.id);
            return current;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return found;
    };
    const ended = (run: Run) => !["pending", "running", "awaiting-approval"].includes(run.status);
    const post = async (entries: PutEventsRequestEntry[]) => {
      for (let i = 0; i < entries.length; i += 10) {
        const answer = await api.post<{ FailedEntryCount: number }>("/events", {
          Entries: entries.slice(i, i + 10),
        });
        if (answer.FailedEntryCount > 0)
          throw new Error(`PutEvents refused ${answer.FailedEntryCount} entries`);
      }
    };
    const countSuppressed = async (policy: string, since: string) => {
      const { items } = await api.get<{ items: AuditEntry[] }>("/api/audit?limit=1000");
      return items.filter(
        (e) => e.kind === "decision" && e.action === "suppressed" && e.policy === policy && e.at >= since,
      );
    };

    // (e, played first) 02:10 — the nightly backup of the orders table completes.
    say("AWS Backup: the nightly backup of the orders table COMPLETED");
    await post([backupCompleted(rt.clock.now())]);
    const verify = await nextRun("verify-dynamodb-backups", ended);
    record(verify);
    check(verify?.status === "succeeded", `verify-backup run ${verify?.status ?? "never started"}`);
    const { items: reports } = await rt.store.listBackupReports({ resource: ORDERS_TABLE, limit: 1 });
    const report = reports[0];
    check(
      report?.passed === true,
      `restored, validated: RPO ${minutes(report?.rpoSeconds)} (target ${minutes(report?.rpoTargetSeconds)}), RTO ${minutes(report?.rtoSeconds)} (target ${minutes(report?.rtoTargetSeconds)})`,
    );
    const leftovers = rt.sandbox.resources.dynamodb.tables.filter(
      (t) => t.name !== "orders" && t.name.startsWith("orders"),
    );
    check(
      report?.restoredCopyDeleted === true && leftovers.length === 0,
      "the restored copy is deleted; no restored table is left",
    );
    line("");

    // (a) The bad checkout-api release (revision 42, serving since the night) trips its 5xx alarm.
    say(`CloudWatch: ${CHECKOUT_ALARM} OK → ALARM (checkout-api:42 is serving errors)`);
    const alarm = alarmEntry(rt.clock.now());
    await post([alarm]);
    const waiting = await nextRun(
      "rollback-on-error-alarms",
      (r) => r.status === "awaiting-approval" || ended(r),
    );
    check(waiting?.status === "awaiting-approval", `rollback run ${waiting?.id ?? "?"} waits for approval`);
    const approvalId = `approval-${waiting?.id}`;
    const pending = await waitFor(async () => {
      const { approvals } = await api.get<{ approvals: { id: string }[] }>("/api/approvals");
      return approvals.find((a) => a.id === approvalId);
    });
    const rolledBefore = rt.sandbox.actions.filter((a) => a.operation === "ecs.updateServiceTaskDefinition");
    check(
      pending !== undefined && rolledBefore.length === 0,
      `approval ${approvalId} pending; nothing changed yet`,
    );
    const asked = await waitFor(async () => approvalMessage(rt, approvalId));
    check(
      asked !== undefined && asked.threadTs !== undefined,
      `Slack ${asked?.channel ?? "?"}: the plan with Approve / Deny, in the alarm's thread`,
    );
    const deployer = slackPerson(rt, "U0DEPLOYER1");
    say("a deployer who is not on call tries `/architech approve` in Slack");
    const refused = await deployer.command(`approve ${approvalId}`);
    check(refused.status === 403, `refused (${refused.status}): only the on-call may approve`);
    const oncall = slackPerson(rt, "U024BE7LH");
    say(`on-call types \`/architech approve ${approvalId}\` in Slack (signed, POST /slack/commands)`);
    const approved = await oncall.command(`approve ${approvalId}`);
    check(
      approved.status === 200 && /approved/i.test(approved.text),
      `approved by U024BE7LH: "${approved.text}"`,
    );
    const decidedMessage = await waitFor(async () => {
      const message = rt.sandbox.slack.messages.find((m) => m.ts === asked?.ts);
      return message && !JSON.stringify(message.blocks).includes('"action_id":"approve"')
        ? message
        : undefined;
    });
    check(
      decidedMessage !== undefined,
      "the approval message is updated in place: buttons gone, who approved",
    );
    const rollback = waiting ? await runUntil(api, waiting.id, ended) : undefined;
    record(rollback);
    const service = await rt.sandbox.ports.ecs.describeService("prod", "checkout-api");
    check(
      rollback?.status === "succeeded",
      `rollback run ${rollback?.status ?? "?"}: ${rollback?.reason ?? ""}`,
    );
    check(
      service.taskDefinitionArn.endsWith("checkout-api:41"),
      `checkout-api serves ${service.taskDefinitionArn.split("/").at(-1)}`,
    );
    const alarmNow = await rt.sandbox.ports.cloudwatch.describeAlarm(CHECKOUT_ALARM);
    check(alarmNow?.state === "OK", `${CHECKOUT_ALARM} is ${alarmNow?.state ?? "?"}`);
    line("");

    // (b) The same alarm delivered again, then a storm for the same service.
    const stormStart = rt.clock.now().toISOString();
    say(`the alarm event is delivered again, then a storm of ${STORM_SIZE} alarm events for checkout-api`);
    await post([alarm]);
    await post(Array.from({ length: STORM_SIZE }, () => alarmEntry(rt.clock.now())));
    await rt.idle();
    const storm = await countSuppressed("rollback-on-error-alarms", stormStart);
    suppressed = storm.length;
    const { runs: afterStorm } = await api.get<{ runs: Run[] }>("/api/runs?limit=100");
    const newRollbacks = afterStorm.filter(
      (r) => r.policy === "rollback-on-error-alarms" && r.id !== rollback?.id,
    );
    check(newRollbacks.length === 0, "no new rollback run");
    const reasons = countBy(
      storm.map((e) => String((e.details as { reason?: unknown } | undefined)?.reason)),
    );
    check(
      suppressed === STORM_SIZE + 1,
      `${suppressed} suppressions audited (${Object.entries(reasons)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ")})`,
    );
    line("");

    // (c) The platform nonprod budget reaches 80 %.
    say("AWS Budgets (SNS): platform nonprod ACTUAL $486.20 > $480.00, 80 % of $600.00");
    await api.post("/sns", budgetNotification(rt.clock.now()));
    const rightsize = await nextRun("rightsize-on-budget-80", ended);
    record(rightsize);
    check(
      rightsize?.status === "dry-run",
      `rightsize run ${rightsize?.status ?? "never started"} (changes nothing)`,
    );
    const { items: open } = await rt.store.listRecommendationsByStatus({ status: "open", limit: 100 });
    const smaller = open.filter((r) => (r.estimatedMonthlySavings ?? 0) > 0);
    const savings = smaller.reduce((sum, r) => sum + (r.estimatedMonthlySavings ?? 0), 0);
    check(
      smaller.length > 0,
      `${open.length} recommendation(s): ${smaller.length} smaller, saving about $${savings.toFixed(2)} a month; ${open.length - smaller.length} larger`,
    );
    for (const r of open.slice(0, 5)) {
      const { taskDefinitionArn: _arn, ...current } = r.current as Record<string, unknown>;
      line(
        `                           ${r.target}: ${JSON.stringify(current)} → ${JSON.stringify(r.recommended)}, ${(r.estimatedMonthlySavings ?? 0) >= 0 ? "saves" : "costs"} $${Math.abs(r.estimatedMonthlySavings ?? 0).toFixed(2)}/month`,
      );
    }
    line("");

    // (d) The nightly cleanup at 02:00, then again after the 7-day grace period.
    const firstNight = nextNight(rt.clock.now());
    rt.clock.advance(firstNight.getTime() - rt.clock.now().getTime());
    say("Scheduler: cleanup-nonprod fires (cron(0 2 * * ? *))");
    const mark = await nextRun("cleanup-nonprod", ended);
    record(mark);
    check(
      mark?.status === "succeeded",
      `cleanup run ${mark?.status ?? "never started"}: ${mark?.reason ?? ""}`,
    );
    const marked = (await rt.store.listCleanupMarks({ status: "notified", limit: 100 })).items;
    const digests = rt.sandbox.notifications.filter((n) => n.text.includes("marked for cleanup"));
    check(
      marked.length > 0 && digests.length > 0,
      `${marked.length} resource(s) marked; ${digests.length} owner digest(s) sent`,
    );
    check(
      !marked.some((m) => m.resource === `ebs-volume:${KEPT_VOLUME}`),
      `${KEPT_VOLUME} (architech:keep) is not marked`,
    );

    rt.clock.advance(8 * DAY - (rt.clock.now().getTime() - firstNight.getTime()));
    say("eight nights later, past the grace period: cleanup-nonprod re-checks and sweeps");
    // More is due than the policy's blast radius (20 %) lets it delete unasked: the run asks first.
    const asking = await nextRun("cleanup-nonprod", () => true);
    const sweepApproval = await waitFor(async () => {
      const { approvals } = await api.get<{ approvals: { id: string; runId: string }[] }>("/api/approvals");
      const found = approvals.find((a) => a.runId === asking?.id);
      if (found) return found;
      const { run } = await api.get<{ run: Run }>(`/api/runs/${encodeURIComponent(asking?.id ?? "")}`);
      return ended(run) ? { id: "", runId: run.id } : undefined;
    });
    const sweeping = () =>
      rt.sandbox.actions.filter((a) => /^(ec2\.delete|ec2\.release|ecr\.delete)/.test(a.operation)).length;
    if (sweepApproval?.id) {
      check(
        sweeping() === 0,
        `over the blast radius: the run asks first (${sweepApproval.id}); nothing deleted yet`,
      );
      say("the platform team clicks Approve on the sweep's approval message in Slack");
      const clicked = await slackPerson(rt, "U0PLATFORM").click("approve", sweepApproval.id);
      check(
        clicked.status === 200 && /approved/i.test(clicked.text),
        `approved by U0PLATFORM: "${clicked.text}"`,
      );
    }
    const sweep = asking ? await runUntil(api, asking.id, ended) : undefined;
    record(sweep);
    check(
      sweep?.status === "succeeded",
      `cleanup run ${sweep?.status ?? "never started"}: ${sweep?.reason ?? ""}`,
    );
    const deleted = (await rt.store.listCleanupMarks({ status: "deleted", limit: 100 })).items;
    check(
      deleted.length > 0,
      `${deleted.length} resource(s) deleted after re-checking (volumes snapshotted first)`,
    );
    const volumes = rt.sandbox.resources.ec2.volumes.map((v) => v.id);
    check(volumes.includes(KEPT_VOLUME), `${KEPT_VOLUME} (architech:keep) survives`);
    line("");
  } catch (error) {
    failures++;
    line(`${at()}    ✗ the demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const ok = failures === 0;
  line(`Summary (${((Date.now() - began) / 1000).toFixed(1)} s):`);
  for (const run of runs)
    line(`  ${run.status.padEnd(10)} ${run.runbook.padEnd(13)} ${run.policy.padEnd(26)} ${run.target}`);
  line(`  ${suppressed} alarm events suppressed and audited`);
  line(ok ? "  every outcome as scripted" : `  ${failures} outcome(s) differ from the script`);
  return { runs, suppressed, ok };
}

async function runUntil(api: ControlPlaneClient, id: string, until: (run: Run) => boolean) {
  return waitFor(async () => {
    const { run } = await api.get<{ run: Run }>(`/api/runs/${encodeURIComponent(id)}`);
    return until(run) ? run : undefined;
  });
}

async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function minutes(seconds: number | undefined): string {
  return seconds === undefined ? "?" : `${Math.round(seconds / 60)}m`;
}

/** The next 02:00 UTC. */
function nextNight(now: Date): Date {
  const night = new Date(now);
  night.setUTCHours(2, 0, 0, 0);
  if (night.getTime() <= now.getTime()) night.setUTCDate(night.getUTCDate() + 1);
  return night;
}

function alarmEntry(now: Date): PutEventsRequestEntry {
  const iso = now.toISOString().replace("Z", "+0000");
  return {
    Source: "aws.cloudwatch",
    DetailType: "CloudWatch Alarm State Change",
    Resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${CHECKOUT_ALARM}`],
    Detail: JSON.stringify({
      alarmName: CHECKOUT_ALARM,
      state: { value: "ALARM", reason: "Threshold Crossed: 5xx rate above 5 %", timestamp: iso },
      previousState: { value: "OK", reason: "Threshold Crossed", timestamp: iso },
      configuration: {
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: {
                namespace: "Storefront",
                name: "Http5xxRate",
                dimensions: { ClusterName: "prod", ServiceName: "checkout-api" },
              },
              period: 60,
              stat: "Average",
            },
            returnData: true,
          },
        ],
      },
    }),
  };
}

function backupCompleted(now: Date): PutEventsRequestEntry {
  const jobId = "e4a1c7d9-3b52-4f86-9a0e-2d6c8b1f5e37";
  return {
    Source: "aws.backup",
    DetailType: "Backup Job State Change",
    Resources: [`arn:aws:backup:eu-west-1:123456789012:backup-job:${jobId}`],
    Time: now.toISOString(),
    Detail: JSON.stringify({
      backupJobId: jobId,
      backupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:Default",
      backupVaultName: "Default",
      resourceArn: ORDERS_TABLE,
      resourceType: "DynamoDB",
      state: "COMPLETED",
      creationDate: new Date(now.getTime() - 10 * 60_000).toISOString(),
      completionDate: now.toISOString(),
      iamRoleArn: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
      backupSizeInBytes: "1048576",
      percentDone: "100.0",
    }),
  };
}

/** An AWS Budgets notification as SNS delivers it to a Lambda (the shape of the recorded fixtures). */
function budgetNotification(now: Date): unknown {
  const date = now.toLocaleDateString("en-US", {
    month: "long",
    day: "2-digit",
    year: "numeric",
    timeZone: "UTC",
  });
  const message = [
    `AWS Budget Notification ${date}`,
    "AWS Account 123456789012",
    "",
    "Dear AWS Customer,",
    "",
    "You requested that we alert you when the ACTUAL Cost associated with your platform nonprod budget is greater than $480.00 for the current month. The ACTUAL Cost associated with this budget is $486.20. You can find additional details below and by accessing the AWS Budgets dashboard [1].",
    "",
    "Budget Name: platform nonprod",
    "Budget Type: Cost",
    "Budgeted Amount: $600.00",
    "Alert Type: ACTUAL",
    "Alert Threshold: > $480.00",
    "ACTUAL Amount: $486.20",
    "",
    "[1] https://console.aws.amazon.com/costmanagement/home#/budgets",
    "",
  ].join("\n");
  const topic = "arn:aws:sns:us-east-1:123456789012:architech-budget-alerts";
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topic}:8d3f1a6c-2e94-4b57-a0c8-5f1e9b3d7a26`,
        Sns: {
          Type: "Notification",
          MessageId: "6b0f2c1e-8a47-5d39-b2c6-4e9a1f7d3c58",
          TopicArn: topic,
          Subject: "AWS Budgets: platform nonprod has exceeded your alert threshold",
          Message: message,
          Timestamp: now.toISOString(),
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem",
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topic}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
