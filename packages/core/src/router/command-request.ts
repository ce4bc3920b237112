import type { z } from "zod";
import type { Policy } from "../policy/policy.ts";
import { CLEANUP_RESOURCE_KINDS } from "../runbook/cleanup.ts";
import { getRunbook, type RunbookName } from "../runbook/registry.ts";
import { parseArn } from "../signals/arn.ts";
import {
  type CommandGrammar,
  type CommandOptions,
  commandUsage,
  type ParsedCommandArguments,
  parseChatCommand,
} from "../signals/command-args.ts";
import type { ChatCommandSignal } from "../signals/signal.ts";
import type { RunMode } from "../store/run.ts";
import { type Target, targetKey } from "../target/target.ts";
import type { RejectionReason } from "./decision.ts";
import {
  type AccountScope,
  backupResourceTargetOf,
  SERVICE_TARGET_FORMS,
  serviceTargetOf,
  type TargetResolution,
} from "./resolve-target.ts";

/** How each runbook is asked for in a chat command: what its one argument is, and the options it takes. */
export const RUNBOOK_COMMANDS: Readonly<Record<RunbookName, Omit<CommandGrammar, "name">>> = {
  rollback: {
    positional: { placeholder: "<service>", required: true, help: `the service is ${SERVICE_TARGET_FORMS}` },
    options: ["to", "reason", "dry-run", "cluster"],
  },
  rightsize: {
    positional: { placeholder: "<target>", required: true, help: `the target is ${SERVICE_TARGET_FORMS}` },
    options: ["reason", "dry-run", "cluster"],
  },
  cleanup: {
    positional: {
      placeholder: "<kind>",
      required: false,
      help: `the kind is one of ${CLEANUP_RESOURCE_KINDS.join(", ")}`,
    },
    options: ["reason", "dry-run"],
  },
  "verify-backup": {
    positional: {
      placeholder: "<resource>",
      required: true,
      help: "the resource is a DynamoDB table name, or the ARN of a DynamoDB table or EBS volume",
    },
    options: ["reason", "dry-run"],
  },
};

/** What a person asked for with a chat command, read against the policy that answers it. */
export interface CommandRequest {
  target: Target;
  /** The policy's mode, or a safer one the person asked for (`--dry-run`); never a less safe one. */
  mode: RunMode;
  /** True when the request lowered the policy's mode. */
  modeLowered: boolean;
  /** The policy's params with what the request narrowed (`release`, `kinds`), each checked by the runbook's schema. */
  params: Record<string, unknown>;
  /** The person's Slack user id. */
  requestedBy: string;
  reason?: string;
  /** What the command asked for beyond the policy, for the run's input and the audit log. */
  requested: Record<string, string | boolean>;
}

export type CommandRequestResult =
  | { ok: true; request: CommandRequest }
  | { ok: false; reason: RejectionReason; detail: string };

const MODE_SAFETY: Readonly<Record<RunMode, number>> = { "dry-run": 0, approve: 1, auto: 2 };

/**
 * The safer of two modes: a request may lower a policy's mode (`auto` → `approve` → `dry-run`), never
 * raise it.
 *
 * @example
 * saferMode("approve", "dry-run"); // "dry-run"
 * saferMode("dry-run", "auto"); // "dry-run"
 */
export function saferMode(policy: RunMode, requested: RunMode | undefined): RunMode {
  return requested !== undefined && MODE_SAFETY[requested] < MODE_SAFETY[policy] ? requested : policy;
}

/**
 * The grammar of the command a policy answers: its runbook's, under the command's name. The target is
 * required only when the policy takes it from the command; a policy that names its own needs none.
 *
 * @example
 * commandUsage(commandGrammarFor(rollbackByHand), "/architech");
 * // 'Usage: /architech rollback <service> [--to <release>] [--reason "<text>"] [--dry-run] [--cluster <cluster>] (…)'
 */
export function commandGrammarFor(policy: Policy): CommandGrammar {
  const name = "command" in policy.trigger ? policy.trigger.command.name : policy.runbook;
  const base = RUNBOOK_COMMANDS[policy.runbook as RunbookName];
  // A policy that names its target itself does not need one from the person.
  const fromEvent = "from" in policy.target && policy.target.from === "event";
  const positional =
    base.positional && policy.runbook !== "cleanup"
      ? { ...base.positional, required: fromEvent }
      : base.positional;
  return { name, ...(positional ? { positional } : {}), options: base.options };
}

/**
 * Reads a chat command against the policy that answers it: the target (named in the command, or the
 * policy's own), the mode (`--dry-run` lowers it), the params the command narrows (`--to` for rollback,
 * the kind for cleanup), who asked and why. Options can only make a run safer; anything the runbook does
 * not take, or a target the policy does not act on, is refused with a usage line for the person.
 *
 * @example
 * const read = readCommandRequest(policy, signal, { account: "123456789012", region: "eu-west-1" });
 * if (!read.ok) return reject(read.detail); // "rollback needs <service>. Usage: /architech rollback <service> …"
 */
