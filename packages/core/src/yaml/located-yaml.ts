import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";

/** One thing wrong with a YAML file, located for an editor (`file:line:column`). */
export interface YamlProblem {
  file: string;
  /** 1-based; 0 when the data did not come from text. */
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `access.rollback.users.0`; empty for the root. */
  path: string;
  message: string;
}

export type LocatedParseResult<T> = { ok: true; data: T } | { ok: false; problems: YamlProblem[] };

export interface LocatedParseOptions {
  /** The message for a key the schema does not know. Default: `unknown field "<key>"`. */
  unknownKey?: (path: readonly PropertyKey[], key: string) => string;
}

/**
 * Parses one YAML document and validates it with a zod schema, reporting every problem with its line
 * and column: YAML errors where they are, an unknown key at the key itself (so the position points at
 * the typo), a failed union by its branches, anything else at the deepest node along its path.
 *
 * @example
 * const result = parseLocatedYaml(SlackSettingsSchema, text, "config/slack.yaml");
 * if (!result.ok) for (const p of result.problems) console.error(`${p.file}:${p.line}:${p.column} ${p.message}`);
 */
export function parseLocatedYaml<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  options: LocatedParseOptions = {},
): LocatedParseResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        file,
        ...at(error.pos[0]),
        path: "",
        message: `YAML: ${error.message.split("\n")[0] ?? error.message}`,
      })),
    };
  }
  const parsed = schema.safeParse(document.toJS() ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const problems = expandIssues(parsed.error.issues, options).map((issue) => ({
    file,
    ...at(nodeOffset(document, issue.path, issue.atKey) ?? 0),
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, problems };
}

/**
 * Validates data that did not come from text (built in code): the problems carry no position.
 *
 * @example
 * const result = validateLocated(SandboxSeedSchema, { ecs: {} }, "<seed>");
 */
export function validateLocated<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  options: LocatedParseOptions = {},
): LocatedParseResult<z.output<S>> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    problems: expandIssues(parsed.error.issues, options).map((issue) => ({
      file,
      line: 0,
      column: 0,
      path: issue.path.map(String).join("."),
      message: issue.message,
    })),
  };
}

/** `file:line:column path: message` (without a position when there is none). */
export function formatYamlProblem(problem: YamlProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where} ${problem.path || "(root)"}: ${problem.message}`;
}

interface LocatedIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key rather than its value (for a field that should not be there). */
  atKey?: boolean;
}

function expandIssues(issues: readonly z.core.$ZodIssue[], options: LocatedParseOptions): LocatedIssue[] {
  return issues.flatMap((issue): LocatedIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        message: options.unknownKey?.(issue.path, key) ?? `unknown field "${key}"`,
        atKey: true,
      }));
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const nested = issue.errors.flat();
      if (nested.length > 0) {
        return expandIssues(
          nested.map((n) => ({ ...n, path: [...issue.path, ...n.path] })),
          options,
        );
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
): number | undefined {
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
