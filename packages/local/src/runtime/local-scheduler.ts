import { randomBytes } from "node:crypto";
import { type Policy, scheduleTargetInput, substituteSchedulerContext } from "@architech/core";
import type { VirtualClock } from "../clock.ts";
import type { RuntimeLogEntry } from "./live-log.ts";
import { nextFireTime, parseScheduleRule, type ScheduleRule } from "./next-fire.ts";

/** The schedule group the control plane's schedules live in. */
export const SCHEDULE_GROUP = "architech";

/** A schedule policy as the runtime runs it. */
export interface LocalSchedule {
  policy: string;
  expression: string;
  timezone: string;
  scheduleArn: string;
  /** The next invocation (virtual time), or `undefined` when it will not fire again. */
  nextFire: string | undefined;
  /** Why the runtime does not run this schedule, when it does not. */
  problem?: string;
}

export interface LocalSchedulerOptions {
  policies: readonly Policy[];
  clock: VirtualClock;
  account: string;
  region: string;
  /** Delivers a Scheduler target input, as a schedule's Lambda target receives it. */
  deliver: (input: unknown, origin: string) => Promise<unknown>;
  log: (entry: Omit<RuntimeLogEntry, "at">) => void;
}

/**
 * EventBridge Scheduler on the virtual clock: one schedule per enabled policy with a schedule trigger,
 * invoking the router with the Input the control plane's schedules carry ({@link scheduleTargetInput}),
 * context attributes filled in as Scheduler fills them. Occurrences the clock jumps over in one go (a
 * long Wait state) are delivered once, as Scheduler would after an outage, not once each.
 *
 * @example
 * const scheduler = new LocalScheduler({ policies, clock, account, region, deliver, log });
 * scheduler.start();
 * scheduler.list(); // [{ policy: "cleanup-nonprod", nextFire: "2026-12-02T02:00:00.000Z", … }]
 * scheduler.stop();
 */
export class LocalScheduler {
  readonly #options: LocalSchedulerOptions;
  readonly #schedules: { schedule: LocalSchedule; rule: ScheduleRule | undefined }[] = [];
  readonly #abort = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(options: LocalSchedulerOptions) {
    this.#options = options;
    const anchor = options.clock.now().getTime();
    for (const policy of options.policies) {
      if (!policy.enabled || !("schedule" in policy.trigger)) continue;
      const { expression, timezone } = policy.trigger.schedule;
      const schedule: LocalSchedule = {
        policy: policy.name,
        expression,
        timezone,
        scheduleArn: `arn:aws:scheduler:${options.region}:${options.account}:schedule/${SCHEDULE_GROUP}/${policy.name}`,
        nextFire: undefined,
      };
      let rule: ScheduleRule | undefined;
      try {
        rule = parseScheduleRule(expression, timezone, anchor);
        schedule.nextFire = nextFireTime(rule, options.clock.now())?.toISOString();
      } catch (error) {
        schedule.problem = error instanceof Error ? error.message : String(error);
      }
      this.#schedules.push({ schedule, rule });
    }
  }

  /** The schedules, with their next invocation. */
  list(): LocalSchedule[] {
    return this.#schedules.map(({ schedule }) => ({ ...schedule }));
  }

  start(): void {
    for (const entry of this.#schedules) {
      if (entry.rule === undefined) {
        this.#options.log({
          kind: "schedule",
          text: `${entry.schedule.policy}: not scheduled — ${entry.schedule.problem ?? "unsupported"}`,
        });
        continue;
      }
      this.#loops.push(this.#run(entry.schedule, entry.rule));
    }
  }

  /** Cancels every pending invocation and waits for one in progress to be delivered. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error("the scheduler was stopped"));
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  async #run(schedule: LocalSchedule, rule: ScheduleRule): Promise<void> {
    const { clock, deliver, log } = this.#options;
    const signal = this.#abort.signal;
    let after = clock.now();
    while (!signal.aborted) {
      const next = nextFireTime(rule, after);
      schedule.nextFire = next?.toISOString();
      if (next === undefined) {
        log({ kind: "schedule", text: `${schedule.policy}: ${schedule.expression} will not fire again` });
        return;
      }
      try {
        await clock.waitUntil(next, { signal });
      } catch {
        return;
      }
      const scheduledTime = `${next.toISOString().slice(0, 19)}Z`;
      const input = substituteSchedulerContext(
        scheduleTargetInput({ schedule: schedule.policy, policy: schedule.policy }),
        {
          scheduleArn: schedule.scheduleArn,
          scheduledTime,
          executionId: randomBytes(8).toString("hex"),
          attemptNumber: 1,
        },
      );
      log({
        kind: "schedule",
        text: `${schedule.policy}: ${schedule.expression} fires for ${scheduledTime}`,
      });
      await deliver(JSON.parse(input) as unknown, `schedule ${schedule.policy}`);
      // Past whatever the clock jumped over while this occurrence waited or was delivered.
      after = new Date(Math.max(next.getTime(), clock.now().getTime()));
    }
  }
}
