import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Published conformance data lives beside the checkout (`../shared/conformance/`), never inside it.
 * Suites read it in place and skip, saying so, where it is absent (a plain clone).
 */
export const conformanceRoot: string = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/conformance",
);

export const conformanceAvailable: boolean = existsSync(conformanceRoot);

if (!conformanceAvailable) {
  console.warn(`conformance: ${conformanceRoot} not found — conformance suites are skipped`);
}

export function conformancePath(...parts: string[]): string {
  return join(conformanceRoot, ...parts);
}

export function readConformanceJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(conformancePath(...parts), "utf8")) as T;
}

export function readConformanceText(...parts: string[]): string {
  return readFileSync(conformancePath(...parts), "utf8");
}

/** Files (relative paths) under a conformance folder, recursively, sorted. */
export function listConformanceFiles(...parts: string[]): string[] {
  const base = conformancePath(...parts);
  if (!existsSync(base)) return [];
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    );
  return walk(base, "").sort();
}
