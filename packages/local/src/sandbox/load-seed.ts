import { readFile } from "node:fs/promises";
import {
  ArchitechError,
  formatYamlProblem,
  parseLocatedYaml,
  validateLocated,
  type YamlProblem,
} from "@architech/core";
import { type SandboxSeed, SandboxSeedSchema } from "./seed.ts";

/** One thing wrong with a seed, located for an editor. */
export type SandboxSeedProblem = YamlProblem;

/** A seed that cannot be loaded; `problems` lists every problem, not only the first. */
export class SandboxSeedError extends ArchitechError {
  readonly problems: readonly SandboxSeedProblem[];

  constructor(problems: readonly SandboxSeedProblem[]) {
    super("InvalidSandboxSeed", `invalid sandbox seed:\n${problems.map(formatProblem).join("\n")}`);
    this.problems = problems;
  }
}

/** `file:line:column path: message`, the form editors and terminals link. */
export const formatProblem: (problem: SandboxSeedProblem) => string = formatYamlProblem;

/**
 * Parses and validates a sandbox seed written in YAML. Throws {@link SandboxSeedError} naming the line
 * and the path of every problem.
 *
 * @example
 * const seed = loadSandboxSeed(readFileSync("sandbox/default.yaml", "utf8"), "sandbox/default.yaml");
 * const sandbox = createSandboxAccount({ seed, clock });
 */
export function loadSandboxSeed(text: string, file: string): SandboxSeed {
  const result = parseLocatedYaml(SandboxSeedSchema, text, file);
  if (!result.ok) throw new SandboxSeedError(result.problems);
  return result.data;
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
  const result = validateLocated(SandboxSeedSchema, data, file);
  if (!result.ok) throw new SandboxSeedError(result.problems);
  return result.data;
}
