/**
 * The one DynamoDB table that holds everything the control plane remembers, as plain data. The SST stack
 * (CDK `TableV2`), the embedded runtime (a `CreateTable` call) and the tests all build the table from
 * this object, so the three can never disagree.
 *
 * Every key attribute is a string and generic (`pk`/`sk`, `gsi1pk`/`gsi1sk`, ...): the entities decide
 * what goes in them, and docs/table.md lists each entity's key layout and access patterns.
 *
 * `ttlAttribute` holds epoch *seconds* (DynamoDB's TTL format) and is written on items that may expire,
 * but nothing relies on TTL deletion: expiry is always checked in the condition of a write or on read.
 *
 * @example
 * import { tableDefinition } from "@architech/core";
 * tableDefinition.globalSecondaryIndexes.map((gsi) => gsi.indexName); // ["gsi1", "gsi2", "gsi3"]
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "S" },
    { name: "gsi1pk", type: "S" },
    { name: "gsi1sk", type: "S" },
    { name: "gsi2pk", type: "S" },
    { name: "gsi2sk", type: "S" },
    { name: "gsi3pk", type: "S" },
    { name: "gsi3sk", type: "S" },
  ],
  globalSecondaryIndexes: [
    { indexName: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    { indexName: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "ALL" },
    { indexName: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk", projection: "ALL" },
  ],
  ttlAttribute: "ttl",
  billingMode: "PAY_PER_REQUEST",
} as const satisfies TableDefinition;

/** The shape of {@link tableDefinition}: key attributes are strings, GSIs project every attribute. */
export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly type: "S" | "N" | "B" }>;
  readonly globalSecondaryIndexes: ReadonlyArray<TableIndexDefinition>;
  readonly ttlAttribute: string;
  readonly billingMode: "PAY_PER_REQUEST";
}

/** One global secondary index of {@link TableDefinition}. */
export interface TableIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: "ALL";
}

/** DynamoDB refuses items larger than 400 KB (attribute names and values together). */
export const MAX_ITEM_BYTES = 400 * 1024;
