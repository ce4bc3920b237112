import { validateWorkflowDefinition, type WorkflowDefinitionProblem } from "@architech/core";
import type { StateMachineDefinition } from "aws-local-stepfunctions";
import { InvalidWorkflowDefinitionError } from "./errors.ts";

/** One state of an Amazon States Language definition, as read from JSON. */
export type AslState = { readonly Type: string } & Readonly<Record<string, unknown>>;

/** How a Task state is bound to the step handler. */
export interface TaskBinding {
  readonly resource: string;
  /**
   * `lambda-invoke`: `arn:aws:states:::lambda:invoke` (Parameters `{ FunctionName, Payload }`, result
   * `{ StatusCode, Payload }`); `lambda-function`: a Lambda ARN as the resource (the input is the payload,
   * the result is the output); `service`: any other integration, handed to the step handler as is.
   */
  readonly kind: "lambda-invoke" | "lambda-function" | "service";
  /** `.waitForTaskToken`: the task ends on SendTaskSuccess/SendTaskFailure, not when the call returns. */
  readonly waitForTaskToken: boolean;
}

export interface IndexedState {
  readonly name: string;
  readonly definition: AslState;
  /** Set for Task states. */
  readonly binding?: TaskBinding;
}

/** A definition checked and prepared for the interpreter. */
export interface PreparedDefinition {
  readonly name: string;
  /**
   * Every state by name. The validator has checked that names are unique across the whole machine,
   * branches and processors included, as Step Functions requires; the interpreter's local handlers are
   * keyed by state name too.
   */
  readonly states: ReadonlyMap<string, IndexedState>;
  /** The copy the interpreter runs (see {@link prepareDefinition}). */
  readonly executable: StateMachineDefinition;
  /** The machine's own `TimeoutSeconds`, which the runner enforces on the virtual clock. */
  readonly timeoutSeconds?: number;
}

/**
 * The resource of a rewritten Wait state. The interpreter calls its local handler; it never reaches AWS.
 */
export const WAIT_RESOURCE = "arn:aws:states:::architech:wait";

/**
 * What the local handler of a Task state receives: the state's processed Parameters, and the timeouts
 * its `…Path` fields resolve to, all evaluated by the interpreter against the state's effective input.
 */
export interface TaskEnvelope {
  readonly parameters: unknown;
  readonly timeoutSeconds?: unknown;
  readonly heartbeatSeconds?: unknown;
}

/** What the local handler of a rewritten Wait state receives. */
export interface WaitEnvelope {
  readonly input: unknown;
  readonly seconds?: unknown;
  readonly timestamp?: unknown;
}

/**
 * The interpreter starts a real `setTimeout` of `TimeoutSeconds` (60 s when absent) around every Task; the
 * runner enforces timeouts on the virtual clock instead and gives the interpreter the longest delay
 * `setTimeout` accepts (about 24 days), which it clears when the task ends.
 */
