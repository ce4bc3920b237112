import { Command, CommanderError } from "commander";
import { registerApprove } from "./commands/approve.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDev } from "./commands/dev.ts";
import { registerNormalize } from "./commands/normalize.ts";
import { registerPolicies } from "./commands/policies.ts";
import { registerReplay } from "./commands/replay.ts";
import { registerRuns } from "./commands/runs.ts";
import { registerSend } from "./commands/send.ts";
import { registerSwitch } from "./commands/switch.ts";
import { registerTestEventPattern } from "./commands/test-event-pattern.ts";
import { type CommandIO, ExitCode, processIO } from "./io.ts";

/** Builds the `architech` program; every command has `--help`. */
export function buildProgram(io: CommandIO, setExit: (code: number) => void): Command {
  const program = new Command("architech")
    .description("Architech control plane: event-driven, guarded remediation for AWS")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError();
  registerDev(program, io, setExit);
  registerTestEventPattern(program, io, setExit);
  registerNormalize(program, io, setExit);
  registerPolicies(program, io, setExit);
  registerReplay(program, io, setExit);
  registerSend(program, io, setExit);
  registerRuns(program, io, setExit);
  registerAudit(program, io, setExit);
  registerSwitch(program, io, setExit);
  registerApprove(program, io, setExit);
  registerDemo(program, io, setExit);
  return program;
}

/** Runs the command line `argv` (as in `process.argv`) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 → report as bad input.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    io.stderr(`architech: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
  return exitCode;
}
