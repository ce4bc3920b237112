export { type BakeOptions, bakeReleases, type RecordReleaseResult, recordEcsRelease } from "./releases.ts";
