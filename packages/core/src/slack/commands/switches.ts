import { formatDuration } from "../../time/duration.ts";
import type { CommandContext, CommandDefinition, CommandReply } from "./context.ts";
import { usageOf, when, who } from "./format.ts";

/** The shortest and longest a policy may be paused for with `--for`; without it, until resumed. */
export const MIN_PAUSE_MS = 60_000;
export const MAX_PAUSE_MS = 30 * 86_400_000;

/**
 * `pause <policy|all> [--for <duration>] --reason <text>`: pauses one policy (until resumed, or for the
 * duration), or with `all` engages the kill switch: nothing acts automatically until `resume all`.
 */
export const pauseCommand: CommandDefinition = {
  name: "pause",
  usage: 'pause <policy|all> [--for <duration>] --reason "<text>"',
  summary: "pause a policy (for a while, or until resumed); `all` engages the kill switch",
  grammar: { positional: { placeholder: "<policy|all>", required: true }, options: ["for", "reason"] },
  async run(context, { positional, options }) {
    const { deps, userId, now, command } = context;
    const name = positional ?? "";
    const usage = usageOf(command, pauseCommand.usage);
    const reason = options.reason;
    if (reason === undefined) {
      return {
        text: `\`${command} pause\` needs --reason: say why, for the people who find it paused.\n${usage}`,
      };
    }
    if (name === "all") {
      if (options.forMs !== undefined) {
        return {
          text: `The kill switch has no expiry: it holds until \`${command} resume all\`. Leave out --for.\n${usage}`,
        };
      }
      await deps.store.setKillSwitch({ engaged: true, reason, by: userId });
      await deps.store.appendAudit({ kind: "switch", action: "kill-switch-engaged", actor: userId, reason });
      return {
        text: `:octagonal_sign: Kill switch engaged by ${who(userId)}: ${reason}. Nothing acts automatically until \`${command} resume all\`.`,
      };
    }
    const unknown = unknownPolicy(context, name);
    if (unknown) return unknown;
    let until: string | undefined;
    if (options.forMs !== undefined) {
      if (options.forMs < MIN_PAUSE_MS || options.forMs > MAX_PAUSE_MS) {
        return {
          text: `--for is from ${formatDuration(MIN_PAUSE_MS)} to ${formatDuration(MAX_PAUSE_MS)}; leave it out to pause until resumed.\n${usage}`,
        };
      }
      until = new Date(now.getTime() + options.forMs).toISOString();
    }
    const pause = await deps.store.pausePolicy({
      policy: name,
      reason,
      by: userId,
      ...(until === undefined ? {} : { until }),
    });
    await deps.store.appendAudit({
      kind: "switch",
      action: "paused",
      actor: userId,
      reason: until === undefined ? reason : `${reason} (until ${until})`,
      policy: name,
    });
    const how = pause.until === undefined ? "until resumed" : `until ${when(pause.until)}`;
    return { text: `Policy ${name} paused by ${who(userId)} ${how}: ${reason}.` };
  },
};

/** `resume <policy|all>`: resumes a paused policy, or with `all` releases the kill switch. */
export const resumeCommand: CommandDefinition = {
  name: "resume",
  usage: "resume <policy|all>",
  summary: "resume a paused policy; `all` releases the kill switch",
  grammar: { positional: { placeholder: "<policy|all>", required: true }, options: ["reason"] },
  async run(context, { positional, options }) {
    const { deps, userId, command } = context;
    const name = positional ?? "";
    const reason = options.reason;
    if (name === "all") {
      const switches = await deps.store.readSwitches();
      if (!switches.killSwitch?.engaged)
        return { text: `The kill switch is not engaged.${stillPaused(switches.pauses)}` };
      const why = reason ?? `released in Slack by ${userId}`;
      await deps.store.setKillSwitch({ engaged: false, reason: why, by: userId });
      await deps.store.appendAudit({
        kind: "switch",
        action: "kill-switch-released",
        actor: userId,
        reason: why,
      });
      return {
        text: `Kill switch released by ${who(userId)}: automation acts again.${stillPaused(switches.pauses)}`,
      };
    }
    const switches = await deps.store.readSwitches();
    const paused = switches.pauses.some((pause) => pause.policy === name);
    if (!paused) {
      const unknown = unknownPolicy(context, name);
      if (unknown) return unknown;
      return { text: `Policy ${name} is not paused. \`${command} status\` shows what is.` };
    }
    const { resumed } = await deps.store.resumePolicy(name);
    if (!resumed) return { text: `Policy ${name} is not paused. \`${command} status\` shows what is.` };
    await deps.store.appendAudit({
      kind: "switch",
      action: "resumed",
      actor: userId,
      reason: reason ?? `resumed in Slack by ${userId}`,
      policy: name,
    });
    const kill = switches.killSwitch?.engaged
      ? " The kill switch is still engaged: nothing acts until `resume all`."
      : "";
    return { text: `Policy ${name} resumed by ${who(userId)}.${kill}` };
  },
};

function unknownPolicy({ deps, command }: CommandContext, name: string): CommandReply | undefined {
  if (deps.policies.byName(name) !== undefined) return undefined;
  const names = deps.policies.policies.map((policy) => `\`${policy.name}\``);
  return {
    text: `No policy \`${name}\`; policies: ${names.length > 0 ? names.join(", ") : "none"}, or \`all\`. \`${command} help\` lists the commands.`,
  };
}

function stillPaused(pauses: readonly { policy: string }[]): string {
  if (pauses.length === 0) return "";
  return ` Still paused: ${pauses.map((pause) => pause.policy).join(", ")}.`;
}
