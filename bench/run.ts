// Runs every bench/*.bench.ts module (each exports `async run()` returning a results object), prints a
// summary and writes bench/results.json: { node, date, results: { <module name>: <its results> } }.
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  run: () => Promise<Record<string, unknown>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => only === undefined || file.startsWith(only))
  .sort();

function summaryLines(value: unknown, prefix: string): string[] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, member]) =>
      summaryLines(member, prefix ? `${prefix}.${key}` : key),
    );
  }
  const shown = typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : String(value);
  return [`  ${prefix.padEnd(44)} ${shown}`];
}

const results: Record<string, unknown> = {};
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, "");
  const module = (await import(pathToFileURL(join(here, file)).href)) as Partial<BenchModule>;
  if (typeof module.run !== "function") throw new Error(`${file} does not export an async run()`);
  const started = performance.now();
  console.log(`${name}:`);
  const result = await module.run();
  results[name] = result;
  for (const line of summaryLines(result, "")) console.log(line);
  console.log(`  ${"(bench wall time, s)".padEnd(44)} ${((performance.now() - started) / 1000).toFixed(1)}`);
}

const report = { node: process.version, date: new Date().toISOString(), results };
writeFileSync(join(here, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `wrote ${join("bench", "results.json")} (${files.length} bench module${files.length === 1 ? "" : "s"})`,
);
