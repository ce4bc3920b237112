// The store ports: everything the control plane remembers, and the one table that holds it.
export * from "./approval.ts";
export * from "./audit.ts";
export * from "./backup-report.ts";
export * from "./cleanup-mark.ts";
export * from "./cooldown.ts";
export * from "./dedupe.ts";
export * from "./deployment.ts";
export { StoreError, type StoreErrorCode } from "./errors.ts";
export { assertItemFits, assertWithinBudgets, dynamoItemSize, dynamoValueSize } from "./item-size.ts";
export * from "./lease.ts";
export * from "./rate-limit.ts";
export * from "./recommendation.ts";
export * from "./run.ts";
export {
  KeyPartSchema,
  type PageRequest as StorePageRequest,
  parseStoreInput,
  type StorePage,
  TimestampSchema,
} from "./schema.ts";
export * from "./slack-thread.ts";
export {
  createSortableId,
  nextSortableId,
  SORTABLE_ID_RANDOM_BYTES,
  sortableIdFloor,
  sortableIdTime,
} from "./sortable-id.ts";
export type { Store } from "./store.ts";
export * from "./switch.ts";
export { MAX_ITEM_BYTES, type TableDefinition, type TableIndexDefinition, tableDefinition } from "./table.ts";
