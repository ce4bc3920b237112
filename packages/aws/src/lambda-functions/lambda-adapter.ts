import {
  type LambdaAliasDescription,
  type LambdaFunctionConfiguration,
  type LambdaPort,
  type LambdaVersion,
  PortRequestError,
} from "@architech/core";
import {
  type AliasConfiguration,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { toPortError } from "../errors.ts";

export interface AwsLambdaAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: LambdaClient;
}

/** Published versions are numbers; `$LATEST` (and any other `$` pseudo-version) is not one. */
const PUBLISHED_VERSION = /^\d+$/;

/**
 * {@link LambdaPort} on the Lambda API. Errors are port errors: a missing function or alias is a
 * `ResourceNotFoundError`; throttling, and a function still busy with a previous update
 * (`ResourceConflictException`), are a `TransientPortError`.
 *
 * @example
 * const lambda = new AwsLambdaAdapter({ client: new LambdaClient({ maxAttempts: 5 }) });
 * await lambda.updateAlias("checkout", "live", "41");
 */
export class AwsLambdaAdapter implements LambdaPort {
  readonly #client: LambdaClient;

  constructor(options: AwsLambdaAdapterOptions) {
    this.#client = options.client;
  }

  async getAlias(functionName: string, alias: string): Promise<LambdaAliasDescription> {
    const resource = `Lambda alias ${functionName}:${alias}`;
    const output = await send({ action: "GetAlias", resource }, () =>
      this.#client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })),
    );
    return toAliasDescription(output, functionName, alias);
  }

  async updateAlias(functionName: string, alias: string, version: string): Promise<LambdaAliasDescription> {
    const resource = `Lambda alias ${functionName}:${alias}`;
    const output = await send({ action: "UpdateAlias", resource }, () =>
      this.#client.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: version,
          // An empty map removes weighted routing: all traffic goes to `version`.
          RoutingConfig: { AdditionalVersionWeights: {} },
        }),
      ),
    );
    return toAliasDescription(output, functionName, alias);
  }

  async listVersions(functionName: string): Promise<LambdaVersion[]> {
    const resource = `Lambda function ${functionName}`;
    const versions: LambdaVersion[] = [];
    let marker: string | undefined;
    do {
      const page = await send({ action: "ListVersionsByFunction", resource }, () =>
        this.#client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker })),
      );
      for (const configuration of page.Versions ?? []) {
        const version = configuration.Version;
        if (version === undefined || !PUBLISHED_VERSION.test(version)) continue;
        versions.push({
          version,
          codeSha256: configuration.CodeSha256 ?? "",
          lastModified: toIsoTimestamp(configuration.LastModified),
          memorySize: configuration.MemorySize ?? 0,
        });
      }
      marker = page.NextMarker;
    } while (marker !== undefined);
    return versions.sort((a, b) => Number(a.version) - Number(b.version));
  }

  async getFunctionConfiguration(functionName: string): Promise<LambdaFunctionConfiguration> {
    const resource = `Lambda function ${functionName}`;
    const output = await send({ action: "GetFunctionConfiguration", resource }, () =>
      this.#client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    );
    return toFunctionConfiguration(output, resource);
  }

  async updateFunctionMemory(functionName: string, memorySize: number): Promise<LambdaFunctionConfiguration> {
    const resource = `Lambda function ${functionName}`;
    const output = await send(
      // Lambda refuses an update while the previous one is still in progress: retrying later succeeds.
      { action: "UpdateFunctionConfiguration", resource, transient: ["ResourceConflictException"] },
      () =>
        this.#client.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: functionName, MemorySize: memorySize }),
        ),
    );
    return toFunctionConfiguration(output, resource);
  }

  async listFunctions(): Promise<{ functionName: string }[]> {
    const functions: { functionName: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await send({ action: "ListFunctions", resource: "Lambda functions" }, () =>
        this.#client.send(new ListFunctionsCommand({ Marker: marker })),
      );
      for (const configuration of page.Functions ?? []) {
        if (configuration.FunctionName !== undefined) {
          functions.push({ functionName: configuration.FunctionName });
        }
      }
      marker = page.NextMarker;
    } while (marker !== undefined);
    return functions;
  }
}

interface SendContext {
  action: string;
  resource: string;
  transient?: readonly string[];
}

async function send<T>(context: SendContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPortError(error, context.resource, context);
  }
}

function toAliasDescription(
  alias: AliasConfiguration,
  functionName: string,
  name: string,
): LambdaAliasDescription {
  const resource = `Lambda alias ${functionName}:${name}`;
  const aliasArn = required(alias.AliasArn, `the ARN of ${resource}`);
  const description: LambdaAliasDescription = {
    functionName: functionNameFromArn(aliasArn) ?? functionName,
    alias: alias.Name ?? name,
    aliasArn,
    functionVersion: required(alias.FunctionVersion, `the version of ${resource}`),
  };
  const weights = alias.RoutingConfig?.AdditionalVersionWeights;
  if (weights !== undefined && Object.keys(weights).length > 0) {
    description.additionalVersionWeights = { ...weights };
  }
  return description;
}

function toFunctionConfiguration(
  configuration: FunctionConfiguration,
  resource: string,
): LambdaFunctionConfiguration {
  return {
    functionName: required(configuration.FunctionName, `the name of ${resource}`),
    functionArn: required(configuration.FunctionArn, `the ARN of ${resource}`),
    memorySize: required(configuration.MemorySize, `the memory size of ${resource}`),
    timeout: required(configuration.Timeout, `the timeout of ${resource}`),
    // Functions created before Graviton support report no architectures: they run on x86_64.
    architectures: configuration.Architectures ?? ["x86_64"],
    lastModified: toIsoTimestamp(configuration.LastModified),
  };
}

/** `arn:aws:lambda:eu-west-1:123456789012:function:checkout:live` → checkout. */
function functionNameFromArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[5] === "function" ? parts[6] : undefined;
}

/** Lambda writes `2026-03-02T10:00:00.000+0000`; the ports speak ISO 8601 in UTC. */
function toIsoTimestamp(value: string | undefined): string {
  if (value === undefined) return "";
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`Lambda answered without ${what}`);
  return value;
}
