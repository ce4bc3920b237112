import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ScriptedAnswer, scriptedRequestHandler } from "../scripted-http.test-support.ts";
import { AwsLambdaAdapter } from "./lambda-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
// The instance, not the class, is mocked: the retry tests below need clients that really send.
const mockedClient = new LambdaClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const lambda = mockClient(mockedClient);
afterEach(() => {
  lambda.reset();
  vi.useRealTimers();
});

const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:checkout";
const ALIAS_ARN = `${FUNCTION_ARN}:live`;

function adapter(client = mockedClient): AwsLambdaAdapter {
  return new AwsLambdaAdapter({ client });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail with an Error");
  return error;
}

function version(number: string, lastModified: string, memorySize = 512): FunctionConfiguration {
  return {
    FunctionName: "checkout",
    FunctionArn: `${FUNCTION_ARN}:${number}`,
    Version: number,
    CodeSha256: `sha-${number}`,
    LastModified: lastModified,
    MemorySize: memorySize,
    Timeout: 10,
    Runtime: "nodejs22.x",
    Architectures: ["arm64"],
  };
}

const configuration: FunctionConfiguration = {
  FunctionName: "checkout",
  FunctionArn: FUNCTION_ARN,
  Runtime: "nodejs22.x",
  Role: "arn:aws:iam::123456789012:role/checkout",
  Handler: "index.handler",
  CodeSize: 1_048_576,
  Timeout: 15,
  MemorySize: 1024,
  LastModified: "2026-03-02T10:00:00.000+0000",
  CodeSha256: "abc=",
  Version: "$LATEST",
  Architectures: ["arm64"],
  State: "Active",
  LastUpdateStatus: "Successful",
};

describe("AwsLambdaAdapter.getAlias", () => {
  it("describes the alias, with its weighted routing while traffic is shifting", async () => {
    // Prepare
    lambda.on(GetAliasCommand).resolves({
      AliasArn: ALIAS_ARN,
      Name: "live",
      FunctionVersion: "42",
      Description: "",
      RoutingConfig: { AdditionalVersionWeights: { "43": 0.1 } },
      RevisionId: "3f0a1c2e-1111-2222-3333-444455556666",
    });

    // Act
    const alias = await adapter().getAlias("checkout", "live");

    // Assess
    expect(lambda.commandCalls(GetAliasCommand).map((call) => call.args[0].input)).toEqual([
      { FunctionName: "checkout", Name: "live" },
    ]);
    expect(alias).toEqual({
      functionName: "checkout",
      alias: "live",
      aliasArn: ALIAS_ARN,
      functionVersion: "42",
      additionalVersionWeights: { "43": 0.1 },
    });
  });

  it("leaves out weighted routing when the alias sends all traffic to one version", async () => {
    // Prepare
    lambda.on(GetAliasCommand).resolves({ AliasArn: ALIAS_ARN, Name: "live", FunctionVersion: "42" });

    // Act
    const alias = await adapter().getAlias(FUNCTION_ARN, "live");

    // Assess
    expect(alias).toEqual({
      functionName: "checkout",
      alias: "live",
      aliasArn: ALIAS_ARN,
      functionVersion: "42",
    });
  });

  it("reports a missing function or alias as not found", async () => {
    // Prepare
    const failure = new ResourceNotFoundException({
      message: `Function not found: ${FUNCTION_ARN}:ghost`,
      Type: "User",
      $metadata: { httpStatusCode: 404 },
    });
    lambda.on(GetAliasCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().getAlias("checkout", "ghost"));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("Lambda alias checkout:ghost");
    expect(error.cause).toBe(failure);
  });

  it.each([
    [
      "TooManyRequestsException",
      new TooManyRequestsException({
        message: "Rate exceeded",
        Reason: "CallerRateLimitExceeded",
        $metadata: { httpStatusCode: 429 },
      }),
    ],
    [
      "ServiceException",
      new ServiceException({ message: "Internal error", $metadata: { httpStatusCode: 500 } }),
    ],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
  ])("turns %s into a TransientPortError that carries the cause", async (_label, failure) => {
    // Prepare
    lambda.on(GetAliasCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().getAlias("checkout", "live"));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });
});

