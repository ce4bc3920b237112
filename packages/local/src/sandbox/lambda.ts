import {
  type LambdaAliasDescription,
  type LambdaFunctionConfiguration,
  type LambdaPort,
  PortRequestError,
  ResourceNotFoundError,
} from "@architech/core";
import type { SandboxContext } from "./context.ts";
import type { AliasRecord, Estate, FunctionRecord } from "./estate.ts";
import { iso } from "./timeline.ts";

export function findFunction(estate: Estate, functionName: string): FunctionRecord {
  const fn = estate.functions.get(functionName);
  if (fn === undefined) throw new ResourceNotFoundError(`Lambda function ${functionName}`);
  return fn;
}

export function findAlias(estate: Estate, functionName: string, alias: string): AliasRecord {
  const record = findFunction(estate, functionName).aliases.get(alias);
  if (record === undefined) throw new ResourceNotFoundError(`Lambda alias ${functionName}:${alias}`);
  return record;
}

export function describeAlias(alias: AliasRecord): LambdaAliasDescription {
  const position = alias.history.at(-1);
  return {
    functionName: alias.functionName,
    alias: alias.name,
    aliasArn: alias.arn,
    functionVersion: position?.version ?? "$LATEST",
    ...(position?.weights === undefined ? {} : { additionalVersionWeights: { ...position.weights } }),
  };
}

export function functionConfiguration(fn: FunctionRecord): LambdaFunctionConfiguration {
  return {
    functionName: fn.name,
    functionArn: fn.arn,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    architectures: [...fn.architectures],
    lastModified: iso(fn.lastModified),
  };
}

/**
 * Points an alias at a version with all traffic. UpdateAlias is immediate: the next invocation runs the
 * new version. Moving it where it already points changes nothing.
 */
export function moveAlias(fn: FunctionRecord, alias: AliasRecord, version: string, at: number): void {
  if (version !== "$LATEST" && !fn.versions.some((v) => v.version === version)) {
    throw new ResourceNotFoundError(`Lambda function version ${fn.name}:${version}`);
  }
  const current = alias.history.at(-1);
  if (current?.version === version && current.weights === undefined) return;
  alias.history.push({ at, version });
}

export function aliasTarget(functionName: string, alias: string): string {
  return `lambda-alias:${functionName}:${alias}`;
}

/** The Lambda port over the sandbox estate. */
export function createSandboxLambda(ctx: SandboxContext): LambdaPort {
  const { estate } = ctx;
  const fnCall = (operation: "lambda.listVersions" | "lambda.getFunctionConfiguration", name: string) => ({
    operation,
    target: `lambda-function:${name}`,
    resource: `Lambda function ${name}`,
  });
  return {
    async getAlias(functionName, alias) {
      ctx.read({
        operation: "lambda.getAlias",
        target: aliasTarget(functionName, alias),
        resource: `Lambda alias ${functionName}:${alias}`,
      });
      return describeAlias(findAlias(estate, functionName, alias));
    },

    async updateAlias(functionName, alias, version) {
      return ctx.mutate(
        {
          operation: "lambda.updateAlias",
          target: aliasTarget(functionName, alias),
          resource: `Lambda alias ${functionName}:${alias}`,
        },
        (entry) => {
          const record = findAlias(estate, functionName, alias);
          const before = describeAlias(record);
          entry.before = {
            functionVersion: before.functionVersion,
            ...(before.additionalVersionWeights
              ? { additionalVersionWeights: before.additionalVersionWeights }
              : {}),
          };
          moveAlias(findFunction(estate, functionName), record, version, ctx.now());
          const after = describeAlias(record);
          entry.after = { functionVersion: after.functionVersion };
          return after;
        },
      );
    },

    async listVersions(functionName) {
      ctx.read(fnCall("lambda.listVersions", functionName));
      return findFunction(estate, functionName).versions.map((v) => ({
        version: v.version,
        codeSha256: v.codeSha256,
        lastModified: iso(v.publishedAt),
        memorySize: v.memorySize,
      }));
    },

    async getFunctionConfiguration(functionName) {
      ctx.read(fnCall("lambda.getFunctionConfiguration", functionName));
      return functionConfiguration(findFunction(estate, functionName));
    },

    async updateFunctionMemory(functionName, memorySize) {
      return ctx.mutate(
        {
          operation: "lambda.updateFunctionMemory",
          target: `lambda-function:${functionName}`,
          resource: `Lambda function ${functionName}`,
        },
        (entry) => {
          const fn = findFunction(estate, functionName);
          if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
            throw new PortRequestError(
              `InvalidParameterValueException: MemorySize ${memorySize} is not a whole number of MiB between 128 and 10240`,
            );
          }
          entry.before = { memorySize: fn.memorySize };
          fn.memorySize = memorySize;
          fn.lastModified = ctx.now();
          entry.after = { memorySize };
          return functionConfiguration(fn);
        },
      );
    },

    async listFunctions() {
      ctx.read({ operation: "lambda.listFunctions", target: "lambda", resource: "Lambda functions" });
      return [...estate.functions.keys()].map((functionName) => ({ functionName }));
    },
  };
}
