import { type EcrImage, type EcrPort, ResourceNotFoundError } from "@architech/core";
import type { SandboxContext } from "./context.ts";
import type { Estate } from "./estate.ts";
import { mebibytes, type RepositoryRecord } from "./resources.ts";
import { iso } from "./timeline.ts";

export function repositoryTarget(name: string): string {
  return `ecr-repository:${name}`;
}

function findRepository(estate: Estate, name: string): RepositoryRecord {
  const repository = estate.resources.repositories.get(name);
  // RepositoryNotFoundException
  if (repository === undefined) throw new ResourceNotFoundError(`ECR repository ${name}`);
  return repository;
}

/** The ECR port over the sandbox's repositories. */
export function createSandboxEcr(ctx: SandboxContext): EcrPort {
  const { estate } = ctx;
  return {
    async listRepositories() {
      ctx.read({ operation: "ecr.listRepositories", target: "ecr", resource: "ECR repositories" });
      return [...estate.resources.repositories.values()].map((r) => ({
        repositoryName: r.name,
        repositoryArn: r.arn,
        tags: { ...r.tags },
      }));
    },

    async listImages(repositoryName) {
      ctx.read({
        operation: "ecr.listImages",
        target: repositoryTarget(repositoryName),
        resource: `ECR repository ${repositoryName}`,
      });
      const repository = findRepository(estate, repositoryName);
      return repository.images.map((image): EcrImage => {
        const pulled = image.lastPulledAt;
        return {
          repositoryName,
          imageDigest: image.digest,
          imageTags: [...image.tags],
          pushedAt: iso(image.pushedAt),
          ...(pulled === undefined ? {} : { lastPulledAt: iso(pulled) }),
          sizeBytes: mebibytes(image.sizeMiB),
        };
      });
    },

    async deleteImages(repositoryName, imageDigests) {
      return ctx.mutate(
        {
          operation: "ecr.deleteImages",
          target: repositoryTarget(repositoryName),
          resource: `ECR repository ${repositoryName}`,
        },
        (entry) => {
          entry.before = { imageDigests: [...imageDigests] };
          const repository = findRepository(estate, repositoryName);
          const deleted: string[] = [];
          const failures: { imageDigest: string; reason: string }[] = [];
          for (const digest of new Set(imageDigests)) {
            const index = repository.images.findIndex((image) => image.digest === digest);
            if (index < 0) {
              failures.push({ imageDigest: digest, reason: "ImageNotFound" });
              continue;
            }
            // Deleting by digest removes the image with every tag that points at it.
            repository.images.splice(index, 1);
            deleted.push(digest);
          }
          entry.after = { deleted, failures };
          return { deleted, failures };
        },
      );
    },
  };
}
