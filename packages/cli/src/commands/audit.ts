import type { AuditEntry } from "@architech/core";
import type { Command } from "commander";
import { type AwsOptions, againstAws, parseLimit, withAwsOptions } from "../aws-target.ts";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";
import { describeAudit } from "./runs.ts";

/** `architech audit`: the audit log of a running control plane, newest first. */
export function registerAudit(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  withAwsOptions(
    program
      .command("audit")
      .description("show the audit log of a running control plane, newest first")
      .option(...URL_OPTION)
      .option("--limit <n>", "how many entries", "50")
      .option("--json", "print the entries as JSON"),
  ).action(async (options: AwsOptions & { url: string; limit: string; json?: boolean }) => {
    const print = (items: AuditEntry[]) => {
      if (options.json) io.stdout(`${JSON.stringify(items, null, 2)}\n`);
      else io.stdout(`${items.map(describeAudit).join("\n")}\n`);
      return ExitCode.ok;
    };
    if (options.aws) {
      const limit = parseLimit(options.limit);
      if (limit === undefined) {
        io.stderr(`architech audit: limit must be a whole number from 1 to 1000, got "${options.limit}"\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      setExit(
        await againstAws("audit", options, io, async (target) => {
          const { items } = await target.store().listAudit({ limit });
          return print(items);
        }),
      );
      return;
    }
    setExit(
      await againstServer("audit", options.url, io, async (client) => {
        const { items } = await client.get<{ items: AuditEntry[] }>(
          `/api/audit?limit=${encodeURIComponent(options.limit)}`,
        );
        return print(items);
      }),
    );
  });
}
