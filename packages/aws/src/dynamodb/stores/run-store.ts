import {
  assertItemFits,
  assertWithinBudgets,
  CreateRunInputSchema,
  isTerminalRunStatus,
  KeyPartSchema,
  ListRunsByPolicyInputSchema,
  ListRunsByStatusInputSchema,
  ListRunsByTargetInputSchema,
  parseStoreInput,
  type Run,
  type RunStore,
  runAttributeBudgets,
  runStatusesLeadingTo,
  StoreError,
  TransitionRunInputSchema,
} from "@architech/core";
import {
  attempt,
  checkCursor,
  compact,
  direction,
  guard,
  inRange,
  putItem,
  readPage,
  type StoreContext,
} from "../context.ts";
import type { RunItem } from "../entities/run.ts";

function toRun(item: RunItem): Run {
  return compact(item) as Run;
}

/** {@link RunStore} on the run entity. */
export function createRunStore(context: StoreContext): RunStore {
  const { run } = context.entities;

  const read = async (id: string): Promise<Run | undefined> => {
    const { data } = await run.get({ id }).go({ consistent: true });
    return data ? toRun(data) : undefined;
  };

  return {
    createRun: (raw) =>
      guard("createRun", async () => {
        const input = parseStoreInput(CreateRunInputSchema, raw, "createRun");
        assertWithinBudgets("createRun", input, runAttributeBudgets);
        const now = context.now().toISOString();
        const request = run.create({ ...compact(input), createdAt: now, updatedAt: now });
        assertItemFits("createRun", putItem(request.params()));
        const written = await attempt(() => request.go());
        if (written.ok) return { created: true, run: toRun(written.value.data) };
        const existing = await read(input.id);
        if (!existing)
          throw new StoreError("ConditionFailed", `createRun: run ${input.id} exists but cannot be read`);
        return { created: false, existing };
      }),

    getRun: (id) => guard("getRun", () => read(parseStoreInput(KeyPartSchema, id, "getRun"))),

    transitionRun: (raw) =>
      guard("transitionRun", async () => {
        const input = parseStoreInput(TransitionRunInputSchema, raw, "transitionRun");
        assertWithinBudgets("transitionRun", input, runAttributeBudgets);
        const from = input.from ?? runStatusesLeadingTo(input.to);
        const now = context.now().toISOString();
        const changes = compact({
          status: input.to,
          updatedAt: now,
          plan: input.plan,
          outcome: input.outcome,
          reason: input.reason,
          executionArn: input.executionArn,
          finishedAt: isTerminalRunStatus(input.to) ? now : undefined,
        });
        const written = await attempt(() =>
          run
            .patch({ id: input.id })
            .set(changes)
            .data((attribute, op) => {
              if (input.to === "running") op.ifNotExists(attribute.startedAt, now);
            })
            .where(
              (attribute, op) => `(${from.map((status) => op.eq(attribute.status, status)).join(" OR ")})`,
            )
            .go({ response: "all_new" }),
        );
        if (written.ok) return { transitioned: true, run: toRun(written.value.data as RunItem) };
        const current = await read(input.id);
        return { transitioned: false, current: current?.status };
      }),

    listRunsByTarget: (raw) =>
      guard("listRunsByTarget", async () => {
        const input = parseStoreInput(ListRunsByTargetInputSchema, raw, "listRunsByTarget");
        checkCursor(input.cursor, "gsi1", "listRunsByTarget");
        const query = inRange(
          run.query.byTarget({ target: input.target }),
          input.since === undefined ? undefined : { createdAt: input.since },
          input.before === undefined ? undefined : { createdAt: input.before },
        );
        return readPage(query, { ...input, order: direction(input.order) }, toRun);
      }),

    listRunsByStatus: (raw) =>
      guard("listRunsByStatus", async () => {
        const input = parseStoreInput(ListRunsByStatusInputSchema, raw, "listRunsByStatus");
        checkCursor(input.cursor, "gsi2", "listRunsByStatus");
        const query = inRange(
          run.query.byStatus({ status: input.status }),
          input.since === undefined ? undefined : { createdAt: input.since },
          input.before === undefined ? undefined : { createdAt: input.before },
        );
        return readPage(query, { ...input, order: direction(input.order) }, toRun);
      }),

    listRunsByPolicy: (raw) =>
      guard("listRunsByPolicy", async () => {
        const input = parseStoreInput(ListRunsByPolicyInputSchema, raw, "listRunsByPolicy");
        checkCursor(input.cursor, "gsi3", "listRunsByPolicy");
        const query = inRange(
          run.query.byPolicy({ policy: input.policy }),
          input.since === undefined ? undefined : { createdAt: input.since },
          input.before === undefined ? undefined : { createdAt: input.before },
        );
        return readPage(query, { ...input, order: direction(input.order) }, toRun);
      }),
  };
}
