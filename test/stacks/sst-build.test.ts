import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAwsCall, startFakeAws } from "./fake-aws.ts";

const run = promisify(execFile);
const SST_CLI = createRequire(import.meta.url).resolve("sst/cli/sst.js");
const STAGE = "offline-build";
const TEMPLATE = join(".sst", "dist", `${STAGE}-architech-ControlPlane.template.json`);

let fake: Awaited<ReturnType<typeof startFakeAws>>;
beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(async () => {
  await fake?.stop();
  rmSync(TEMPLATE, { force: true });
});

describe("sst build, SST's own CLI", () => {
  it("loads sst.config.ts, bundles every function and writes the stack, asking AWS only who and where", async () => {
    // Prepare: the environment of a shell, not of this test runner (SST skips its bootstrap lookup under test).
    const { NODE_ENV: _runner, VITEST: _vitest, ...shell } = process.env;

    // Act: the CLI as `npx sst build` runs it, with AWS answered by the fake on loopback.
    const { stdout, stderr } = await run(process.execPath, [SST_CLI, "build", "--stage", STAGE], {
      env: {
        ...shell,
        AWS_ENDPOINT_URL: fake.url,
        AWS_ACCESS_KEY_ID: "AKIAOFFLINEBUILD",
        AWS_SECRET_ACCESS_KEY: "offline",
        AWS_REGION: "us-east-1",
        NO_COLOR: "1",
      },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });

    // Assess
    expect(`${stdout}${stderr}`).toContain("Built: 1 stack");
    expect(existsSync(TEMPLATE)).toBe(true);
    const template = JSON.parse(readFileSync(TEMPLATE, "utf8")) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type === "AWS::Lambda::Function").length).toBeGreaterThanOrEqual(11);
    expect(types.filter((type) => type === "AWS::StepFunctions::StateMachine")).toHaveLength(4);
    const asked = fake.calls.map((call: FakeAwsCall) =>
      call.params.StackName ? `${call.action} ${call.params.StackName}` : call.action,
    );
    expect(new Set(asked)).toEqual(
      new Set(["GetCallerIdentity", "DescribeStacks CDKToolkit", "DescribeStacks SSTBootstrap"]),
    );
  }, 240_000);
});
