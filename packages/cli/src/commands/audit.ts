import type { AuditEntry } from "@architech/core";
import type { Command } from "commander";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";
import { describeAudit } from "./runs.ts";

/** `architech audit`: the audit log of a running control plane, newest first. */
export function registerAudit(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("audit")
    .description("show the audit log of a running control plane, newest first")
    .option(...URL_OPTION)
    .option("--limit <n>", "how many entries", "50")
    .option("--json", "print the entries as JSON")
    .action(async (options: { url: string; limit: string; json?: boolean }) => {
      setExit(
        await againstServer("audit", options.url, io, async (client) => {
          const { items } = await client.get<{ items: AuditEntry[] }>(
            `/api/audit?limit=${encodeURIComponent(options.limit)}`,
          );
          if (options.json) io.stdout(`${JSON.stringify(items, null, 2)}\n`);
          else io.stdout(`${items.map(describeAudit).join("\n")}\n`);
          return ExitCode.ok;
        }),
      );
    });
}