export function readCommandRequest(
  policy: Policy,
  signal: ChatCommandSignal,
  scope?: AccountScope,
): CommandRequestResult {
  const grammar = commandGrammarFor(policy);
  const usage = commandUsage(grammar, signal.command);
  const invalid = (problem: string): CommandRequestResult => ({
    ok: false,
    reason: "invalid-arguments",
    detail: `${problem}. ${usage}`,
  });
  const parsed = parseChatCommand(signal, grammar);
  if (!parsed.ok) return { ok: false, reason: "invalid-arguments", detail: parsed.reason };
  const { options } = parsed.value;

  const target = commandTarget(policy, parsed.value, scope);
  if (!target.ok) {
    return "unresolved" in target
      ? { ok: false, reason: "unresolved-target", detail: target.reason }
      : invalid(target.reason);
  }

  const overrides: Record<string, unknown> = {};
  const requested: Record<string, string | boolean> = {};
  if (options.to !== undefined) {
    overrides.release = options.to;
    requested.release = options.to;
  }
  if (policy.runbook === "cleanup" && parsed.value.positional !== undefined) {
    const kind = parsed.value.positional;
    const allowed = (policy.params as { kinds?: readonly string[] }).kinds ?? CLEANUP_RESOURCE_KINDS;
    if (!(CLEANUP_RESOURCE_KINDS as readonly string[]).includes(kind)) {
      return invalid(`"${kind}" is not a kind of stale resource cleanup looks for`);
    }
    if (!allowed.includes(kind)) {
      return invalid(`policy ${policy.name} does not look for ${kind}; it looks for ${allowed.join(", ")}`);
    }
    overrides.kinds = [kind];
    requested.kind = kind;
  }
  const problem = paramsProblem(policy.runbook as RunbookName, overrides);
  if (problem) return invalid(problem);

  const mode = saferMode(policy.mode, options.dryRun ? "dry-run" : undefined);
  if (options.dryRun) requested.dryRun = true;
  return {
    ok: true,
    request: {
      target: target.target,
      mode,
      modeLowered: mode !== policy.mode,
      params: { ...(policy.params as Record<string, unknown>), ...overrides },
      requestedBy: signal.userId,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      requested,
    },
  };
}

type CommandTargetResult = TargetResolution | { ok: false; reason: string; unresolved: true };

function commandTarget(
  policy: Policy,
  parsed: ParsedCommandArguments,
  scope: AccountScope | undefined,
): CommandTargetResult {
  const spec = policy.target;
  const { positional, options } = parsed;
  if ("from" in spec && spec.from !== "event") {
    const from = spec.from === "alarm-dimensions" ? "an alarm's dimensions" : "an ECR repository";
    return {
      ok: false,
      unresolved: true,
      reason: `policy ${policy.name} takes its target from ${from}, which a chat command does not carry`,
    };
  }
  if (policy.runbook === "cleanup") {
    // Cleanup scans an account: its one argument is a kind of resource, never a target.
    return { ok: true, target: "type" in spec ? spec : { type: "account" } };
  }
  if (positional === undefined) {
    if (options.cluster !== undefined)
      return { ok: false, reason: "--cluster names the cluster of a service" };
    // The grammar asks for the argument unless the policy names its target itself.
    return "type" in spec ? { ok: true, target: spec } : { ok: false, reason: "name the target" };
  }
  const explicit = "type" in spec ? spec : undefined;
  const named = namedTarget(policy.runbook as RunbookName, positional, options, scope ?? scopeOf(explicit));
  if (!named.ok || explicit === undefined) return named;
  if (targetKey(named.target) !== targetKey(explicit)) {
    return {
      ok: false,
      reason: `policy ${policy.name} acts on ${targetKey(explicit)} only, not ${targetKey(named.target)}; leave the target out or name that one`,
    };
  }
  return { ok: true, target: explicit };
}

function namedTarget(
  runbook: RunbookName,
  positional: string,
  options: CommandOptions,
  scope: AccountScope | undefined,
): TargetResolution {
  if (runbook === "verify-backup") return backupResourceTargetOf(positional, scope);
  return serviceTargetOf(positional, options.cluster);
}

/** A policy's own backup resource says which account and region a bare table name is in. */
function scopeOf(target: Target | undefined): AccountScope | undefined {
  if (target?.type !== "backup-resource") return undefined;
  const arn = parseArn(target.resourceArn);
  return arn && arn.account !== "" && arn.region !== ""
    ? { account: arn.account, region: arn.region }
    : undefined;
}

/** Checks each narrowed param with the runbook's own schema for that param. */
function paramsProblem(runbook: RunbookName, overrides: Record<string, unknown>): string | undefined {
  const shape = (getRunbook(runbook).params as { shape?: Record<string, z.ZodType> }).shape;
  for (const [key, value] of Object.entries(overrides)) {
    const field = shape?.[key];
    if (field === undefined) return `${runbook} has no ${key} parameter`;
    const checked = field.safeParse(value);
    if (!checked.success) {
      const option = key === "release" ? "--to" : key;
      return `${option}: ${checked.error.issues.map((issue) => issue.message).join("; ")}`;
    }
  }
  return undefined;
}
