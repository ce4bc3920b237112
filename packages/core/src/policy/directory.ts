import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type PolicySetResult, type PolicySource, parsePolicySet } from "./load.ts";

const POLICY_FILE = /\.ya?ml$/;

/**
 * Reads every `*.yaml`/`*.yml` file under a directory (recursively, in a stable order) and parses the set.
 * The embedded runtime, the stack and `architech policies validate` all load policies through this, so
 * they agree on what the policies are. File names in problems are relative to `baseDir`.
 *
 * @example
 * const { policies, problems } = loadPolicyDirectory("policies");
 */
export function loadPolicyDirectory(dir: string, baseDir: string = process.cwd()): PolicySetResult {
  const sources: PolicySource[] = listPolicyFiles(dir).map((path) => ({
    file: relative(baseDir, path) || path,
    text: readFileSync(path, "utf8"),
  }));
  return parsePolicySet(sources);
}

function listPolicyFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listPolicyFiles(path);
    return POLICY_FILE.test(entry.name) && statSync(path).isFile() ? [path] : [];
  });
}
