import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../main.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

async function run(...args: string[]) {
  const { io, out, err } = capture();
  const code = await main(["node", "architech", "test-event-pattern", ...args], io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

// The EC2 example event of the EventBridge User Guide, with every field TestEventPattern requires.
const event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};
const eventJson = JSON.stringify(event);

const dir = mkdtempSync(join(tmpdir(), "test-event-pattern-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("architech test-event-pattern", () => {
  it('prints {"Result":true} and exits 0 when the event matches', async () => {
    // Act
    const result = await run("--event-pattern", '{"source":["aws.ec2"]}', "--event", eventJson);
    // Assess
    expect(result).toEqual({ code: 0, stdout: '{"Result":true}\n', stderr: "" });
  });

  it('prints {"Result":false} and exits 0 when it does not', async () => {
    const result = await run("--event-pattern", '{"detail":{"state":["running"]}}', "--event", eventJson);
    expect(result).toEqual({ code: 0, stdout: '{"Result":false}\n', stderr: "" });
  });

  it("reads file:// arguments, keeping number literals of the event text", async () => {
    // Arrange
    const patternFile = join(dir, "pattern.json");
    const eventFile = join(dir, "event.json");
    writeFileSync(patternFile, '{"detail": {"n": [300]}}');
    writeFileSync(eventFile, eventJson.replace('"state":"terminated"', '"n": 300.0'));
    // Act
    const result = await run("--event-pattern", `file://${patternFile}`, "--event", `file://${eventFile}`);
    // Assess
    expect(result).toEqual({ code: 0, stdout: '{"Result":true}\n', stderr: "" });
  });

  it("refuses an invalid pattern with exit 2 and the service's exception", async () => {
    const result = await run("--event-pattern", '{"source":[]}', "--event", eventJson);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "InvalidEventPatternException: Event pattern is not valid. Reason: Empty arrays are not allowed\n",
    });
  });

  it("refuses pattern text that is not JSON as an invalid pattern", async () => {
    const result = await run("--event-pattern", "{source", "--event", eventJson);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^InvalidEventPatternException: Event pattern is not valid\. Reason: /);
  });

  it("refuses an event lacking mandatory fields, naming them", async () => {
    const { id: _id, time: _time, ...partial } = event;
    const result = await run("--event-pattern", '{"source":["aws.ec2"]}', "--event", JSON.stringify(partial));
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "ValidationException: Parameter Event is not valid. Reason: the event lacks the mandatory field(s) id, time\n",
    });
  });

  it("accepts an event without resources, as the service does", async () => {
    const { resources: _resources, ...withoutResources } = event;
    const result = await run(
      "--event-pattern",
      '{"source":["aws.ec2"]}',
      "--event",
      JSON.stringify(withoutResources),
    );
    expect(result.stdout).toBe('{"Result":true}\n');
  });

  it.each([
    ["{not json", "it is not JSON"],
    ["[1, 2]", "an event must be a JSON object"],
  ])("refuses the event %j with exit 2", async (text, reason) => {
    const result = await run("--event-pattern", '{"source":["aws.ec2"]}', "--event", text);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`ValidationException: Parameter Event is not valid. Reason: ${reason}`);
  });

  it("refuses an unreadable file with exit 2", async () => {
    const missing = join(dir, "missing.json");
    const result = await run("--event-pattern", `file://${missing}`, "--event", eventJson);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read --event-pattern file://${missing}`);
  });

  it("refuses a pattern longer than the API accepts", async () => {
    const long = JSON.stringify({ source: ["x".repeat(4100)] });
    const result = await run("--event-pattern", long, "--event", eventJson);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Member must have length less than or equal to 4096");
  });

  it("exits 2 when an option is missing", async () => {
    const result = await run("--event", eventJson);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--event-pattern");
  });
});
