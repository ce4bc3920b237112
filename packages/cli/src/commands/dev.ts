import { existsSync, statSync } from "node:fs";
import { ArchitechError, type LoadedPolicy, parseDuration } from "@architech/core";
import {
  DEFAULT_TIME_SCALE,
  type EmbeddedRuntime,
  ENDPOINTS,
  formatLogEntry,
  InvalidPoliciesError,
  SandboxSeedError,
  startEmbeddedRuntime,
} from "@architech/local";
import { type Command, Option } from "commander";
import { type CommandIO, ExitCode } from "../io.ts";

/** The port `architech dev` listens on unless told otherwise. */
export const DEFAULT_DEV_PORT = 4000;

interface DevOptions {
  policies: string;
  sandbox: string;
  port: string;
  host: string;
  dataDir?: string;
  timeScale?: string;
  for?: string;
  slackSigningSecret?: string;
  slackSettings: string;
}

/**
 * `architech dev`: the whole control plane on this machine — store, bus, schedules, workflows and a
 * sandbox account — printing where everything is, then the live log, until Ctrl-C (or `--for`).
 */
export function registerDev(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command("dev")
    .description("run the control plane on the embedded runtime (local DynamoDB, event bus, Step Functions)")
    .option("--policies <dir>", "directory of policy files", "policies")
    .option("--sandbox <file>", "the sandbox account's seed", "sandbox/default.yaml")
    .option("--slack-settings <file>", "who may use which Slack command, where", "config/slack.yaml")
    .option("--port <n>", "HTTP port (0: any free port)", String(DEFAULT_DEV_PORT))
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--data-dir <dir>", "keep the store in this directory between starts (default: in memory)")
    .option(
      "--time-scale <x>",
      `real time per virtual time while waiting, e.g. 1/300 (a 10-minute wait takes 2 s), 1 (real time), 0 (instant); default 1/${Math.round(1 / DEFAULT_TIME_SCALE)}`,
    )
    .option("--for <duration>", "stop after this long (e.g. 5s, 2m) instead of waiting for Ctrl-C")
    .addOption(
      new Option(
        "--slack-signing-secret <secret>",
        "the Slack app's signing secret (default: a new one each start)",
      ).env("SLACK_SIGNING_SECRET"),
    )
    .action(async (options: DevOptions) => {
      setExit(await dev(options, io));
    });
}

async function dev(options: DevOptions, io: CommandIO): Promise<number> {
  const fail = (message: string, code: number = ExitCode.invalidInput): number => {
    io.stderr(`architech dev: ${message}\n`);
    return code;
  };
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return fail(`--port ${options.port} is not a port`);
  const timeScale = options.timeScale === undefined ? DEFAULT_TIME_SCALE : parseTimeScale(options.timeScale);
  if (timeScale === undefined) {
    return fail(`--time-scale ${options.timeScale} is not a number >= 0 (e.g. 1/300, 0.01, 1, 0)`);
  }
  const runFor = options.for === undefined ? undefined : parseRunFor(options.for);
  if (runFor === null) return fail(`--for ${options.for} is not a duration (e.g. 500ms, 5s, 2m, 1h)`);
  if (!existsSync(options.policies) || !statSync(options.policies).isDirectory()) {
    return fail(`${options.policies} is not a directory of policies (--policies)`);
  }
  if (!existsSync(options.sandbox)) return fail(`${options.sandbox} does not exist (--sandbox)`);
  if (!existsSync(options.slackSettings))
    return fail(`${options.slackSettings} does not exist (--slack-settings)`);

  let runtime: EmbeddedRuntime;
  try {
    runtime = await startEmbeddedRuntime({
      policiesDir: options.policies,
      sandboxFile: options.sandbox,
      slackSettingsFile: options.slackSettings,
      port,
      host: options.host,
      timeScale,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.slackSigningSecret ? { slackSigningSecret: options.slackSigningSecret } : {}),
      log: (entry) => io.stdout(`${formatLogEntry(entry)}\n`),
    });
  } catch (error) {
    if (error instanceof InvalidPoliciesError) {
      return fail(`${error.message}\nfix them first (architech policies validate ${options.policies})`);
    }
    if (error instanceof SandboxSeedError) return fail(error.message);
    if (error instanceof ArchitechError && error.code === "InvalidSlackSettings") return fail(error.message);
    return fail(error instanceof Error ? error.message : String(error), ExitCode.failure);
  }

  io.stdout(describeStart(runtime, options, timeScale));
  const why = await untilStopped(runFor);
  io.stdout(`\narchitech dev: ${why}; stopping…\n`);
  await runtime.stop();
  return ExitCode.ok;
}

