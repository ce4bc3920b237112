import { existsSync, statSync } from "node:fs";
import { loadPolicyDirectory, policyJsonSchema } from "@architech/core";
import type { Command } from "commander";
import { type CommandIO, ExitCode } from "../io.ts";

export function registerPolicies(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const policies = program.command("policies").description("check and describe policy files");

  policies
    .command("validate")
    .description("validate every policy file (*.yaml, *.yml) in a directory; exits 1 when any is invalid")
    .argument("[dir]", "directory of policy files", "policies")
    .option("--json", "print the result as JSON")
    .action((dir: string, options: { json?: boolean }) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        io.stderr(`architech policies validate: ${dir} is not a directory\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      const { policies: loaded, problems } = loadPolicyDirectory(dir);
      if (loaded.length === 0 && problems.length === 0) {
        io.stderr(`architech policies validate: no policy files (*.yaml, *.yml) in ${dir}\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      if (options.json) {
        const summary = loaded.map(({ policy, file, line }) => ({
          name: policy.name,
          runbook: policy.runbook,
          mode: policy.mode,
          file,
          line,
        }));
        io.stdout(
          `${JSON.stringify({ valid: problems.length === 0, policies: summary, problems }, null, 2)}\n`,
        );
      } else {
        for (const p of problems) {
          io.stderr(`${p.file}:${p.line}:${p.column}: ${p.path === "" ? "" : `${p.path}: `}${p.message}\n`);
        }
        for (const { policy, file } of loaded) {
          io.stdout(`ok  ${policy.name}  (${policy.runbook}, ${policy.mode})  ${file}\n`);
        }
        io.stdout(
          problems.length === 0
            ? `${loaded.length} policies valid\n`
            : `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${dir}\n`,
        );
      }
      setExit(problems.length === 0 ? ExitCode.ok : ExitCode.failure);
    });

  policies
    .command("schema")
    .description("print the JSON Schema of a policy file (policies/policy.schema.json is this output)")
    .action(() => {
      io.stdout(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    });
}
