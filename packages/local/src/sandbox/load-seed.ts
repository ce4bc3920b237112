import { readFile } from "node:fs/promises";
import { ArchitechError } from "@architech/core";
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type SandboxSeed, SandboxSeedSchema } from "./seed.ts";

/** One thing wrong with a seed, located for an editor. */
export interface SandboxSeedProblem {
  file: string;
  /** 1-based; 0 when the seed did not come from text. */
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `ecs.clusters.prod.services.checkout-api.running`; empty for the root. */
  path: string;
  message: string;
}

/** A seed that cannot be loaded; `problems` lists every problem, not only the first. */
export class SandboxSeedError extends ArchitechError {
  readonly problems: readonly SandboxSeedProblem[];

  constructor(problems: readonly SandboxSeedProblem[]) {
    super("InvalidSandboxSeed", `invalid sandbox seed:\n${problems.map(formatProblem).join("\n")}`);
    this.problems = problems;
  }
}

/** `file:line:column path: message`, the form editors and terminals link. */
export function formatProblem(problem: SandboxSeedProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where} ${problem.path || "(root)"}: ${problem.message}`;
}

/**
 * Parses and validates a sandbox seed written in YAML. Throws {@link SandboxSeedError} naming the line
 * and the path of every problem.
 *
 * @example
 * const seed = loadSandboxSeed(readFileSync("sandbox/default.yaml", "utf8"), "sandbox/default.yaml");
 * const sandbox = createSandboxAccount({ seed, clock });
 */
export function loadSandboxSeed(text: string, file: string): SandboxSeed {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    throw new SandboxSeedError(
      document.errors.map((error) => ({
        file,
        ...at(error.pos[0]),
        path: "",
        message: `YAML: ${error.message.split("\n")[0] ?? error.message}`,
      })),
    );
  }
  const parsed = SandboxSeedSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return parsed.data;
  throw new SandboxSeedError(
    expandIssues(parsed.error.issues).map((issue) => ({
      file,
      ...at(nodeOffset(document, issue.path, issue.atKey) ?? 0),
      path: issue.path.join("."),
      message: issue.message,
    })),
  );
}

/** Reads and validates a seed file (see {@link loadSandboxSeed}). */
export async function loadSandboxFile(path: string): Promise<SandboxSeed> {
  return loadSandboxSeed(await readFile(path, "utf8"), path);
}

/**
 * Validates a seed given as data, for tests and programs that build an estate in code.
 *
 * @example
 * const seed = parseSandboxSeed({ ecs: { clusters: { prod: { services: {} } } } });
 */
export function parseSandboxSeed(data: unknown, file = "<seed>"): SandboxSeed {
  const parsed = SandboxSeedSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new SandboxSeedError(
    expandIssues(parsed.error.issues).map((issue) => ({
      file,
      line: 0,
      column: 0,
      path: issue.path.join("."),
      message: issue.message,
    })),
  );
}

interface LocatedIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key rather than its value (for a field that should not be there). */
  atKey?: boolean;
}

/** Unknown keys one by one, at the key, so the line points at the typo; failed unions by their branches. */
function expandIssues(issues: readonly z.core.$ZodIssue[]): LocatedIssue[] {
  return issues.flatMap((issue): LocatedIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        message: `unknown field "${key}"`,
        atKey: true,
      }));
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const nested = issue.errors.flat();
      if (nested.length > 0) {
        return expandIssues(nested.map((n) => ({ ...n, path: [...issue.path, ...n.path] })));
      }
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/** The source offset of the deepest node along `path` that exists in the document (or of its key). */
function nodeOffset(
  document: { getIn(path: unknown[], keepScalar: boolean): unknown },
  path: PropertyKey[],
  atKey = false,
) {
  const parent = atKey ? document.getIn(path.slice(0, -1), true) : undefined;
  if (isMap(parent)) {
    const key = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === path.at(-1))?.key;
    if (isNode(key) && key.range) return key.range[0];
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}
