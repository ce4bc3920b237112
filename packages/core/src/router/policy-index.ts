import { EventPatternSet } from "../event-pattern/index.ts";
import type { Policy } from "../policy/policy.ts";
import type { Signal } from "../signals/signal.ts";
import { signalEventView } from "./event-view.ts";

/**
 * The enabled policies, indexed for matching: patterns in one compiled pattern set (each event is
 * flattened once, whatever the number of policies), schedules by policy name, chat commands by name.
 *
 * @example
 * const index = new PolicyIndex(policies);
 * index.match(signal); // the policies this signal triggers, in the order they were given
 */
export class PolicyIndex {
  readonly #patterns = new EventPatternSet<number>();
  readonly #bySchedule = new Map<string, number>();
  readonly #byCommand = new Map<string, number>();
  readonly #policies: readonly Policy[];

  constructor(policies: readonly Policy[]) {
    this.#policies = policies;
    for (const [index, policy] of policies.entries()) {
      if (!policy.enabled) continue;
      const trigger = policy.trigger;
      if ("pattern" in trigger) this.#patterns.add(index, trigger.pattern);
      else if ("schedule" in trigger) this.#bySchedule.set(policy.name, index);
      else this.#byCommand.set(trigger.command.name, index);
    }
  }

  get policies(): readonly Policy[] {
    return this.#policies;
  }

  byName(name: string): Policy | undefined {
    return this.#policies.find((policy) => policy.name === name);
  }

  /** The enabled policies the signal triggers. */
  match(signal: Signal): Policy[] {
    const indexes: number[] = [];
    if (signal.type === "schedule" && signal.policy !== null) {
      const index = this.#bySchedule.get(signal.policy);
      if (index !== undefined) indexes.push(index);
    } else if (signal.type === "chat-command") {
      const index = this.#byCommand.get(signal.args[0] ?? "");
      if (index !== undefined) indexes.push(index);
    }
    const view = signalEventView(signal);
    if (view !== undefined) indexes.push(...this.#patterns.matching(view));
    return [...new Set(indexes)].sort((a, b) => a - b).map((index) => this.#policies[index] as Policy);
  }
}
