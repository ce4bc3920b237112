/**
 * Sizes and prices for rightsizing. Prices are list prices for US East (N. Virginia), Linux/x86, on
 * demand, as published on the AWS Fargate and AWS Lambda pricing pages; they estimate savings, they are
 * not a bill. A month is 730 hours.
 */
export const PRICE_TABLE = {
  currency: "USD",
  hoursPerMonth: 730,
  fargate: { perVcpuHour: 0.04048, perGbHour: 0.004445 },
  lambda: { perGbSecond: 0.0000166667 },
} as const;

/** The task sizes Fargate accepts: CPU units and the memory (MiB) allowed with each. */
const FARGATE_SIZES: readonly { cpu: number; memory: readonly number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** The smallest Fargate size with at least `cpu` units and `memory` MiB; undefined above the largest. */
export function smallestFargateSize(
  cpu: number,
  memory: number,
): { cpu: number; memory: number } | undefined {
  for (const size of FARGATE_SIZES) {
    if (size.cpu < cpu) continue;
    const fit = size.memory.find((m) => m >= memory);
    if (fit !== undefined) return { cpu: size.cpu, memory: fit };
  }
  return undefined;
}

/** Monthly cost of `count` Fargate tasks of a size. */
export function fargateMonthlyCost(size: { cpu: number; memory: number }, count: number): number {
  const { perVcpuHour, perGbHour } = PRICE_TABLE.fargate;
  const hourly = (size.cpu / 1024) * perVcpuHour + (size.memory / 1024) * perGbHour;
  return round2(hourly * PRICE_TABLE.hoursPerMonth * count);
}

/** Lambda memory sizes move in 64 MB steps between 128 MB and 10,240 MB. */
export function lambdaMemoryFor(neededMb: number): number {
  return Math.min(10_240, Math.max(128, Math.ceil(neededMb / 64) * 64));
}

/** Monthly compute cost of a function from its monthly GB-seconds at a memory size. */
export function lambdaMonthlyCost(memoryMb: number, monthlySeconds: number): number {
  return round2((memoryMb / 1024) * monthlySeconds * PRICE_TABLE.lambda.perGbSecond);
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
