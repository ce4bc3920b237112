import { describe, expect, it } from "vitest";
import {
  fargateMonthlyCost,
  lambdaMemoryFor,
  lambdaMonthlyCost,
  smallestFargateSize,
} from "./rightsize-sizing.ts";

describe("rightsizing sizes and prices", () => {
  it("picks the smallest valid Fargate size that fits", () => {
    expect(smallestFargateSize(100, 300)).toEqual({ cpu: 256, memory: 512 });
    expect(smallestFargateSize(300, 900)).toEqual({ cpu: 512, memory: 1024 });
    expect(smallestFargateSize(512, 5000)).toEqual({ cpu: 1024, memory: 5120 });
    expect(smallestFargateSize(20_000, 1024)).toBeUndefined();
  });

  it("prices Fargate tasks per month from the documented table", () => {
    // 1 vCPU + 2 GB: (0.04048 + 2 × 0.004445) × 730 = 36.04 per task.
    expect(fargateMonthlyCost({ cpu: 1024, memory: 2048 }, 1)).toBe(36.04);
    expect(fargateMonthlyCost({ cpu: 1024, memory: 2048 }, 3)).toBe(108.12);
  });

  it("rounds Lambda memory to 64 MB steps within the limits and prices GB-seconds", () => {
    expect(lambdaMemoryFor(100)).toBe(128);
    expect(lambdaMemoryFor(700)).toBe(704);
    expect(lambdaMemoryFor(20_000)).toBe(10_240);
    expect(lambdaMonthlyCost(1024, 1_000_000)).toBe(16.67);
  });
});
