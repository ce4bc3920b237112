import type { StackContext } from "sst/constructs";

/**
 * The deployable control plane. Resources (table, rules, state machines, functions) are added as the
 * pieces they deploy exist; the stack reads everything it installs from `@architech/core`.
 */
export function ControlPlane({ stack }: StackContext) {
  stack.tags.setTag("app", "architech");
  return {};
}
