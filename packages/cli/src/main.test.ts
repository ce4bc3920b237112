import { describe, expect, it } from "vitest";
import { main } from "./main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe("architech", () => {
  it("prints help for the program and exits 0", async () => {
    const { io, out } = capture();
    const code = await main(["node", "architech", "--help"], io);
    expect(code).toBe(0);
    expect(out.join("")).toContain("Usage: architech");
  });

  it("rejects an unknown command with exit code 2", async () => {
    const { io, err } = capture();
    const code = await main(["node", "architech", "no-such-command"], io);
    expect(code).toBe(2);
    expect(err.join("")).toContain("unknown command");
  });

  it("runs dev, the embedded runtime, for a bounded time and exits 0", async () => {
    const { io, out } = capture();
    const code = await main(["node", "architech", "dev", "--port", "0", "--for", "500ms"], io);
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/embedded runtime at http:\/\/127\.0\.0\.1:\d+/);
  });
});
