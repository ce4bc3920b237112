import { parseArgs } from "node:util";
import { writeTemplates } from "../stacks/synthesize.ts";

// `npm run synth [-- --stage prod]`: the CloudFormation templates, offline, in .sst/synth/; fails on any
// cdk-nag AwsSolutions error that the stack does not suppress with a reason.
const { values } = parseArgs({
  options: { stage: { type: "string", default: "dev" }, out: { type: "string", default: ".sst/synth" } },
});

const { files, nagErrors } = await writeTemplates({ stage: values.stage }, values.out);
for (const file of files) console.log(file);
for (const error of nagErrors) console.error(`${error.path}: ${error.message}`);
if (nagErrors.length > 0) process.exitCode = 1;
