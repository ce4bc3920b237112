import { describe, expect, it } from "vitest";
import { validateWorkflowDefinition } from "./validate-definition.ts";

const lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:step";

function taskMachine(stateName: string, resource = lambdaArn) {
  return {
    StartAt: stateName,
    States: { [stateName]: { Type: "Task", Resource: resource, End: true } },
  };
}

describe("validateWorkflowDefinition", () => {
  it("accepts a minimal Task workflow and leaves the definition untouched", () => {
    const definition = taskMachine("Act");
    const before = JSON.stringify(definition);
    expect(validateWorkflowDefinition(definition)).toEqual({ valid: true });
    expect(JSON.stringify(definition)).toBe(before);
  });

  it("reports a missing transition target with its code", () => {
    const definition = {
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "Nowhere" }, B: { Type: "Succeed" } },
    };
    const result = validateWorkflowDefinition(definition);
    expect(result.valid).toBe(false);
    expect(result.valid ? [] : result.problems.map((p) => p.code)).toContain("MISSING_TRANSITION_TARGET");
  });

  it("rejects state names longer than Step Functions allows, also inside Parallel branches", () => {
    const long = "S".repeat(81);
    const definition = {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          End: true,
          Branches: [{ StartAt: long, States: { [long]: { Type: "Succeed" } } }],
        },
      },
    };
    const result = validateWorkflowDefinition(definition);
    expect(result.valid ? [] : result.problems.map((p) => p.code)).toContain("STATE_NAME_TOO_LONG");
    expect(validateWorkflowDefinition(taskMachine("S".repeat(80)))).toEqual({ valid: true });
  });

  it("accepts CloudFormation definition substitutions for Task resources, and rejects malformed ones", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a definition substitution, filled in at deploy time
    expect(validateWorkflowDefinition(taskMachine("Act", "${RollbackStepArn}"))).toEqual({ valid: true });
    const broken = taskMachine("Act", "${RollbackStepArn");
    expect(validateWorkflowDefinition(broken).valid).toBe(false);
    expect(validateWorkflowDefinition(broken, { checkArn: false })).toEqual({ valid: true });
  });

  it("rejects input that is not an object", () => {
    for (const input of [null, 3, "{}", []]) {
      expect(validateWorkflowDefinition(input)).toMatchObject({
        valid: false,
        problems: [{ code: "NOT_AN_OBJECT" }],
      });
    }
  });
});
