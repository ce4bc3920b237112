import {
  assertItemFits,
  type Deployment,
  type DeploymentStore,
  FindLastKnownGoodInputSchema,
  ListDeploymentsInputSchema,
  parseStoreInput,
  RecordDeploymentInputSchema,
  SetKnownGoodInputSchema,
  StoreError,
} from "@architech/core";
import { attempt, checkCursor, compact, guard, putItem, readPage, type StoreContext } from "../context.ts";
import type { DeploymentItem } from "../entities/deployment.ts";

function toDeployment(item: DeploymentItem): Deployment {
  return compact(item) as Deployment;
}

/**
 * {@link DeploymentStore} on the deployment entity; the last known-good release comes from its sparse
 * known-good index.
 */
export function createDeploymentStore(context: StoreContext): DeploymentStore {
  const { deployment } = context.entities;

  return {
    recordDeployment: (raw) =>
      guard("recordDeployment", async () => {
        const input = parseStoreInput(RecordDeploymentInputSchema, raw, "recordDeployment");
        const request = deployment.create({
          ...compact(input),
          knownGood: false,
          recordedAt: context.now().toISOString(),
        });
        assertItemFits("recordDeployment", putItem(request.params()));
        const written = await attempt(() => request.go());
        if (written.ok) return { recorded: true, deployment: toDeployment(written.value.data) };
        const { data } = await deployment
          .get({ service: input.service, deployedAt: input.deployedAt, id: input.id })
          .go({ consistent: true });
        if (!data)
          throw new StoreError("ConditionFailed", "recordDeployment: release exists but cannot be read");
        return { recorded: false, existing: toDeployment(data) };
      }),

    setKnownGood: (raw) =>
      guard("setKnownGood", async () => {
        const input = parseStoreInput(SetKnownGoodInputSchema, raw, "setKnownGood");
        const key = { service: input.service, deployedAt: input.deployedAt, id: input.id };
        // knownGood is always set: it decides whether the release stays in the known-good index.
        const patch = deployment.patch(key);
        const request = input.knownGood
          ? patch.set({ knownGood: true, bakedAt: context.now().toISOString() })
          : patch.set({ knownGood: false }).remove(["bakedAt"]);
        const written = await attempt(() => request.go({ response: "all_new" }));
        if (!written.ok) return { updated: false };
        return { updated: true, deployment: toDeployment(written.value.data as DeploymentItem) };
      }),

    listDeployments: (raw) =>
      guard("listDeployments", async () => {
        const input = parseStoreInput(ListDeploymentsInputSchema, raw, "listDeployments");
        checkCursor(input.cursor, "table", "listDeployments");
        return readPage(
          deployment.query.byService({ service: input.service }),
          { ...input, order: "desc" },
          toDeployment,
        );
      }),

    findLastKnownGood: (raw) =>
      guard("findLastKnownGood", async () => {
        const input = parseStoreInput(FindLastKnownGoodInputSchema, raw, "findLastKnownGood");
        const query = deployment.query.knownGood({ service: input.service });
        const page = await readPage(
          input.before === undefined ? query : query.lt({ deployedAt: input.before }),
          { order: "desc", limit: 1 },
          toDeployment,
        );
        return page.items[0];
      }),
  };
}
