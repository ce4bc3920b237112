import type { Command } from "commander";
import { type CommandIO, ExitCode } from "../io.ts";

export function registerDev(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("dev")
    .description("run the control plane on the embedded runtime (local DynamoDB, event bus, Step Functions)")
    .action(() => {
      io.stderr(
        [
          "architech dev: the embedded runtime is not built yet in this version.",
          "What works today:",
          "  architech test-event-pattern --event-pattern <json|file://path> --event <json|file://path>",
          "  architech normalize <event.json…>   (how the control plane reads an AWS event)",
          "",
        ].join("\n"),
      );
      setExit(ExitCode.failure);
    });
}