/** Resolves with the reason to stop: a signal, or the `--for` time running out. */
function untilStopped(runForMs: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (why: string) => {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
      clearTimeout(timer);
      resolve(why);
    };
    const onInterrupt = () => finish("interrupted (SIGINT)");
    const onTerminate = () => finish("terminated (SIGTERM)");
    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onTerminate);
    if (runForMs !== undefined) timer = setTimeout(() => finish(`ran for ${runForMs} ms (--for)`), runForMs);
  });
}

function describeStart(runtime: EmbeddedRuntime, options: DevOptions, timeScale: number): string {
  const snapshot = runtime.sandbox.snapshot();
  const firing = snapshot.alarms.filter((alarm) => alarm.state === "ALARM").map((alarm) => alarm.name);
  const schedules = new Map(runtime.schedules().map((s) => [s.policy, s]));
  const lines = [
    "",
    `Architech control plane — embedded runtime at ${runtime.url}`,
    "",
    "Endpoints:",
    ...ENDPOINTS.map((e) => `  ${e.method.padEnd(5)}${runtime.url}${e.path.padEnd(16)} ${e.description}`),
    "",
    `Slack: point a Slack app's slash command at ${runtime.url}/slack/commands and its interactivity at`,
    `  ${runtime.url}/slack/interactions; requests are checked against ${options.slackSigningSecret ? "the signing secret given (--slack-signing-secret / SLACK_SIGNING_SECRET)" : `the signing secret ${runtime.slackSigningSecret}`};`,
    `  who may use which command: ${options.slackSettings}; what was said: ${runtime.url}/api/slack/messages`,
    "",
    `Policies (${runtime.policies.length}, from ${options.policies}):`,
    ...runtime.policies.map((loaded) => `  ${describePolicy(loaded, schedules.get(loaded.policy.name))}`),
    "",
    `Sandbox account ${snapshot.account} (${snapshot.region}) from ${options.sandbox}:`,
    `  ${snapshot.ecs.services.length} ECS services, ${snapshot.lambda.functions.length} Lambda functions, ${snapshot.alarms.length} alarms` +
      (firing.length > 0 ? ` (in ALARM: ${firing.join(", ")})` : ""),
    `  releases in history: ${runtime.seededReleases === undefined ? `kept from ${options.dataDir}` : `${runtime.seededReleases} seeded`}`,
    "",
    `Store: ${options.dataDir === undefined ? "in memory (gone when this stops; --data-dir keeps it)" : options.dataDir}`,
    `Clock: virtual, starting ${runtime.clock.now().toISOString()}; waits run at ${describeTimeScale(timeScale)}`,
    "",
    "Try:",
    `  curl -s ${runtime.url}/events -d @event.json   # { "Entries": [{ "Source", "DetailType", "Detail" }] }`,
    `  curl -s ${runtime.url}/api/runs`,
    "",
    "Live log (virtual time) — Ctrl-C stops:",
    "",
  ];
  return `${lines.join("\n")}\n`;
}

function describePolicy(
  loaded: LoadedPolicy,
  schedule: { nextFire: string | undefined; problem?: string } | undefined,
) {
  const { policy } = loaded;
  const trigger = policy.trigger;
  let on: string;
  if ("pattern" in trigger) on = "on events";
  else if ("schedule" in trigger) {
    const when = schedule?.problem
      ? `not scheduled: ${schedule.problem}`
      : `next ${schedule?.nextFire ?? "never"}`;
    on = `on ${trigger.schedule.expression} ${trigger.schedule.timezone} (${when})`;
  } else on = `on /architech ${trigger.command.name}`;
  const disabled = policy.enabled ? "" : " [disabled]";
  return `${policy.name.padEnd(28)} ${policy.runbook} (${policy.mode}) ${on}${disabled}`;
}

function describeTimeScale(timeScale: number): string {
  if (timeScale === 0) return "no real time at all";
  if (timeScale === 1) return "real time";
  return `1/${Number((1 / timeScale).toPrecision(6))} of real time (a 10-minute wait takes ${formatSeconds(600_000 * timeScale)})`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toPrecision(3))} s`;
}

/** `1/300`, `0.01`, `1`, `0`. */
export function parseTimeScale(text: string): number | undefined {
  const fraction = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const value = fraction
    ? Number(fraction[1]) / Number(fraction[2])
    : text.trim() === ""
      ? Number.NaN
      : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A duration for `--for`: the policy notation (`5s`, `2m`) or milliseconds (`500ms`); `null` if neither. */
function parseRunFor(text: string): number | null {
  const ms = /^(\d+)ms$/.exec(text.trim());
  if (ms) return Number(ms[1]);
  return parseDuration(text) ?? null;
}
