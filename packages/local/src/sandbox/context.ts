import type { Estate } from "./estate.ts";
import type { SandboxOperation } from "./faults.ts";

/** One change made to the account, by a port call or by the scenario (a pipeline, a person). */
export interface SandboxAction {
  /** When the call was made (the injected clock). */
  at: string;
  /** The port operation (`ecs.updateServiceTaskDefinition`) or scenario step (`scenario.deployRelease`). */
  operation: string;
  /** What it acted on, e.g. `ecs-service:prod/checkout-api`, `lambda-alias:payments-webhook:live`. */
  target: string;
  /** `ports`: through the account's ports, as the control plane acts; `scenario`: the world around it. */
  via: "ports" | "scenario";
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** Set when the call failed: the error's name and message. Nothing changed then. */
  error?: string;
}

/** What a change fills in for the action log. */
export interface ActionEntry {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface Call {
  operation: SandboxOperation;
  /** The action log's (and fault filter's) name of the target. */
  target: string;
  /** How an error names the resource, e.g. `ECS service prod/checkout-api`. */
  resource: string;
}

/** What the port implementations share: the estate, the clock, faults and the action log. */
export interface SandboxContext {
  readonly estate: Estate;
  /** The injected clock, in epoch milliseconds. */
  now(): number;
  /** A read: throws the injected fault for the call, if one waits. */
  read(call: Call): void;
  /** A change: throws an injected fault, runs `change`, and logs the outcome either way. */
  mutate<T>(call: Call, change: (entry: ActionEntry) => T): T;
}
