export interface EcrRepository {
  repositoryName: string;
  repositoryArn: string;
  tags: Record<string, string>;
}

export interface EcrImage {
  repositoryName: string;
  imageDigest: string;
  /** Empty for an untagged image. */
  imageTags: string[];
  pushedAt: string;
  /** When the image was last pulled, where ECR recorded it. */
  lastPulledAt?: string;
  sizeBytes: number;
}

/**
 * ECR, for cleanup. Images cannot carry tags of their own (tags live on repositories), so cleanup marks
 * images in the store only.
 */
export interface EcrPort {
  /** Every repository with its tags (all pages). */
  listRepositories(): Promise<EcrRepository[]>;
  /** Every image of a repository (all pages). */
  listImages(repositoryName: string): Promise<EcrImage[]>;
  /** BatchDeleteImage by digest; per-image failures are reported, not thrown. */
  deleteImages(
    repositoryName: string,
    imageDigests: string[],
  ): Promise<{ deleted: string[]; failures: { imageDigest: string; reason: string }[] }>;
}
