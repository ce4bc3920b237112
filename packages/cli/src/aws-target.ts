import { createDynamoStore, type DynamoStore } from "@architech/aws";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { Command } from "commander";
import { ExitCode } from "./io.ts";

/** The stage `--aws` reads when `--stage` does not say otherwise. */
export const DEFAULT_STAGE = "dev";

/** The options every command with an `--aws` mode takes. */
export interface AwsOptions {
  aws?: boolean;
  stage: string;
  stackName?: string;
  region?: string;
}

/** Adds `--aws`, `--stage`, `--stack-name` and `--region` to a command. */
export function withAwsOptions(command: Command): Command {
  return command
    .option("--aws", "read the deployed control plane in AWS (default credential chain) instead of --url")
    .option("--stage <stage>", "the deployed stage (with --aws)", DEFAULT_STAGE)
    .option(
      "--stack-name <name>",
      "the control plane's stack (with --aws; default <stage>-architech-ControlPlane)",
    )
    .option("--region <region>", "the AWS region (with --aws; default from the environment)");
}

/** The control plane's stack name for a stage, as SST names it. */
export function stackNameOf(stage: string): string {
  return `${stage}-architech-ControlPlane`;
}

/** The AWS clients `--aws` uses. */
export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly dynamoDb: DynamoDBClient;
  readonly eventBridge: EventBridgeClient;
  /** Releases what the clients hold; absent for clients the caller owns. */
  readonly close?: () => void;
}

/** Creates the clients for a region (undefined: the environment's); replaceable for tests. */
export type AwsClientFactory = (region: string | undefined) => AwsClients;

/** Clients from the default credential chain; the region from `region` or the environment. */
export const defaultAwsClients: AwsClientFactory = (region) => {
  const config = region === undefined ? {} : { region };
  const cloudFormation = new CloudFormationClient(config);
  const dynamoDb = new DynamoDBClient(config);
  const eventBridge = new EventBridgeClient(config);
  return {
    cloudFormation,
    dynamoDb,
    eventBridge,
    close: () => {
      cloudFormation.destroy();
      dynamoDb.destroy();
      eventBridge.destroy();
    },
  };
};

let clientFactory: AwsClientFactory = defaultAwsClients;

/**
 * Replaces the factory `--aws` creates its clients with and returns a function that restores the
 * previous one.
 *
 * @example
 * const restore = useAwsClients(() => ({ cloudFormation, dynamoDb: db.client, eventBridge }));
 * await main(["node", "architech", "runs", "--aws"], io);
 * restore();
 */
export function useAwsClients(factory: AwsClientFactory): () => void {
  const previous = clientFactory;
  clientFactory = factory;
  return () => {
    clientFactory = previous;
  };
}

/** A problem `--aws` reports with exit code 2: the deployment or the environment is not as needed. */
export class AwsTargetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsTargetError";
  }
}

/** The deployed control plane: its stack outputs and the clients to reach it. */
export interface AwsTarget {
  readonly stackName: string;
  readonly stage: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly tableName: string;
  readonly budgetsTopicArn: string | undefined;
  /** Runbook output name prefix (`Rollback`, `VerifyBackup`…) → state machine ARN. */
  readonly stateMachines: Readonly<Record<string, string>>;
  readonly clients: AwsClients;
  /** The store on the control plane's table. */
  store(): DynamoStore;
}

const STATE_MACHINE_SUFFIX = "StateMachineArn";

/**
 * Finds the deployed control plane: `DescribeStacks` on its stack, whose outputs name the table, the
 * Budgets topic and the state machines. Reads only.
 *
 * @throws AwsTargetError when the stack does not exist or lacks the outputs
 */
