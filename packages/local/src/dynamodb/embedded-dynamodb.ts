import type { AddressInfo } from "node:net";
import { ensureTable } from "@architech/aws";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";

/** Options of {@link startEmbeddedDynamoDb}. */
export interface EmbeddedDynamoDbOptions {
  /** A directory for the LevelDB files, so the data outlives the process. In memory when absent. */
  readonly path?: string;
  /** Default `architech`. */
  readonly tableName?: string;
  /** The region the client signs for. Default `us-east-1`. */
  readonly region?: string;
}

/** A running embedded DynamoDB with the control-plane table in it. */
export interface EmbeddedDynamoDb {
  /** A client for the embedded endpoint (fake static credentials). */
  readonly client: DynamoDBClient;
  /** `http://127.0.0.1:<port>`: point any DynamoDB client here. */
  readonly endpoint: string;
  readonly tableName: string;
  /** Closes the client and the server; the data is gone unless `path` was given. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite in this process on a free loopback port, creates the table from the core table
 * definition and waits until it is ACTIVE. The store code that runs against it is the same that runs
 * against DynamoDB Local or AWS: only the endpoint differs.
 *
 * @example
 * const db = await startEmbeddedDynamoDb();
 * const store = createDynamoStore({ client: db.client, tableName: db.tableName });
 * // ...
 * await db.stop();
 */
export async function startEmbeddedDynamoDb(
  options: EmbeddedDynamoDbOptions = {},
): Promise<EmbeddedDynamoDb> {
  const tableName = options.tableName ?? "architech";
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: "embedded", secretAccessKey: "embedded" },
    // Bursts of a thousand concurrent writes queue for sockets in-process; that is expected, not a warning.
    requestHandler: { socketAcquisitionWarningTimeout: 60_000 },
  });

  const stop = async (): Promise<void> => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };

  try {
    await ensureTable({ client, tableName });
  } catch (error) {
    await stop();
    throw error;
  }
  return { client, endpoint, tableName, stop };
}
