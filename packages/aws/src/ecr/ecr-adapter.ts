import { type EcrImage, type EcrPort, type EcrRepository, PortRequestError } from "@architech/core";
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  type ImageDetail,
  ListTagsForResourceCommand,
  type Repository,
} from "@aws-sdk/client-ecr";
import { isPortError, sdkErrorName, toPortError } from "../errors.ts";

export interface AwsEcrAdapterOptions {
  /** Created once by the caller, with its region, credentials and retry settings. */
  client: ECRClient;
}

/** BatchDeleteImage takes at most 100 image ids per call. */
const DELETE_BATCH_SIZE = 100;

const NOT_FOUND = ["RepositoryNotFoundException"];

/**
 * {@link EcrPort} on the ECR API. Errors are port errors: a missing repository is a
 * `ResourceNotFoundError`, throttling a `TransientPortError`.
 *
 * @example
 * const ecr = new AwsEcrAdapter({ client: new ECRClient({ maxAttempts: 5 }) });
 * const images = await ecr.listImages("checkout-api");
 */
export class AwsEcrAdapter implements EcrPort {
  readonly #client: ECRClient;

  constructor(options: AwsEcrAdapterOptions) {
    this.#client = options.client;
  }

  async listRepositories(): Promise<EcrRepository[]> {
    const repositories: Repository[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#send("DescribeRepositories", "ECR repositories", () =>
        this.#client.send(new DescribeRepositoriesCommand({ nextToken })),
      );
      repositories.push(...(page.repositories ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    const listed: EcrRepository[] = [];
    // One repository after the other: listing is not urgent, and it keeps well under the API's rate limits.
    for (const repository of repositories) {
      const repositoryName = required(repository.repositoryName, "the name of a repository");
      const repositoryArn = required(repository.repositoryArn, `the ARN of repository ${repositoryName}`);
      const tags = await this.#listTags(repositoryArn, repositoryName);
      // Deleted between the two calls: it is no longer there to clean up.
      if (tags === undefined) continue;
      listed.push({ repositoryName, repositoryArn, tags });
    }
    return listed;
  }

  async listImages(repositoryName: string): Promise<EcrImage[]> {
    const images: EcrImage[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#send("DescribeImages", repositoryResource(repositoryName), () =>
        this.#client.send(new DescribeImagesCommand({ repositoryName, nextToken })),
      );
      for (const detail of page.imageDetails ?? []) images.push(toImage(detail, repositoryName));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return images;
  }

  async deleteImages(
    repositoryName: string,
    imageDigests: string[],
  ): Promise<{ deleted: string[]; failures: { imageDigest: string; reason: string }[] }> {
    const deleted = new Set<string>();
    const failures: { imageDigest: string; reason: string }[] = [];
    for (let start = 0; start < imageDigests.length; start += DELETE_BATCH_SIZE) {
      const batch = imageDigests.slice(start, start + DELETE_BATCH_SIZE);
      const output = await this.#send("BatchDeleteImage", repositoryResource(repositoryName), () =>
        this.#client.send(
          new BatchDeleteImageCommand({
            repositoryName,
            imageIds: batch.map((imageDigest) => ({ imageDigest })),
          }),
        ),
      );
      // A digest deleted with several tags comes back once per tag.
      for (const id of output.imageIds ?? []) if (id.imageDigest !== undefined) deleted.add(id.imageDigest);
      for (const failure of output.failures ?? []) {
        const imageDigest = failure.imageId?.imageDigest;
        if (imageDigest === undefined) continue;
        const reason = [failure.failureCode, failure.failureReason].filter(Boolean).join(": ");
        failures.push({ imageDigest, reason: reason === "" ? "no reason given" : reason });
      }
    }
    return { deleted: [...deleted], failures };
  }

  /** The repository's tags, or undefined when the repository no longer exists. */
  async #listTags(resourceArn: string, repositoryName: string): Promise<Record<string, string> | undefined> {
    try {
      const output = await this.#client.send(new ListTagsForResourceCommand({ resourceArn }));
      return toTagRecord(output.tags);
    } catch (error) {
      if (!isPortError(error) && NOT_FOUND.includes(sdkErrorName(error))) return undefined;
      throw toPortError(error, repositoryResource(repositoryName), {
        action: "ListTagsForResource",
        notFound: NOT_FOUND,
      });
    }
  }

  async #send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, resource, { action, notFound: NOT_FOUND });
    }
  }
}

function repositoryResource(repositoryName: string): string {
  return `ECR repository ${repositoryName}`;
}

function toImage(detail: ImageDetail, repositoryName: string): EcrImage {
  const imageDigest = required(detail.imageDigest, `the digest of an image in ${repositoryName}`);
  const image: EcrImage = {
    repositoryName,
    imageDigest,
    imageTags: detail.imageTags ?? [],
    pushedAt: required(detail.imagePushedAt, `the push time of image ${imageDigest}`).toISOString(),
    sizeBytes: detail.imageSizeInBytes ?? 0,
  };
  if (detail.lastRecordedPullTime !== undefined)
    image.lastPulledAt = detail.lastRecordedPullTime.toISOString();
  return image;
}

function toTagRecord(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? "";
  return record;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PortRequestError(`ECR answered without ${what}`);
  return value;
}