export async function resolveAwsTarget(options: AwsOptions, clients: AwsClients): Promise<AwsTarget> {
  const stage = options.stage;
  const stackName = options.stackName ?? stackNameOf(stage);
  let stack: { Outputs?: { OutputKey?: string; OutputValue?: string }[] } | undefined;
  try {
    const answer = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    if (isStackNotFound(error)) stack = undefined;
    else throw error;
  }
  if (stack === undefined) {
    throw new AwsTargetError(
      `stack ${stackName} not found — deploy first: npx sst deploy --stage ${stage}` +
        (options.region ? ` --region ${options.region}` : ""),
    );
  }
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
      outputs[output.OutputKey] = output.OutputValue;
    }
  }
  const tableName = outputs.TableName;
  if (tableName === undefined) {
    const found = Object.keys(outputs);
    throw new AwsTargetError(
      `stack ${stackName} has no TableName output (outputs: ${found.length > 0 ? found.join(", ") : "none"}) — ` +
        `is it the control plane's stack? Redeploy with: npx sst deploy --stage ${stage}`,
    );
  }
  const stateMachines = Object.fromEntries(
    Object.entries(outputs)
      .filter(([key]) => key.endsWith(STATE_MACHINE_SUFFIX) && key.length > STATE_MACHINE_SUFFIX.length)
      .map(([key, arn]) => [key.slice(0, -STATE_MACHINE_SUFFIX.length), arn]),
  );
  let store: DynamoStore | undefined;
  return {
    stackName,
    stage,
    outputs,
    tableName,
    budgetsTopicArn: outputs.BudgetsTopicArn,
    stateMachines,
    clients,
    store: () => {
      store ??= createDynamoStore({ client: clients.dynamoDb, tableName });
      return store;
    },
  };
}

function isStackNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    /does not exist/i.test(error.message) &&
    (error.name === "ValidationError" || /stack/i.test(error.message))
  );
}

/** What went wrong in terms a user can act on, and the exit code for it; undefined for the unexpected. */
export function describeAwsError(error: unknown): { message: string; exitCode: number } | undefined {
  if (error instanceof AwsTargetError) return { message: error.message, exitCode: ExitCode.invalidInput };
  if (!(error instanceof Error)) return undefined;
  if (error.name === "CredentialsProviderError" || /could not load credentials/i.test(error.message)) {
    return {
      message:
        "no AWS credentials found — configure the default credential chain (AWS_PROFILE, aws sso login, " +
        `AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and try again (${error.message})`,
      exitCode: ExitCode.invalidInput,
    };
  }
  if (/region is missing/i.test(error.message)) {
    return {
      message: "no AWS region — pass --region or set AWS_REGION",
      exitCode: ExitCode.invalidInput,
    };
  }
  if (
    error.name === "ExpiredTokenException" ||
    error.name === "UnrecognizedClientException" ||
    error.name === "InvalidClientTokenId"
  ) {
    return {
      message: `the AWS credentials were refused (${error.name}: ${error.message})`,
      exitCode: ExitCode.invalidInput,
    };
  }
  return { message: `${error.name}: ${error.message}`, exitCode: ExitCode.failure };
}

/**
 * Runs `body` against the deployed control plane: creates the clients, resolves the stack and maps
 * what can go wrong to a message and an exit code (2 for a missing stack, outputs, credentials or region).
 */
export async function againstAws(
  command: string,
  options: AwsOptions,
  io: { stderr: (text: string) => void },
  body: (target: AwsTarget) => Promise<number>,
): Promise<number> {
  let clients: AwsClients | undefined;
  try {
    clients = clientFactory(options.region);
    return await body(await resolveAwsTarget(options, clients));
  } catch (error) {
    const described = describeAwsError(error);
    if (described === undefined) throw error;
    io.stderr(`architech ${command}: ${described.message}\n`);
    return described.exitCode;
  } finally {
    clients?.close?.();
  }
}

/** `--limit` as a whole number from 1 to 1000, or undefined. */
export function parseLimit(text: string): number | undefined {
  const limit = Number(text);
  return /^\d+$/.test(text) && limit >= 1 && limit <= 1000 ? limit : undefined;
}