describe("AwsLambdaAdapter.updateAlias", () => {
  it("points the alias at the version and clears weighted routing", async () => {
    // Prepare
    lambda.on(UpdateAliasCommand).resolves({
      AliasArn: ALIAS_ARN,
      Name: "live",
      FunctionVersion: "41",
      RoutingConfig: { AdditionalVersionWeights: {} },
    });

    // Act
    const alias = await adapter().updateAlias("checkout", "live", "41");

    // Assess
    expect(lambda.commandCalls(UpdateAliasCommand).map((call) => call.args[0].input)).toEqual([
      {
        FunctionName: "checkout",
        Name: "live",
        FunctionVersion: "41",
        RoutingConfig: { AdditionalVersionWeights: {} },
      },
    ]);
    expect(alias).toEqual({
      functionName: "checkout",
      alias: "live",
      aliasArn: ALIAS_ARN,
      functionVersion: "41",
    });
  });

  it("refuses a version that does not exist with Lambda's message", async () => {
    // Prepare
    lambda.on(UpdateAliasCommand).rejects(
      new InvalidParameterValueException({
        message: "Version 99 of function checkout does not exist",
        Type: "User",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await rejection(adapter().updateAlias("checkout", "live", "99"));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toBe(
      "UpdateAlias on Lambda alias checkout:live was refused: InvalidParameterValueException: Version 99 of function checkout does not exist",
    );
  });
});

describe("AwsLambdaAdapter.listVersions", () => {
  it("follows every page, leaves out $LATEST and answers oldest first", async () => {
    // Prepare
    lambda
      .on(ListVersionsByFunctionCommand, { Marker: undefined })
      .resolves({
        Versions: [
          { ...configuration, Version: "$LATEST" },
          version("9", "2026-02-01T09:00:00.000+0000"),
          version("10", "2026-02-10T09:00:00.000+0000", 1024),
        ],
        NextMarker: "m2",
      })
      .on(ListVersionsByFunctionCommand, { Marker: "m2" })
      .resolves({ Versions: [version("2", "2025-12-24T23:59:59.000+0000")], NextMarker: "m3" })
      .on(ListVersionsByFunctionCommand, { Marker: "m3" })
      .resolves({ Versions: [] });

    // Act
    const versions = await adapter().listVersions("checkout");

    // Assess
    expect(lambda.commandCalls(ListVersionsByFunctionCommand).map((call) => call.args[0].input)).toEqual([
      { FunctionName: "checkout", Marker: undefined },
      { FunctionName: "checkout", Marker: "m2" },
      { FunctionName: "checkout", Marker: "m3" },
    ]);
    expect(versions).toEqual([
      { version: "2", codeSha256: "sha-2", lastModified: "2025-12-24T23:59:59.000Z", memorySize: 512 },
      { version: "9", codeSha256: "sha-9", lastModified: "2026-02-01T09:00:00.000Z", memorySize: 512 },
      { version: "10", codeSha256: "sha-10", lastModified: "2026-02-10T09:00:00.000Z", memorySize: 1024 },
    ]);
  });

  it("surfaces throttling on a later page as a TransientPortError", async () => {
    // Prepare
    const failure = new TooManyRequestsException({
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 429 },
    });
    lambda
      .on(ListVersionsByFunctionCommand, { Marker: undefined })
      .resolves({ Versions: [version("1", "2026-01-01T00:00:00.000+0000")], NextMarker: "m2" })
      .on(ListVersionsByFunctionCommand, { Marker: "m2" })
      .rejects(failure);

    // Act
    const error = await rejection(adapter().listVersions("checkout"));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });
});

describe("AwsLambdaAdapter.getFunctionConfiguration", () => {
  it("reads memory, timeout, architectures and the last change in ISO 8601", async () => {
    // Prepare
    lambda.on(GetFunctionConfigurationCommand).resolves(configuration);

    // Act
    const result = await adapter().getFunctionConfiguration("checkout");

    // Assess
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((call) => call.args[0].input)).toEqual([
      { FunctionName: "checkout" },
    ]);
    expect(result).toEqual({
      functionName: "checkout",
      functionArn: FUNCTION_ARN,
      memorySize: 1024,
      timeout: 15,
      architectures: ["arm64"],
      lastModified: "2026-03-02T10:00:00.000Z",
    });
  });

  it("reports x86_64 for a function that names no architecture", async () => {
    // Prepare
    const { Architectures: _architectures, ...older } = configuration;
    lambda.on(GetFunctionConfigurationCommand).resolves(older);

    // Act
    const result = await adapter().getFunctionConfiguration("checkout");

    // Assess
    expect(result.architectures).toEqual(["x86_64"]);
  });

  it("reports a missing function as not found", async () => {
    // Prepare
    lambda.on(GetFunctionConfigurationCommand).rejects(
      new ResourceNotFoundException({
        message: "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:ghost",
        $metadata: { httpStatusCode: 404 },
      }),
    );

    // Act
    const error = await rejection(adapter().getFunctionConfiguration("ghost"));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe("Lambda function ghost does not exist");
  });
});

describe("AwsLambdaAdapter.updateFunctionMemory", () => {
  it("changes only the memory size and answers the new configuration", async () => {
    // Prepare
    lambda
      .on(UpdateFunctionConfigurationCommand)
      .resolves({ ...configuration, MemorySize: 512, LastUpdateStatus: "InProgress" });

    // Act
    const result = await adapter().updateFunctionMemory("checkout", 512);

    // Assess
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((call) => call.args[0].input)).toEqual(
      [{ FunctionName: "checkout", MemorySize: 512 }],
    );
    expect(result.memorySize).toBe(512);
  });

  it("treats an update still in progress as transient, so the step is retried", async () => {
    // Prepare
    const failure = new ResourceConflictException({
      message:
        "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:eu-west-1:123456789012:function:checkout",
      Type: "User",
      $metadata: { httpStatusCode: 409 },
    });
    lambda.on(UpdateFunctionConfigurationCommand).rejects(failure);

    // Act
    const error = await rejection(adapter().updateFunctionMemory("checkout", 512));

    // Assess
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBe(failure);
  });

  it("refuses a memory size Lambda does not accept", async () => {
    // Prepare
    lambda.on(UpdateFunctionConfigurationCommand).rejects(
      new InvalidParameterValueException({
        message:
          "'MemorySize' value failed to satisfy constraint: Member must have value greater than or equal to 128",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await rejection(adapter().updateFunctionMemory("checkout", 64));

    // Assess
    expect(error).toBeInstanceOf(PortRequestError);
    expect(error.message).toContain("UpdateFunctionConfiguration on Lambda function checkout was refused");
  });
});

describe("AwsLambdaAdapter.listFunctions", () => {
  it("follows every page of functions", async () => {
    // Prepare
    lambda
      .on(ListFunctionsCommand, { Marker: undefined })
      .resolves({
        Functions: [configuration, { ...configuration, FunctionName: "search" }],
        NextMarker: "f2",
      })
      .on(ListFunctionsCommand, { Marker: "f2" })
      .resolves({ Functions: [{ ...configuration, FunctionName: "thumbnails" }] });

    // Act
    const functions = await adapter().listFunctions();

    // Assess
    expect(lambda.commandCalls(ListFunctionsCommand).map((call) => call.args[0].input)).toEqual([
      { Marker: undefined },
      { Marker: "f2" },
    ]);
    expect(functions).toEqual([
      { functionName: "checkout" },
      { functionName: "search" },
      { functionName: "thumbnails" },
    ]);
  });
});

/**
 * The SDK's standard retry runs inside `client.send`, which `mockClient` replaces; these tests answer at
 * the HTTP layer instead, so the real retry middleware and error deserialization run.
 */
describe("AwsLambdaAdapter on a client with the SDK's retries", () => {
  function httpClient(maxAttempts: number, answers: ScriptedAnswer[]) {
    const { requestHandler, requests } = scriptedRequestHandler(answers, {
      contentType: "application/json",
      describe: (request) => `${request.method} ${request.path}`,
    });
    const client = new LambdaClient({ region: "eu-west-1", credentials, maxAttempts, requestHandler });
    return { client, requests };
  }

  const throttled = {
    status: 429,
    headers: { "x-amzn-errortype": "TooManyRequestsException" },
    body: { Type: "User", message: "Rate exceeded", Reason: "CallerRateLimitExceeded" },
  };
  const alias = { status: 200, body: { AliasArn: ALIAS_ARN, Name: "live", FunctionVersion: "42" } };

  it("succeeds when throttling is followed by an answer, after the SDK's backoff", async () => {
    // Prepare
    vi.useFakeTimers();
    const { client, requests } = httpClient(3, [throttled, alias]);

    // Act
    const pending = adapter(client).getAlias("checkout", "live");
    await vi.runAllTimersAsync();
    const result = await pending;

    // Assess
    expect(requests).toEqual([
      "GET /2015-03-31/functions/checkout/aliases/live",
      "GET /2015-03-31/functions/checkout/aliases/live",
    ]);
    expect(result.functionVersion).toBe("42");
  });

  it("surfaces throttling as a TransientPortError once the SDK's attempts are spent", async () => {
    // Prepare
    const { client, requests } = httpClient(1, [throttled, alias]);

    // Act
    const error = await rejection(adapter(client).getAlias("checkout", "live"));

    // Assess
    expect(requests).toHaveLength(1);
    expect(error).toBeInstanceOf(TransientPortError);
    expect(error.cause).toBeInstanceOf(TooManyRequestsException);
  });
});
