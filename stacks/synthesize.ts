import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Aspects, Aws } from "aws-cdk-lib";
import type { CloudFormationStackArtifact } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import type { SSTConfig } from "sst";
import { App } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";

export interface SynthesizeOptions {
  /** The SST stage; `prod` keeps the table and logs on removal and turns on deletion protection. */
  stage: string;
  /** Where the cloud assembly goes (asset bundles included). Default `.sst/cdk.out`. */
  outdir?: string;
  /**
   * Bundle the functions with esbuild, as a deployment does (default). Without it SST treats the stacks as
   * inactive and gives each function a placeholder inline code: the same template, minus the bundles.
   */
  bundle?: boolean;
}

/** A cdk-nag finding that no suppression accepted (`AwsSolutions-IAM5: …`). */
export interface NagError {
  path: string;
  message: string;
}

export interface SynthesizedApp {
  app: App;
  stacks: CloudFormationStackArtifact[];
  /** The cdk-nag `AwsSolutions` errors left after the stacks' suppressions. */
  nagErrors: NagError[];
}

/**
 * Builds the SST app offline, in-process: the project with an explicit stage (so no personal-stage prompt),
 * then SST's `App` in deploy mode with every stack active, so functions are bundled as for a deployment,
 * and the cdk-nag `AwsSolutions` checks over the result.
 * `sst.config.ts` is loaded as `sst deploy` loads it: bundled by SST's own esbuild (overridden in
 * package.json to one that reads JSON import attributes and ES2023 targets), then imported.
 * The account is left to CloudFormation (`AWS::AccountId`) because `sst deploy` would ask STS for it.
 * SST skips its bootstrap lookup (an AWS call) only when `NODE_ENV` is `test`, so it is set here.
 *
 * @example
 * const { stacks } = await synthesizeApp({ stage: "dev" });
 * stacks.map((s) => s.stackName); // ["dev-architech-ControlPlane"]
 */
export async function synthesizeApp(options: SynthesizeOptions): Promise<SynthesizedApp> {
  process.env.NODE_ENV = "test";
  await initProject({ stage: options.stage });
  const project = useProject();
  const app = new App(
    {
      mode: "deploy",
      stage: project.config.stage,
      name: project.config.name,
      region: project.config.region,
      account: Aws.ACCOUNT_ID,
      isActiveStack: () => options.bundle ?? true,
    },
    { outdir: options.outdir ?? join(project.paths.out, "cdk.out") },
  );
  const [, config] = (await load(project.paths.config, false)) as readonly [unknown, SSTConfig];
  await config.stacks(app);
  await app.finish();
  Aspects.of(app).add(new AwsSolutionsChecks());
  const assembly = app.synth();
  const nagErrors = assembly.stacks.flatMap((stack) =>
    stack.messages
      .filter(
        (message) => message.level === "error" && String(message.entry.data).startsWith("AwsSolutions-"),
      )
      .map((message) => ({ path: message.id, message: String(message.entry.data) })),
  );
  return { app, stacks: assembly.stacks, nagErrors };
}

/**
 * Synthesizes the app and writes each stack's template to `<dir>/<StackName>.template.json`.
 *
 * @example
 * await writeTemplates({ stage: "dev" }, ".sst/synth"); // [".sst/synth/dev-architech-ControlPlane.template.json"]
 */
export async function writeTemplates(
  options: SynthesizeOptions,
  dir: string,
): Promise<{ files: string[]; nagErrors: NagError[] }> {
  const { stacks, nagErrors } = await synthesizeApp(options);
  mkdirSync(dir, { recursive: true });
  const files = stacks.map((stack) => {
    const file = join(dir, `${stack.stackName}.template.json`);
    writeFileSync(file, `${JSON.stringify(stack.template, null, 2)}\n`);
    return file;
  });
  return { files, nagErrors };
}
