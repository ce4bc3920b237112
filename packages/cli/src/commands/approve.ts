import { userInfo } from "node:os";
import type { Approval } from "@architech/core";
import type { Command } from "commander";
import { againstServer, URL_OPTION } from "../client.ts";
import { type CommandIO, ExitCode } from "../io.ts";

/** Who a command acts as unless `--by` says: the local user. */
export function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

type Decision = "approved" | "denied";

/**
 * `architech approvals`, `architech approve <id>` and `architech deny <id> --reason …`: decide a pending
 * approval of a running control plane, bound to the plan it was requested for.
 */
export function registerApprove(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("approvals")
    .description("list the pending approvals of a running control plane")
    .option(...URL_OPTION)
    .option("--json", "print the approvals as JSON")
    .action(async (options: { url: string; json?: boolean }) => {
      setExit(
        await againstServer("approvals", options.url, io, async (client) => {
          const { approvals } = await client.get<{ approvals: Approval[] }>("/api/approvals");
          if (options.json) io.stdout(`${JSON.stringify(approvals, null, 2)}\n`);
          else if (approvals.length === 0) io.stdout("no pending approvals\n");
          else
            for (const a of approvals)
              io.stdout(`${a.id}  ${a.policy} on ${a.target} (run ${a.runId}), expires ${a.expiresAt}\n`);
          return ExitCode.ok;
        }),
      );
    });

  const decide = (name: string, decision: Decision, description: string) => {
    const command = program
      .command(name)
      .description(description)
      .argument("<approval-id>", "the approval's id (architech approvals)")
      .option("--by <who>", "who decides", defaultActor())
      .option(...URL_OPTION)
      .option("--json", "print the approval as JSON");
    if (decision === "denied") command.requiredOption("--reason <text>", "why (written to the audit log)");
    else command.option("--reason <text>", "why (written to the audit log)");
    command.action(
      async (id: string, options: { by: string; reason?: string; url: string; json?: boolean }) => {
        setExit(
          await againstServer(name, options.url, io, async (client) => {
            const { approval } = await client.post<{ approval: Approval }>(
              `/api/approvals/${encodeURIComponent(id)}`,
              {
                decision,
                by: options.by,
                ...(options.reason === undefined ? {} : { reason: options.reason }),
              },
            );
            if (options.json) io.stdout(`${JSON.stringify(approval, null, 2)}\n`);
            else
              io.stdout(
                `${approval.id} ${approval.decision} by ${approval.decidedBy}: run ${approval.runId} ${decision === "approved" ? "resumes" : "is cancelled"}\n`,
              );
            return ExitCode.ok;
          }),
        );
      },
    );
  };
  decide("approve", "approved", "approve a pending approval: the waiting run goes ahead with its plan");
  decide("deny", "denied", "deny a pending approval: the waiting run is cancelled");
}
