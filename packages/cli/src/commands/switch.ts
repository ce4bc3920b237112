import type { Command } from "commander";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";
import { defaultActor } from "./approve.ts";

/**
 * `architech switch on|off --reason …`: engages or releases the kill switch of a running control plane.
 * While it is on, every automatic action is suppressed (and audited as such).
 */
export function registerSwitch(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("switch")
    .description("engage (on) or release (off) the kill switch of a running control plane")
    .argument("<state>", "on: stop every automatic action; off: resume")
    .requiredOption("--reason <text>", "why (written to the audit log)")
    .option("--by <who>", "who does it", defaultActor())
    .option(...URL_OPTION)
    .option("--json", "print the answer as JSON")
    .action(async (state: string, options: { reason: string; by: string; url: string; json?: boolean }) => {
      if (state !== "on" && state !== "off") {
        io.stderr(`architech switch: say on or off, not "${state}"\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      setExit(
        await againstServer("switch", options.url, io, async (client) => {
          const answer = await client.post<{ killSwitch: unknown }>("/api/switch", {
            engaged: state === "on",
            reason: options.reason,
            by: options.by,
          });
          if (options.json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
          else
            io.stdout(
              `kill switch ${state === "on" ? "engaged: automatic actions are suppressed" : "released: automatic actions resume"} (by ${options.by}: ${options.reason})\n`,
            );
          return ExitCode.ok;
        }),
      );
    });
}
