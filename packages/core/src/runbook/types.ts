import type { z } from "zod";
import type { TargetType } from "../target/target.ts";

/** One IAM statement a runbook's steps need; the stack builds each state machine's role from these. */
export interface IamPermission {
  actions: readonly string[];
  /** Resource ARN patterns; `*` only where the API does not support resource-level permissions. */
  resources: readonly string[];
  /** Why the runbook needs it: shown in reviews of the generated policy. */
  why: string;
  /** IAM condition block, when the grant must be narrowed further (e.g. iam:PassedToService). */
  condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * A runbook, described in the Cloud Custodian manner: everything about it that a policy, the stack and a
 * reviewer need, checked by a test that walks the registry.
 */
export interface RunbookDefinition<Params extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** The runbook's parameters; policies give them under `params`, defaults fill the rest. */
  params: Params;
  /** The kinds of target it acts on. */
  targetTypes: readonly TargetType[];
  permissions: readonly IamPermission[];
  /** A complete, valid example policy (as its YAML would parse) that uses this runbook. */
  example: Readonly<Record<string, unknown>>;
}
