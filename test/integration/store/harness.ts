import { createDynamoStore, type DynamoStore } from "@architech/aws";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "@architech/local";

/** A clock the test moves by hand. */
export interface ManualClock {
  now(): Date;
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function manualClock(start: string): ManualClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** One embedded DynamoDB per test file; every test builds its own store (and clock) on it. */
export interface Harness {
  readonly db: EmbeddedDynamoDb;
  store(clock?: ManualClock, random?: (bytes: Uint8Array) => void): DynamoStore;
}

export async function startHarness(): Promise<Harness> {
  const db = await startEmbeddedDynamoDb();
  return {
    db,
    store: (clock, random) =>
      createDynamoStore({
        client: db.client,
        tableName: db.tableName,
        ...(clock === undefined ? {} : { clock }),
        ...(random === undefined ? {} : { random }),
      }),
  };
}

let counter = 0;
/** A key no other test in the file uses. */
export function uniqueKey(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
