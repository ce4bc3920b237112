import type { RunStatus } from "../../store/run.ts";
import type { CommandDefinition } from "./context.ts";
import { runLine, when, who } from "./format.ts";

/** Runs that are not finished, as `status` shows them. */
const IN_FLIGHT: readonly RunStatus[] = ["pending", "awaiting-approval", "running"];
/** At most this many runs per status in `status`. */
const PER_STATUS = 10;

/** `status`: the kill switch, the paused policies (who, why, until when) and the runs in flight. */
export const statusCommand: CommandDefinition = {
  name: "status",
  usage: "status",
  summary: "the kill switch, paused policies, and runs pending, awaiting approval or running",
  grammar: { options: [] },
  async run({ deps }) {
    const store = deps.store;
    const switches = await store.readSwitches();
    const lines: string[] = [];
    const kill = switches.killSwitch;
    lines.push(
      kill?.engaged
        ? `:octagonal_sign: *Kill switch engaged* by ${who(kill.by)} at ${when(kill.at)}: ${kill.reason}. Nothing acts automatically.`
        : "*Kill switch*: off.",
    );
    if (switches.pauses.length === 0) {
      lines.push("*Paused policies*: none.");
    } else {
      lines.push("*Paused policies*:");
      for (const pause of switches.pauses) {
        const until = pause.until === undefined ? "until resumed" : `until ${when(pause.until)}`;
        lines.push(`• ${pause.policy} — by ${who(pause.by)} at ${when(pause.at)}, ${until}: ${pause.reason}`);
      }
    }
    for (const status of IN_FLIGHT) {
      const page = await store.listRunsByStatus({ status, limit: PER_STATUS + 1 });
      if (page.items.length === 0) {
        lines.push(`*${status}*: none.`);
        continue;
      }
      const more = page.items.length > PER_STATUS;
      lines.push(`*${status}*${more ? ` (the newest ${PER_STATUS})` : ""}:`);
      lines.push(...page.items.slice(0, PER_STATUS).map(runLine));
    }
    return { text: lines.join("\n") };
  },
};
