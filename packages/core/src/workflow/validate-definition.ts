import aslValidator from "asl-validator";

/** Step Functions limits a state name to 80 characters; asl-validator does not check it. */
export const MAX_STATE_NAME_LENGTH = 80;

export interface WorkflowDefinitionProblem {
  /** asl-validator's error code (e.g. `MISSING_TRANSITION_TARGET`), or `STATE_NAME_TOO_LONG`. */
  code: string;
  message: string;
  path?: string;
}

export type WorkflowValidation = { valid: true } | { valid: false; problems: WorkflowDefinitionProblem[] };

export interface ValidateWorkflowOptions {
  /** Check JSONPath expressions. Default true. */
  checkPaths?: boolean;
  /** Check that Task resources are ARNs (well-formed `${…}` definition substitutions pass). Default true. */
  checkArn?: boolean;
}

/**
 * Validates an Amazon States Language definition (JSONPath or JSONata) with asl-validator, plus the
 * state-name length limit that Step Functions enforces at deploy time. The definition is not modified.
 *
 * @example
 * const result = validateWorkflowDefinition(JSON.parse(readFileSync("rollback.asl.json", "utf8")));
 * if (!result.valid) console.error(result.problems.map((p) => p.message).join("\n"));
 */
export function validateWorkflowDefinition(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowValidation {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
    return {
      valid: false,
      problems: [{ code: "NOT_AN_OBJECT", message: "a state machine definition is a JSON object" }],
    };
  }
  // asl-validator builds its schemas on every call (~100 ms): remember the verdict per definition text.
  const cacheKey = `${options.checkPaths ?? true}/${options.checkArn ?? true}/${JSON.stringify(definition)}`;
  const cached = verdicts.get(cacheKey);
  if (cached) return cached;
  const verdict = validateUncached(definition, options);
  if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
  verdicts.set(cacheKey, verdict);
  return verdict;
}

const MAX_CACHED_VERDICTS = 256;
const verdicts = new Map<string, WorkflowValidation>();

function validateUncached(definition: object, options: ValidateWorkflowOptions): WorkflowValidation {
  // asl-validator writes default QueryLanguage fields into the object it is given: hand it a copy.
  const copy: unknown = structuredClone(definition);
  const result = aslValidator(copy, {
    checkPaths: options.checkPaths ?? true,
    checkArn: options.checkArn ?? true,
  });
  const problems: WorkflowDefinitionProblem[] = result.errors.map((error) => ({
    code: error["Error code"],
    message: error.Message,
    ...(error.path === undefined ? {} : { path: error.path }),
  }));
  for (const name of stateNames(definition)) {
    if (name.length > MAX_STATE_NAME_LENGTH) {
      problems.push({
        code: "STATE_NAME_TOO_LONG",
        message: `state name "${name.slice(0, 40)}…" is ${name.length} characters; Step Functions allows ${MAX_STATE_NAME_LENGTH}`,
      });
    }
  }
  return problems.length === 0 ? { valid: true } : { valid: false, problems };
}

/** Every state name in the definition, including those inside Parallel branches and Map processors. */
function stateNames(node: unknown): string[] {
  if (typeof node !== "object" || node === null) return [];
  if (Array.isArray(node)) return node.flatMap(stateNames);
  const names: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "States" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      names.push(...Object.keys(value));
    }
    names.push(...stateNames(value));
  }
  return names;
}
