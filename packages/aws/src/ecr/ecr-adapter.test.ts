import { PortRequestError, ResourceNotFoundError, TransientPortError } from "@architech/core";
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsEcrAdapter } from "./ecr-adapter.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const client = new ECRClient({ region: "eu-west-1", maxAttempts: 1, credentials });
const ecr = mockClient(client);
afterEach(() => ecr.reset());

const adapter = new AwsEcrAdapter({ client });
const REPO_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository";

function sdkError(name: string, httpStatusCode = 400, message = "Rate exceeded") {
  return new ECRServiceException({ name, $fault: "client", $metadata: { httpStatusCode }, message });
}

function digest(n: number): string {
  return `sha256:${n.toString(16).padStart(64, "0")}`;
}

describe("AwsEcrAdapter.listRepositories", () => {
  it("follows every page and reads each repository's tags", async () => {
    // Prepare
    ecr
      .on(DescribeRepositoriesCommand, { nextToken: undefined })
      .resolves({
        repositories: [{ repositoryName: "checkout-api", repositoryArn: `${REPO_ARN}/checkout-api` }],
        nextToken: "p2",
      })
      .on(DescribeRepositoriesCommand, { nextToken: "p2" })
      .resolves({ repositories: [{ repositoryName: "billing", repositoryArn: `${REPO_ARN}/billing` }] })
      .on(ListTagsForResourceCommand, { resourceArn: `${REPO_ARN}/checkout-api` })
      .resolves({
        tags: [
          { Key: "owner", Value: "payments" },
          { Key: "environment", Value: "prod" },
        ],
      })
      .on(ListTagsForResourceCommand, { resourceArn: `${REPO_ARN}/billing` })
      .resolves({ tags: [] });

    // Act
    const repositories = await adapter.listRepositories();

    // Assess
    expect(repositories).toEqual([
      {
        repositoryName: "checkout-api",
        repositoryArn: `${REPO_ARN}/checkout-api`,
        tags: { owner: "payments", environment: "prod" },
      },
      { repositoryName: "billing", repositoryArn: `${REPO_ARN}/billing`, tags: {} },
    ]);
    expect(ecr.commandCalls(DescribeRepositoriesCommand).map((call) => call.args[0].input)).toEqual([
      { nextToken: undefined },
      { nextToken: "p2" },
    ]);
    expect(ecr.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input)).toEqual([
      { resourceArn: `${REPO_ARN}/checkout-api` },
      { resourceArn: `${REPO_ARN}/billing` },
    ]);
  });

  it("leaves out a repository deleted between listing and reading its tags", async () => {
    ecr
      .on(DescribeRepositoriesCommand)
      .resolves({ repositories: [{ repositoryName: "gone", repositoryArn: `${REPO_ARN}/gone` }] })
      .on(ListTagsForResourceCommand)
      .rejects(sdkError("RepositoryNotFoundException", 400, "The repository does not exist"));

    await expect(adapter.listRepositories()).resolves.toEqual([]);
  });

  it("surfaces throttling as a TransientPortError", async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(sdkError("ThrottlingException"));

    const error = await adapter.listRepositories().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientPortError);
    expect((error as TransientPortError).message).toContain("DescribeRepositories on ECR repositories");
  });
});

describe("AwsEcrAdapter.listImages", () => {
  it("follows every page and maps push, pull, size and tags", async () => {
    ecr
      .on(DescribeImagesCommand, { repositoryName: "checkout-api", nextToken: undefined })
      .resolves({
        imageDetails: [
          {
            repositoryName: "checkout-api",
            imageDigest: digest(1),
            imageTags: ["2026.03.02-1", "latest"],
            imageSizeInBytes: 52_428_800,
            imagePushedAt: new Date("2026-03-02T10:00:00.000Z"),
            lastRecordedPullTime: new Date("2026-03-03T08:30:00.000Z"),
          },
        ],
        nextToken: "p2",
      })
      .on(DescribeImagesCommand, { repositoryName: "checkout-api", nextToken: "p2" })
      .resolves({
        imageDetails: [
          {
            repositoryName: "checkout-api",
            imageDigest: digest(2),
            imageSizeInBytes: 1024,
            imagePushedAt: new Date("2025-11-20T00:00:00.000Z"),
          },
        ],
      });

    const images = await adapter.listImages("checkout-api");

    expect(images).toEqual([
      {
        repositoryName: "checkout-api",
        imageDigest: digest(1),
        imageTags: ["2026.03.02-1", "latest"],
        pushedAt: "2026-03-02T10:00:00.000Z",
        lastPulledAt: "2026-03-03T08:30:00.000Z",
        sizeBytes: 52_428_800,
      },
      {
        repositoryName: "checkout-api",
        imageDigest: digest(2),
        imageTags: [],
        pushedAt: "2025-11-20T00:00:00.000Z",
        sizeBytes: 1024,
      },
    ]);
    expect(ecr.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input)).toEqual([
      { repositoryName: "checkout-api", nextToken: undefined },
      { repositoryName: "checkout-api", nextToken: "p2" },
    ]);
  });

  it("reports a missing repository as ResourceNotFoundError", async () => {
    ecr.on(DescribeImagesCommand).rejects(sdkError("RepositoryNotFoundException", 400, "not found"));

    const error = await adapter.listImages("gone").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).resource).toBe("ECR repository gone");
  });
});

describe("AwsEcrAdapter.deleteImages", () => {
  it("deletes by digest in batches of 100 and reports per-image failures", async () => {
    const digests = Array.from({ length: 150 }, (_, index) => digest(index));
    ecr.on(BatchDeleteImageCommand).callsFake((input: { imageIds: { imageDigest: string }[] }) => {
      const [first, ...rest] = input.imageIds;
      return {
        // The first of each batch is in use; the others come back once per tag.
        imageIds: rest.flatMap((id) => [id, { ...id, imageTag: "old" }]),
        failures:
          first === undefined
            ? []
            : [{ imageId: first, failureCode: "ImageReferencedByManifestList", failureReason: "in use" }],
      };
    });

    const result = await adapter.deleteImages("checkout-api", digests);

    expect(ecr.commandCalls(BatchDeleteImageCommand).map((call) => call.args[0].input)).toEqual([
      {
        repositoryName: "checkout-api",
        imageIds: digests.slice(0, 100).map((imageDigest) => ({ imageDigest })),
      },
      {
        repositoryName: "checkout-api",
        imageIds: digests.slice(100).map((imageDigest) => ({ imageDigest })),
      },
    ]);
    expect(result.failures).toEqual([
      { imageDigest: digest(0), reason: "ImageReferencedByManifestList: in use" },
      { imageDigest: digest(100), reason: "ImageReferencedByManifestList: in use" },
    ]);
    expect(result.deleted).toEqual(digests.filter((_, index) => index !== 0 && index !== 100));
  });

  it("sends nothing for no digests", async () => {
    await expect(adapter.deleteImages("checkout-api", [])).resolves.toEqual({ deleted: [], failures: [] });
    expect(ecr.calls()).toHaveLength(0);
  });

  it("reports a refused request as PortRequestError", async () => {
    ecr.on(BatchDeleteImageCommand).rejects(sdkError("AccessDeniedException", 403, "not authorized"));

    await expect(adapter.deleteImages("checkout-api", [digest(1)])).rejects.toBeInstanceOf(PortRequestError);
  });
});
