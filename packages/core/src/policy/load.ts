import { isNode, LineCounter, parseAllDocuments } from "yaml";
import type { z } from "zod";
import { type Policy, PolicySchema } from "./policy.ts";

/** One thing wrong with a policy file, located for an editor: file, line, column and the field's path. */
export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field inside the policy document, e.g. `guardrails.cooldown`; empty for the root. */
  path: string;
  message: string;
}

export interface LoadedPolicy {
  policy: Policy;
  file: string;
  line: number;
}

export interface PolicySetResult {
  policies: LoadedPolicy[];
  problems: PolicyProblem[];
}

export interface PolicySource {
  file: string;
  text: string;
}

/**
 * Parses one policy file. A file holds one policy, or several separated by `---`. Every problem is
 * reported, not only the first, each with its line; a document with problems yields no policy.
 *
 * @example
 * const { policies, problems } = parsePolicyFile(readFileSync(file, "utf8"), file);
 * for (const p of problems) console.error(`${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`);
 */
export function parsePolicyFile(text: string, file: string): PolicySetResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (!Array.isArray(documents)) {
    // An empty stream (the yaml library hands back an EmptyStream).
    return { policies: [], problems: [{ file, ...at(0), path: "", message: "the file holds no policy" }] };
  }
  const result: PolicySetResult = { policies: [], problems: [] };
  for (const document of documents) {
    // A policy's line is that of its first field, past any leading comment or `---`.
    const start = at(document.contents?.range?.[0] ?? document.range[0]);
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        result.problems.push({
          file,
          ...at(error.pos[0]),
          path: "",
          message: `YAML: ${firstLine(error.message)}`,
        });
      }
      continue;
    }
    const data: unknown = document.toJS();
    if (data === null || data === undefined) continue;
    const parsed = PolicySchema.safeParse(data);
    if (parsed.success) {
      result.policies.push({ policy: parsed.data, file, line: start.line });
      continue;
    }
    for (const issue of expandIssues(parsed.error.issues)) {
      const offset = nodeOffset(document, issue.path) ?? document.range[0];
      result.problems.push({ file, ...at(offset), path: issue.path.join("."), message: issue.message });
    }
  }
  if (result.policies.length === 0 && result.problems.length === 0) {
    result.problems.push({ file, ...at(0), path: "", message: "the file holds no policy" });
  }
  return result;
}

/**
 * Parses a set of policy files and checks what only the set can show: two policies with one name, two
 * policies answering the same chat command.
 */
export function parsePolicySet(sources: readonly PolicySource[]): PolicySetResult {
  const result: PolicySetResult = { policies: [], problems: [] };
  for (const source of sources) {
    const fileResult = parsePolicyFile(source.text, source.file);
    result.policies.push(...fileResult.policies);
    result.problems.push(...fileResult.problems);
  }
  const byName = new Map<string, LoadedPolicy>();
  const byCommand = new Map<string, LoadedPolicy>();
  for (const loaded of result.policies) {
    const first = byName.get(loaded.policy.name);
    if (first) {
      result.problems.push({
        file: loaded.file,
        line: loaded.line,
        column: 1,
        path: "name",
        message: `policy name "${loaded.policy.name}" is already used in ${first.file}:${first.line}`,
      });
    } else {
      byName.set(loaded.policy.name, loaded);
    }
    if ("command" in loaded.policy.trigger && loaded.policy.enabled) {
      const command = loaded.policy.trigger.command.name;
      const other = byCommand.get(command);
      if (other) {
        result.problems.push({
          file: loaded.file,
          line: loaded.line,
          column: 1,
          path: "trigger.command.name",
          message: `command "${command}" already runs policy ${other.policy.name} (${other.file}:${other.line})`,
        });
      } else {
        byCommand.set(command, loaded);
      }
    }
  }
  return result;
}

interface LocatedIssue {
  path: PropertyKey[];
  message: string;
}

/** Unknown keys are reported one by one, at the key itself, so the line points at the typo. */
function expandIssues(issues: readonly z.core.$ZodIssue[]): LocatedIssue[] {
  return issues.flatMap((issue): LocatedIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown field "${key}"` }));
    }
    if (
      issue.code === "invalid_union" &&
      issue.errors.length > 0 &&
      issue.message.startsWith("Invalid input")
    ) {
      // A union whose branches all failed: the branch errors are more useful than "Invalid input".
      const nested = issue.errors.flat();
      if (nested.length > 0) {
        return expandIssues(nested.map((n) => ({ ...n, path: [...issue.path, ...n.path] })));
      }
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/** The source offset of the deepest node along `path` that exists in the document. */
function nodeOffset(document: { getIn(path: unknown[], keepScalar: boolean): unknown }, path: PropertyKey[]) {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
