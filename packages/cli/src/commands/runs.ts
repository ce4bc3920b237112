import { type AuditEntry, type Run, RunStatusSchema, type Store } from "@architech/core";
import type { Command } from "commander";
import { type AwsOptions, againstAws, parseLimit, withAwsOptions } from "../aws-target.ts";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";

interface ListOptions extends AwsOptions {
  url: string;
  json?: boolean;
  limit: string;
}

/** `architech runs` and `architech run <id>`: the runs of a running control plane. */
export function registerRuns(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  withAwsOptions(
    program
      .command("runs")
      .description("list the runs of a running control plane, newest first")
      .option(...URL_OPTION)
      .option("--limit <n>", "how many runs", "50")
      .option("--json", "print the runs as JSON"),
  ).action(async (options: ListOptions) => {
    const print = (runs: Run[]) => {
      if (options.json) io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
      else io.stdout(runs.length === 0 ? "no runs yet\n" : `${runs.map(describeRun).join("\n")}\n`);
      return ExitCode.ok;
    };
    if (options.aws) {
      const limit = parseLimit(options.limit);
      if (limit === undefined) {
        io.stderr(`architech runs: limit must be a whole number from 1 to 1000, got "${options.limit}"\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      setExit(
        await againstAws("runs", options, io, async (target) => print(await listRuns(target.store(), limit))),
      );
      return;
    }
    setExit(
      await againstServer("runs", options.url, io, async (client) => {
        const { runs } = await client.get<{ runs: Run[] }>(
          `/api/runs?limit=${encodeURIComponent(options.limit)}`,
        );
        return print(runs);
      }),
    );
  });

  withAwsOptions(
    program
      .command("run")
      .description("show one run: its status, reason, audit trail and execution")
      .argument("<run-id>", "the run's id (architech runs)")
      .option(...URL_OPTION)
      .option("--json", "print the run as JSON"),
  ).action(async (id: string, options: AwsOptions & { url: string; json?: boolean }) => {
    const print = (answer: RunAnswer) => {
      if (options.json) {
        io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
        return ExitCode.ok;
      }
      const { run, audit, execution } = answer;
      const lines = [
        describeRun(run),
        `  mode ${run.mode}; created ${run.createdAt}${run.finishedAt ? `; finished ${run.finishedAt}` : ""}`,
        ...(execution?.status ? [`  execution ${execution.status}`] : []),
        ...(run.reason ? [`  reason: ${run.reason}`] : []),
        "  audit:",
        ...audit.map((entry) => `    ${describeAudit(entry)}`),
      ];
      io.stdout(`${lines.join("\n")}\n`);
      return ExitCode.ok;
    };
    if (options.aws) {
      setExit(
        await againstAws("run", options, io, async (target) => {
          const store = target.store();
          const run = await store.getRun(id);
          if (run === undefined) {
            io.stderr(`architech run: no run ${id} in ${target.tableName}\n`);
            return ExitCode.invalidInput;
          }
          const audit = await store.listAuditByRun({ runId: id, order: "oldest-first", limit: 1000 });
          // The execution lives in Step Functions; its ARN is on the run.
          return print({ run, audit: audit.items, execution: null });
        }),
      );
      return;
    }
    setExit(
      await againstServer("run", options.url, io, async (client) =>
        print(await client.get<RunAnswer>(`/api/runs/${encodeURIComponent(id)}`)),
      ),
    );
  });
}

interface RunAnswer {
  run: Run;
  audit: AuditEntry[];
  execution: { status?: string } | null;
}

/** Every run, newest first: the store lists runs by status, so the statuses are merged. */
export async function listRuns(store: Pick<Store, "listRunsByStatus">, limit: number): Promise<Run[]> {
  const pages = await Promise.all(
    RunStatusSchema.options.map((status) => store.listRunsByStatus({ status, limit })),
  );
  return pages
    .flatMap((page) => page.items)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, limit);
}

/** One line per run: `<id> <status> <runbook> <target> (<policy>) — <reason>`. */
export function describeRun(run: Run): string {
  const reason = run.reason ? ` — ${run.reason}` : "";
  return `${run.id}  ${run.status.padEnd(17)} ${run.runbook.padEnd(13)} ${run.target} (${run.policy})${reason}`;
}

/** One line per audit entry: `<at> <kind>/<action> <actor> <target>: <reason>`. */
export function describeAudit(entry: AuditEntry): string {
  const on = entry.target ? ` ${entry.target}` : "";
  const policy = entry.policy ? ` [${entry.policy}]` : "";
  return `${entry.at}  ${entry.kind}/${entry.action} by ${entry.actor}${policy}${on}: ${entry.reason}`;
}
