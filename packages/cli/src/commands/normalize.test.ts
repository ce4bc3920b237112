import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../main.ts";

const events = fileURLToPath(new URL("../../../../test/events/", import.meta.url));
const fixture = (path: string) => join(events, path);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

async function run(...args: string[]) {
  const output = capture();
  const code = await main(["node", "architech", "normalize", ...args], output.io);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

describe("architech normalize", () => {
  it("prints one summary line for an event file and exits 0", async () => {
    const { code, stdout, stderr } = await run(fixture("ecs/deployment-state-change.rollback.json"));

    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toBe(
      "deployment prod/checkout-api ecs-svc/6150392847561029384 IN_PROGRESS (rollback) (123456789012/eu-west-1, 2026-03-02T10:03:21.000Z)\n",
    );
  });

  it("prints the full signal as JSON with --json", async () => {
    const { code, stdout } = await run(fixture("ecr/image-action.push.success.json"), "--json");

    expect(code).toBe(0);
    const signal = JSON.parse(stdout) as Record<string, unknown>;
    expect(signal).toMatchObject({
      type: "image-push",
      repositoryName: "checkout-api",
      imageTag: "v1.42.0",
      imageDigest: "sha256:3c5a9f1e7b2d4c8a6e0f9b1d3a5c7e9f2b4d6a8c0e1f3a5b7c9d1e3f5a7b9c2d",
      raw: { "detail-type": "ECR Image Action" },
    });
  });

  it("prints one JSON array for several files, in order, and prefixes summary lines with the file", async () => {
    const files = [fixture("budgets/sns.actual.monthly.json"), fixture("slack/command.txt")];

    const json = await run(...files, "--json");
    const text = await run(...files);

    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { type: string }[]).map((signal) => signal.type)).toEqual([
      "budget-threshold",
      "chat-command",
    ]);
    expect(text.stdout.split("\n")).toEqual([
      `${files[0]}: budget-threshold "platform nonprod" ACTUAL $512.37 > $480.00 = 85.4% of $600.00, monthly (123456789012/us-east-1, 2026-03-02T06:12:40.518Z)`,
      `${files[1]}: chat-command /architech rollback checkout-api --cluster prod by ana in #ops-incidents`,
      "",
    ]);
  });

  it("exits 2 naming the file and the fields of a malformed event, and still prints the others", async () => {
    const good = fixture("scheduler/schedule-input.json");
    const bad = fixture("scheduler/schedule-input.template.json");

    const { code, stdout, stderr } = await run(good, bad, "--json");

    expect(code).toBe(2);
    expect((JSON.parse(stdout) as { scheduleName: string }[]).map((signal) => signal.scheduleName)).toEqual([
      "nightly-cleanup",
    ]);
    expect(stderr).toContain(
      `architech normalize: ${bad}: MalformedEvent: EventBridge Scheduler input is malformed`,
    );
    expect(stderr).toContain("\n  scheduledTime: context attribute was not substituted");
  });

  it("exits 2 for an unsupported event, a missing file and a file that is not JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "architech-normalize-"));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{"source": "aws.ecr", ');
    const missing = join(dir, "missing.json");

    const { code, stdout, stderr } = await run(fixture("ecr/image-scan.complete.json"), missing, broken);

    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(
      `image-scan.complete.json: UnsupportedEventKind: "ECR Image Scan" events from aws.ecr`,
    );
    expect(stderr).toContain(`${missing}: cannot read the file (ENOENT`);
    expect(stderr).toContain(`${broken}: not valid JSON (`);
  });

  it("requires at least one file", async () => {
    const { code, stderr } = await run();

    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument");
  });
});
