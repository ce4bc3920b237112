import { isRunbookName } from "../../runbook/registry.ts";
import { type Run, RunStatusSchema } from "../../store/run.ts";
import type { Store } from "../../store/store.ts";
import { TARGET_TYPES } from "../../target/target.ts";
import type { CommandDefinition } from "./context.ts";
import { requesterOf, runLine, when, who } from "./format.ts";

/** `runs` shows at most this many runs. */
export const RUNS_SHOWN = 10;
/** Runs read per status when `runs` lists across statuses (no filter, or a runbook). */
const READ_PER_STATUS = 50;

/**
 * `runs [runbook|policy|target]`: the newest runs, newest first, at most {@link RUNS_SHOWN}. A target may
 * be given as its key (`ecs-service:prod/checkout-api`) or as typed in commands (`prod/checkout-api`,
 * `payments-webhook:live`, a resource ARN).
 */
export const runsCommand: CommandDefinition = {
  name: "runs",
  usage: "runs [runbook|policy|target]",
  summary: "the newest runs, filtered by runbook, policy or target",
  grammar: { positional: { placeholder: "<runbook|policy|target>", required: false }, options: [] },
  async run({ deps }, { positional: filter }) {
    const runs = await recentRuns(deps.store, filter, (name) => deps.policies.byName(name) !== undefined);
    const about = filter === undefined ? "" : ` for \`${filter}\``;
    if (runs.length === 0) return { text: `No runs${about}.` };
    const shown = runs.slice(0, RUNS_SHOWN);
    const lines = [`The newest ${shown.length === 1 ? "run" : `${shown.length} runs`}${about}:`];
    lines.push(...shown.map(runLine));
    if (runs.length > RUNS_SHOWN) lines.push("… and older ones: `run <id>` shows one.");
    return { text: lines.join("\n") };
  },
};

async function recentRuns(
  store: Store,
  filter: string | undefined,
  isPolicy: (name: string) => boolean,
): Promise<Run[]> {
  const limit = RUNS_SHOWN + 1;
  if (filter !== undefined && isPolicy(filter)) {
    return (await store.listRunsByPolicy({ policy: filter, limit })).items;
  }
  if (filter === undefined || isRunbookName(filter)) {
    const pages = await Promise.all(
      RunStatusSchema.options.map((status) => store.listRunsByStatus({ status, limit: READ_PER_STATUS })),
    );
    const all = pages.flatMap((page) => page.items);
    return newestFirst(filter === undefined ? all : all.filter((run) => run.runbook === filter));
  }
  const keys = targetKeysFor(filter);
  const pages = await Promise.all(keys.map((target) => store.listRunsByTarget({ target, limit })));
  return newestFirst(pages.flatMap((page) => page.items));
}

/** The target keys a word may mean: the key itself, or the key of each target type it could name. */
function targetKeysFor(word: string): string[] {
  if (TARGET_TYPES.some((type) => word.startsWith(`${type}:`))) return [word];
  const keys: string[] = [];
  if (word.startsWith("arn:")) keys.push(`backup-resource:${word}`);
  else if (word.includes("/")) keys.push(`ecs-service:${word}`);
  else if (word.includes(":")) keys.push(`lambda-alias:${word}`);
  return keys.length > 0 ? keys : [word];
}

function newestFirst(runs: Run[]): Run[] {
  const unique = new Map(runs.map((run) => [run.id, run]));
  return [...unique.values()].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  );
}

/** `run <id>`: one run's status, target, policy, reason and times. */
export const runCommand: CommandDefinition = {
  name: "run",
  usage: "run <run id>",
  summary: "one run: status, target, policy, reason, times",
  grammar: { positional: { placeholder: "<run id>", required: true }, options: [] },
  async run({ deps }, { positional }) {
    const id = positional ?? "";
    const run = await deps.store.getRun(id);
    if (run === undefined) return { text: `No run \`${id}\`; \`runs\` lists the newest.` };
    const requester = requesterOf(run);
    const lines = [
      `*Run \`${run.id}\`*: *${run.status}*`,
      `• runbook ${run.runbook} on ${run.target}, mode ${run.mode}`,
      `• policy ${run.policy}${requester === undefined ? "" : `, asked for by ${who(requester)}`}`,
    ];
    if (run.reason !== undefined) lines.push(`• reason: ${run.reason}`);
    lines.push(`• created ${when(run.createdAt)}, updated ${when(run.updatedAt)}`);
    if (run.startedAt !== undefined) lines.push(`• started ${when(run.startedAt)}`);
    if (run.finishedAt !== undefined) lines.push(`• finished ${when(run.finishedAt)}`);
    if (run.executionArn !== undefined) lines.push(`• execution ${run.executionArn}`);
    return { text: lines.join("\n") };
  },
};
