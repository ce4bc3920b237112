import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { createDynamoStore } from "@architech/aws";
import {
  createSortableId,
  type Decision,
  describeSignal,
  loadPolicyDirectory,
  normalizeEvent,
  PolicyIndex,
  type RouteResult,
  route,
  type Signal,
  SORTABLE_ID_RANDOM_BYTES,
  type StartWorkflowInput,
  type WorkflowStarter,
} from "@architech/core";
import { startEmbeddedDynamoDb } from "@architech/local";
import type { Command } from "commander";
import { readEventFile } from "../event-files.ts";
import { type CommandIO, ExitCode } from "../io.ts";

/** Records what would start; starts nothing. */
class ReplayWorkflows implements WorkflowStarter {
  readonly started = new Set<string>();
  async startWorkflow(input: StartWorkflowInput) {
    const alreadyStarted = this.started.has(input.executionName);
    this.started.add(input.executionName);
    return { executionArn: `replay:${input.runbook}:${input.executionName}`, alreadyStarted };
  }
  async stopWorkflow(): Promise<void> {}
}

type ReplayOutcome =
  | { file: string; signal: Signal; result: RouteResult }
  | { file: string; problem: string };

/**
 * `architech replay <event.json…> [--policies dir] [--json]`: runs real events through normalize → match →
 * guardrails against a fresh embedded store, in the order given, each at its own event time, and prints
 * the signal, the policies it matched and every decision with its reason. Nothing is started and nothing
 * outside this process is touched: this is how a policy is tested before it is deployed.
 */
export function registerReplay(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("replay")
    .description("show what the policies would decide for events, without starting anything")
    .argument("<event-files...>", "AWS events as JSON, or a Slack command body")
    .option("--policies <dir>", "directory of policy files", "policies")
    .option("--json", "print the results as JSON")
    .action(async (files: string[], options: { policies: string; json?: boolean }) => {
      if (!existsSync(options.policies) || !statSync(options.policies).isDirectory()) {
        io.stderr(`architech replay: ${options.policies} is not a directory\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      const loaded = loadPolicyDirectory(options.policies);
      if (loaded.problems.length > 0) {
        for (const p of loaded.problems)
          io.stderr(`${p.file}:${p.line}:${p.column}: ${p.path}: ${p.message}\n`);
        io.stderr("architech replay: fix the policies first (architech policies validate)\n");
        setExit(ExitCode.invalidInput);
        return;
      }
      if (loaded.policies.length === 0) {
        io.stderr(`architech replay: no policy files (*.yaml) in ${options.policies}\n`);
        setExit(ExitCode.invalidInput);
        return;
      }
      const outcomes = await replay(files, new PolicyIndex(loaded.policies.map((p) => p.policy)));
      if (options.json) {
        io.stdout(`${JSON.stringify(outcomes.map(toJson), null, 2)}\n`);
      } else {
        for (const outcome of outcomes) io.stdout(formatOutcome(outcome));
      }
      for (const outcome of outcomes) {
        if ("problem" in outcome) io.stderr(`architech replay: ${outcome.file}: ${outcome.problem}\n`);
      }
      setExit(outcomes.some((o) => "problem" in o) ? ExitCode.invalidInput : ExitCode.ok);
    });
}

async function replay(files: string[], policies: PolicyIndex): Promise<ReplayOutcome[]> {
  const db = await startEmbeddedDynamoDb();
  let now = new Date();
  const clock = { now: () => new Date(now) };
  try {
    const store = createDynamoStore({ client: db.client, tableName: db.tableName, clock });
    const deps = {
      store,
      workflows: new ReplayWorkflows(),
      clock,
      policies,
      ids: { newRunId: () => createSortableId(clock.now(), randomBytes(SORTABLE_ID_RANDOM_BYTES)) },
    };
    const outcomes: ReplayOutcome[] = [];
    for (const file of files) {
      const read = readEventFile(file);
      if ("problem" in read) {
        outcomes.push(read);
        continue;
      }
      const normalized = normalizeEvent(read.event);
      if (!normalized.ok) {
        outcomes.push({ file, problem: `${normalized.error.code}: ${normalized.error.message}` });
        continue;
      }
      const signal = normalized.signal;
      if (signal.time !== null) now = new Date(signal.time);
      outcomes.push({ file, signal, result: await route(signal, deps) });
    }
    return outcomes;
  } finally {
    await db.stop();
  }
}

function formatDecision(decision: Decision): string {
  switch (decision.kind) {
    case "start":
    case "dry-run":
    case "await-approval":
      return `${decision.policy}: ${decision.kind} ${decision.runbook} on ${decision.targetKey} (run ${decision.runId})`;
    case "suppressed":
      return `${decision.policy}: suppressed (${decision.reason}) — ${decision.detail}`;
    case "rejected":
      return `${decision.policy ?? "-"}: rejected (${decision.reason}) — ${decision.detail}`;
  }
}

function formatOutcome(outcome: ReplayOutcome): string {
  if ("problem" in outcome) return `${outcome.file}\n  not replayed: ${outcome.problem}\n`;
  const lines = [`${outcome.file}`, `  signal: ${describeSignal(outcome.signal)}`];
  if (outcome.result.matched.length === 0) lines.push("  no policy matches");
  for (const decision of outcome.result.decisions) lines.push(`  → ${formatDecision(decision)}`);
  for (const annotation of outcome.result.annotations) {
    lines.push(
      `  ↺ run ${annotation.runId} (${annotation.policy}): ${annotation.action} — ${annotation.detail}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function toJson(outcome: ReplayOutcome) {
  if ("problem" in outcome) return outcome;
  const { raw: _raw, ...signal } = outcome.signal;
  return {
    file: outcome.file,
    signal,
    matched: outcome.result.matched,
    decisions: outcome.result.decisions,
    annotations: outcome.result.annotations,
  };
}
