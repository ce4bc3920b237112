import type { AuditEntry, Run } from "@architech/core";
import type { Command } from "commander";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";

interface ListOptions {
  url: string;
  json?: boolean;
  limit: string;
}

/** `architech runs` and `architech run <id>`: the runs of a running control plane. */
export function registerRuns(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("runs")
    .description("list the runs of a running control plane, newest first")
    .option(...URL_OPTION)
    .option("--limit <n>", "how many runs", "50")
    .option("--json", "print the runs as JSON")
    .action(async (options: ListOptions) => {
      setExit(
        await againstServer("runs", options.url, io, async (client) => {
          const { runs } = await client.get<{ runs: Run[] }>(
            `/api/runs?limit=${encodeURIComponent(options.limit)}`,
          );
          if (options.json) io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
          else io.stdout(runs.length === 0 ? "no runs yet\n" : `${runs.map(describeRun).join("\n")}\n`);
          return ExitCode.ok;
        }),
      );
    });

  program
    .command("run")
    .description("show one run: its status, reason, audit trail and execution")
    .argument("<run-id>", "the run's id (architech runs)")
    .option(...URL_OPTION)
    .option("--json", "print the run as JSON")
    .action(async (id: string, options: { url: string; json?: boolean }) => {
      setExit(
        await againstServer("run", options.url, io, async (client) => {
          const answer = await client.get<{
            run: Run;
            audit: AuditEntry[];
            execution: { status?: string } | null;
          }>(`/api/runs/${encodeURIComponent(id)}`);
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
        }),
      );
    });
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