const REAL_TIMEOUT_SECONDS = 2_147_483;

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const WAIT_FOR_TASK_TOKEN = ".waitForTaskToken";
const LAMBDA_FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/;
const DEFINITION_SUBSTITUTION = /^\$\{[^}]+\}$/;
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Validates a definition (core's validator, without the ARN check: resources may still be `${…}`
 * definition substitutions), checks what the local runner needs on top, and prepares the copy the
 * interpreter runs:
 * - every Task gets wrapper Parameters `{ parameters, timeoutSeconds, heartbeatSeconds }`, so that the
 *   interpreter itself resolves the original Parameters (`$$.Task.Token` included) and the timeout paths
 *   against the same input, and the local handler enforces the timeouts on the virtual clock;
 * - every Wait becomes a Task on {@link WAIT_RESOURCE} whose handler waits on the virtual clock (the
 *   interpreter's Wait sleeps in real time and reads `Timestamp` against the real time);
 * - the machine's `TimeoutSeconds` is removed, for the same reason.
 *
 * @throws InvalidWorkflowDefinitionError listing every problem.
 */
export function prepareDefinition(name: string, definition: unknown): PreparedDefinition {
  const problems: WorkflowDefinitionProblem[] = [];
  if (!NAME_PATTERN.test(name)) {
    problems.push({
      code: "INVALID_STATE_MACHINE_NAME",
      message: `state machine name "${name}" is not 1-80 characters of A-Z a-z 0-9 _ -`,
    });
  }
  const validation = validateWorkflowDefinition(definition, { checkArn: false });
  if (!validation.valid)
    throw new InvalidWorkflowDefinitionError(name, [...problems, ...validation.problems]);
  const root = definition as Readonly<Record<string, unknown>>;
  const states = new Map<string, IndexedState>();
  const executable = prepareMachine(root, "", states, problems) as unknown as StateMachineDefinition;
  if (problems.length > 0) throw new InvalidWorkflowDefinitionError(name, problems);
  const timeoutSeconds = typeof root.TimeoutSeconds === "number" ? root.TimeoutSeconds : undefined;
  return { name, states, executable, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

/** Classifies a Task resource. */
export function bindTask(resource: string): TaskBinding {
  const waitForTaskToken = resource.endsWith(WAIT_FOR_TASK_TOKEN);
  const base = waitForTaskToken ? resource.slice(0, -WAIT_FOR_TASK_TOKEN.length) : resource;
  if (base === LAMBDA_INVOKE) return { resource, kind: "lambda-invoke", waitForTaskToken };
  if (!waitForTaskToken && (LAMBDA_FUNCTION_ARN.test(resource) || DEFINITION_SUBSTITUTION.test(resource))) {
    return { resource, kind: "lambda-function", waitForTaskToken };
  }
  return { resource, kind: "service", waitForTaskToken };
}

function prepareMachine(
  machine: Readonly<Record<string, unknown>>,
  path: string,
  index: Map<string, IndexedState>,
  problems: WorkflowDefinitionProblem[],
): Record<string, unknown> {
  if (machine.QueryLanguage === "JSONata") {
    problems.push({
      code: "JSONATA_NOT_SUPPORTED",
      message: "the local runner runs JSONPath definitions only (QueryLanguage JSONata)",
      ...(path ? { path } : {}),
    });
  }
  const { TimeoutSeconds: _timeout, ...copy } = machine;
  const states: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(machine.States as Record<string, AslState>)) {
    const statePath = `${path}/States/${name}`;
    const indexed: IndexedState =
      value.Type === "Task"
        ? { name, definition: value, binding: bindTask(String(value.Resource)) }
        : { name, definition: value };
    index.set(name, indexed);
    states[name] = prepareState(indexed, statePath, index, problems);
  }
  return { ...copy, States: states };
}

function prepareState(
  state: IndexedState,
  path: string,
  index: Map<string, IndexedState>,
  problems: WorkflowDefinitionProblem[],
): Record<string, unknown> {
  const definition = state.definition;
  if (definition.QueryLanguage === "JSONata") {
    problems.push({
      code: "JSONATA_NOT_SUPPORTED",
      message: `state "${state.name}": the local runner runs JSONPath only (QueryLanguage JSONata)`,
      path,
    });
  }
  switch (definition.Type) {
    case "Task":
      return prepareTask(state, path, problems);
    case "Wait":
      return prepareWait(definition);
    case "Parallel": {
      const branches = (definition.Branches as Readonly<Record<string, unknown>>[]).map((branch, i) =>
        prepareMachine(branch, `${path}/Branches/${i}`, index, problems),
      );
      return { ...definition, Branches: branches };
    }
    case "Map": {
      const copy: Record<string, unknown> = { ...definition };
      for (const field of ["ItemProcessor", "Iterator"]) {
        const processor = definition[field];
        if (typeof processor === "object" && processor !== null) {
          copy[field] = prepareMachine(
            processor as Readonly<Record<string, unknown>>,
            `${path}/${field}`,
            index,
            problems,
          );
        }
      }
      return copy;
    }
    default:
      return { ...definition };
  }
}

function prepareTask(
  state: IndexedState,
  path: string,
  problems: WorkflowDefinitionProblem[],
): Record<string, unknown> {
  const { Parameters, TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, ...rest } =
    state.definition;
  if (state.binding?.kind === "lambda-invoke") {
    const parameters = typeof Parameters === "object" && Parameters !== null ? Parameters : {};
    if (!("FunctionName" in parameters) && !("FunctionName.$" in parameters)) {
      problems.push({
        code: "MISSING_FUNCTION_NAME",
        message: `state "${state.name}": ${LAMBDA_INVOKE} needs Parameters.FunctionName`,
        path,
      });
    }
  }
  const envelope: Record<string, unknown> =
    Parameters === undefined ? { "parameters.$": "$" } : { parameters: Parameters };
  if (typeof TimeoutSecondsPath === "string") envelope["timeoutSeconds.$"] = TimeoutSecondsPath;
  else if (TimeoutSeconds !== undefined) envelope.timeoutSeconds = TimeoutSeconds;
  if (typeof HeartbeatSecondsPath === "string") envelope["heartbeatSeconds.$"] = HeartbeatSecondsPath;
  else if (HeartbeatSeconds !== undefined) envelope.heartbeatSeconds = HeartbeatSeconds;
  return { ...rest, Parameters: envelope, TimeoutSeconds: REAL_TIMEOUT_SECONDS };
}

function prepareWait(definition: AslState): Record<string, unknown> {
  const { Type: _type, Seconds, SecondsPath, Timestamp, TimestampPath, ...rest } = definition;
  const envelope: Record<string, unknown> = { "input.$": "$" };
  if (typeof SecondsPath === "string") envelope["seconds.$"] = SecondsPath;
  else if (typeof TimestampPath === "string") envelope["timestamp.$"] = TimestampPath;
  else if (Timestamp !== undefined) envelope.timestamp = Timestamp;
  else envelope.seconds = Seconds ?? 0;
  return {
    ...rest,
    Type: "Task",
    Resource: WAIT_RESOURCE,
    Parameters: envelope,
    TimeoutSeconds: REAL_TIMEOUT_SECONDS,
  };
}
