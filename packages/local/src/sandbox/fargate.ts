/**
 * The task sizes Fargate accepts: for each CPU value (units), the memory values (MiB) it may be paired
 * with. RegisterTaskDefinition rejects any other pair, so a resize that AWS would refuse fails here too.
 */
const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/**
 * The memory sizes (MiB) Fargate pairs with `cpu` units, smallest first; empty for a CPU value it does
 * not offer.
 *
 * @example
 * fargateMemoryOptions(512); // [1024, 2048, 3072, 4096]
 */
export function fargateMemoryOptions(cpu: number): readonly number[] {
  return FARGATE_MEMORY_BY_CPU.get(cpu) ?? [];
}

/** The CPU values (units) Fargate offers, smallest first. */
export const FARGATE_CPU_OPTIONS: readonly number[] = [...FARGATE_MEMORY_BY_CPU.keys()];

/** True when Fargate runs a task of `cpu` units and `memory` MiB. */
export function isFargateSize(cpu: number, memory: number): boolean {
  return fargateMemoryOptions(cpu).includes(memory);
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}
