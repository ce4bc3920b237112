// The sandbox account: an AWS account in this process, seeded from YAML, behind the same ports as the
// AWS adapters, so runbooks act on it exactly as they would on AWS.
export {
  createSandboxAccount,
  type RecordedNotification,
  type SandboxAccount,
  type SandboxAccountOptions,
  type SandboxPorts,
  type SandboxResources,
  type SandboxScenario,
  type SandboxSnapshot,
  type ScenarioRelease,
} from "./account.ts";
export type { SandboxAction } from "./context.ts";
export type { SandboxEvent } from "./events.ts";
export { FARGATE_CPU_OPTIONS, fargateMemoryOptions, isFargateSize } from "./fargate.ts";
export {
  type FaultKind,
  type FaultOperation,
  type PendingFault,
  SANDBOX_OPERATIONS,
  type SandboxFault,
  type SandboxOperation,
} from "./faults.ts";
export {
  formatProblem,
  loadSandboxFile,
  loadSandboxSeed,
  parseSandboxSeed,
  SandboxSeedError,
  type SandboxSeedProblem,
} from "./load-seed.ts";
export {
  type MetricSeriesSpec,
  type SandboxSeed,
  type SandboxSeedInput,
  SandboxSeedSchema,
  type TimeRef,
} from "./seed.ts";
