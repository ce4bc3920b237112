import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../main.ts";
import { parseTimeScale } from "./dev.ts";

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const code = await main(["node", "architech", ...args], io);
  return { code, out: out.join(""), err: err.join("") };
}

describe("architech dev", () => {
  it("runs the shipped policies against the default sandbox for a bounded time, prints where it is, and exits 0", async () => {
    const { code, out } = await run("dev", "--port", "0", "--for", "1s");

    expect(code).toBe(0);
    expect(out).toMatch(/embedded runtime at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain("/api/runs");
    expect(out).toContain("rollback-on-error-alarms");
    expect(out).toContain("Sandbox account 123456789012 (eu-west-1)");
    expect(out).toContain("ran for 1000 ms (--for)");
  });

  it("stops cleanly on SIGTERM and exits 0", async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const running = main(["node", "architech", "dev", "--port", "0"], io);
    for (let attempt = 0; attempt < 200 && !out.join("").includes("Live log"); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    process.emit("SIGTERM");

    expect(await running).toBe(0);
    expect(out.join("")).toContain("terminated (SIGTERM); stopping");
    expect(process.listenerCount("SIGTERM")).toBe(0);
  });

  it("refuses invalid policies with every problem and exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "architech-dev-"));
    try {
      writeFileSync(join(dir, "broken.yaml"), "name: broken\nrunbook: nope\n");

      const { code, err } = await run("dev", "--port", "0", "--for", "1s", "--policies", dir);

      expect(code).toBe(2);
      expect(err).toContain("broken.yaml");
      expect(err).toContain("architech policies validate");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a malformed option before starting anything", async () => {
    expect((await run("dev", "--time-scale", "fast")).code).toBe(2);
    expect((await run("dev", "--for", "a while")).code).toBe(2);
    expect((await run("dev", "--port", "99999")).code).toBe(2);
  });

  it("reads time scales as fractions or numbers", () => {
    expect(parseTimeScale("1/300")).toBeCloseTo(1 / 300);
    expect(parseTimeScale("0.5")).toBe(0.5);
    expect(parseTimeScale("0")).toBe(0);
    expect(parseTimeScale("-1")).toBeUndefined();
    expect(parseTimeScale("1/0")).toBeUndefined();
  });
});
