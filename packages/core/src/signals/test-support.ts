// Shared by the signal tests: the project's event fixtures (test/events/) and result narrowing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Signal, SignalType } from "./signal.ts";
import type { NormalizeResult } from "./signal-error.ts";

export const eventFixturesRoot: string = fileURLToPath(new URL("../../../../test/events/", import.meta.url));

export function readEventFixtureText(path: string): string {
  return readFileSync(join(eventFixturesRoot, path), "utf8");
}

export function readEventFixture(path: string): unknown {
  return JSON.parse(readEventFixtureText(path));
}

/** Every fixture file, relative to test/events/, sorted. */
export function listEventFixtures(): string[] {
  return readdirSync(eventFixturesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(eventFixturesRoot, dir.name)).map((file) => `${dir.name}/${file}`))
    .sort();
}

/** The signal of a successful result, narrowed to `type`; fails with the error otherwise. */
export function signalOf<Type extends SignalType>(
  result: NormalizeResult,
  type: Type,
): Extract<Signal, { type: Type }> {
  if (!result.ok)
    throw new Error(`expected a ${type} signal, got ${result.error.code}: ${result.error.message}`);
  const signal = result.signal;
  if (signal.type !== type) throw new Error(`expected a ${type} signal, got ${signal.type}`);
  return signal as Extract<Signal, { type: Type }>;
}
