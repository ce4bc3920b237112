import { describe, expect, it } from "vitest";
import { runbookSteps } from "../runbook/steps/run-step.ts";
import { validateWorkflowDefinition } from "../workflow/validate-definition.ts";
import { stepFunctionSubstitutions, workflowDefinitions } from "./index.ts";

interface TaskState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: { step?: string } };
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const COMMON_STEPS = ["record-outcome", "release-lease", "request-approval"];

describe.each(Object.entries(workflowDefinitions))("workflow %s", (runbook, definition) => {
  const states = Object.entries((definition as { States: Record<string, TaskState> }).States);
  const tasks = states.filter(([, state]) => state.Type === "Task");

  it("is valid ASL", () => {
    expect(validateWorkflowDefinition(definition)).toEqual({ valid: true });
  });

  it("calls only steps the runbook has, through its own step function", () => {
    const known = [...Object.keys(runbookSteps[runbook] ?? {}), ...COMMON_STEPS];
    for (const [, state] of tasks) {
      expect(state.Parameters?.FunctionName).toBe(`\${${stepFunctionSubstitutions[runbook]}}`);
      expect(known).toContain(state.Parameters?.Payload?.step);
    }
  });

  it("retries transient errors and catches everything else on every Task", () => {
    for (const [name, state] of tasks) {
      const retried = state.Retry?.flatMap((r) => r.ErrorEquals) ?? [];
      expect(retried, name).toEqual(expect.arrayContaining(["TransientPortError", "TransientStoreError"]));
      expect(
        state.Catch?.some((c) => c.ErrorEquals.includes("States.ALL")),
        name,
      ).toBe(true);
    }
  });

  it("cannot end without passing the lease release", () => {
    // Remove ReleaseLease from the graph: no terminal state may then be reachable from the start.
    const byName = new Map(states);
    const successors = (state: TaskState & Record<string, unknown>): string[] => {
      const choices = (state.Choices as { Next: string }[] | undefined) ?? [];
      return [
        state.Next as string | undefined,
        state.Default as string | undefined,
        ...choices.map((c) => c.Next),
        ...(state.Catch ?? []).map((c) => c.Next),
      ].filter((n): n is string => typeof n === "string");
    };
    const seen = new Set<string>();
    const queue = [(definition as { StartAt: string }).StartAt];
    const reachedTerminals: string[] = [];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name) || name === "ReleaseLease") continue;
      seen.add(name);
      const state = byName.get(name) as TaskState & Record<string, unknown>;
      if (state.Type === "Succeed" || state.Type === "Fail" || state.End === true)
        reachedTerminals.push(name);
      queue.push(...successors(state));
    }
    expect(reachedTerminals).toEqual([]);
    expect(seen.size).toBeGreaterThan(5);
  });
});
