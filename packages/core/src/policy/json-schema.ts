import { z } from "zod";
import { PolicySchema } from "./policy.ts";

/**
 * The JSON Schema of a policy file, generated from the zod schema the loader uses (input side: what a
 * person writes, defaults optional). `policies/policy.schema.json` is this, committed, so that editors
 * complete and check policy files; a test fails when the committed copy falls behind.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicySchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  });
  return {
    ...schema,
    $id: "https://architech.dev/schemas/policy.schema.json",
    title: "Architech policy",
    description: "When the trigger fires, run the runbook on the target, under the guardrails, in the mode.",
  };
}
