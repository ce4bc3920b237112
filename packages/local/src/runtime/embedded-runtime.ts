import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createDynamoStore, type DynamoStore } from "@architech/aws";
import {
  type Approval,
  type ApprovalResumer,
  announceApprovalDecision,
  createSortableId,
  decideApproval as decideCoreApproval,
  escalateApprovals,
  type LoadedPolicy,
  loadPolicyDirectory,
  loadSlackSettings,
  type Notifier,
  PolicyIndex,
  type PolicyProblem,
  parseSlackSettings,
  type RouterDeps,
  type Run,
  RunStatusSchema,
  runStep,
  type SlackSettings,
  SORTABLE_ID_RANDOM_BYTES,
  workflowDefinitions,
} from "@architech/core";
import { VirtualClock } from "../clock.ts";
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from "../dynamodb/embedded-dynamodb.ts";
import { seedReleaseHistory } from "../release-history.ts";
import { createSandboxAccount, type SandboxAccount } from "../sandbox/account.ts";
import { loadSandboxFile } from "../sandbox/load-seed.ts";
import { LocalStepFunctions } from "../stepfunctions/local-step-functions.ts";
import { startEscalationSweep } from "./escalation-sweep.ts";
import { type ApiRoute, answer, createApiServer, HttpError } from "./http-api.ts";
import {
  describeAction,
  describeExecutionEvent,
  describeSlackActivity,
  type RuntimeLogEntry,
} from "./live-log.ts";
import {
  LocalEventBus,
  type PutEventsRequestEntry,
  type PutEventsResponse,
  PutEventsValidationError,
} from "./local-event-bus.ts";
import { type LocalSchedule, LocalScheduler } from "./local-scheduler.ts";
import {
  type ApprovalDecisionOutcome,
  type ApprovalDecisionRequest,
  slackRoutes,
} from "./slack-endpoints.ts";

/** Virtual milliseconds per real millisecond of waiting by default: a 10-minute Wait takes 2 s. */
export const DEFAULT_TIME_SCALE = 1 / 300;
/** How often the sandbox's events are moved onto the bus (real time). */
export const SANDBOX_POLL_MS = 250;
/** A release that served healthy this long counts as known-good in the seeded history. */
const BAKE_TIME_MS = 15 * 60_000;
const RUNTIME_ACTOR = "embedded-runtime";

export interface EmbeddedRuntimeOptions {
  /** The directory of policy files (`*.yaml`, recursively). */
  policiesDir: string;
  /** The sandbox account's seed file. */
  sandboxFile: string;
  /** Keeps the store in this directory between starts; in memory when absent. */
  dataDir?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Real milliseconds per virtual millisecond of waiting (Wait states, retries). Default 1/300. */
  timeScale?: number;
  /** The virtual clock's first reading. Default: now. */
  clockStart?: Date;
  /** The live log: decisions, workflow transitions, sandbox actions and notifications as they happen. */
  log?: (entry: RuntimeLogEntry) => void;
  /** The Slack app's signing secret `/slack/*` requests are checked against. Default: a random one per start. */
  slackSigningSecret?: string;
  /**
   * The Slack settings file (`config/slack.yaml`): the command's name and who may use which command.
   * Without it, only the read-only commands answer; everything that changes something is denied.
   */
  slackSettingsFile?: string;
}

/** The control plane running in this process. */
export interface EmbeddedRuntime {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly clock: VirtualClock;
  readonly store: DynamoStore;
  readonly runner: LocalStepFunctions;
  readonly sandbox: SandboxAccount;
  readonly policies: readonly LoadedPolicy[];
  readonly schedules: () => LocalSchedule[];
  /** How many releases were seeded into the history at this start; undefined when `dataDir` held a used store. */
  readonly seededReleases: number | undefined;
  /** The secret `/slack/*` requests must be signed with (the option, or the one generated at start). */
  readonly slackSigningSecret: string;
  /** PutEvents on the local bus, as `POST /events` does it; resolves once the entries are routed. */
  postEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResponse>;
  /** Resolves once every event on the bus so far has been routed. */
  idle(): Promise<void>;
  /**
   * Stops the HTTP server, the schedules, the sandbox polling, the approval escalation sweep, running
   * workflows and the store.
   */
  stop(): Promise<void>;
}

/** The policy directory does not hold a valid policy set: every problem is listed. */
export class InvalidPoliciesError extends Error {
  readonly problems: readonly PolicyProblem[];
  constructor(dir: string, problems: readonly PolicyProblem[]) {
    super(
      [
        `the policies in ${dir} are invalid:`,
        ...problems.map(
          (p) => `  ${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`,
        ),
      ].join("\n"),
    );
    this.name = "InvalidPoliciesError";
    this.problems = problems;
  }
}

/**
 * Starts the whole control plane in this process: dynalite with the table, the policies, a local event
 * bus and Scheduler in front of the same router, the same workflow definitions on local Step Functions
 * with in-process step handlers, a sandbox account for the runbooks to act upon, and an HTTP API.
 *
 * @example
 * const runtime = await startEmbeddedRuntime({ policiesDir: "policies", sandboxFile: "sandbox/default.yaml", log: (e) => console.log(formatLogEntry(e)) });
 * await fetch(`${runtime.url}/events`, { method: "POST", body: JSON.stringify({ Entries: [...] }) });
 * await runtime.stop();
 */
export async function startEmbeddedRuntime(options: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  const loaded = loadPolicyDirectory(options.policiesDir);
  if (loaded.problems.length > 0) throw new InvalidPoliciesError(options.policiesDir, loaded.problems);
  const seed = await loadSandboxFile(options.sandboxFile);

  const clock = new VirtualClock({
    ticking: true,
    timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
    ...(options.clockStart ? { start: options.clockStart } : {}),
  });
  const emit = (entry: Omit<RuntimeLogEntry, "at">): void => {
    options.log?.({ at: clock.now().toISOString(), ...entry });
  };

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        emit({
          kind: "error",
          text: `while stopping: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  };

  try {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const db: EmbeddedDynamoDb = await startEmbeddedDynamoDb(
      options.dataDir === undefined ? {} : { path: options.dataDir },
    );
    closers.push(() => db.stop());
    const store = createDynamoStore({ client: db.client, tableName: db.tableName, clock });
    const sandbox = createSandboxAccount({
      seed,
      clock,
      // Which Slack message is whose lives in the store, as on AWS: the notifier finds it there.
      slackThreads: store,
      onAction: (action) => emit({ kind: "action", text: describeAction(action) }),
      onSlack: (activity) => emit({ kind: "notification", text: describeSlackActivity(activity) }),
      onNotifierError: (failure) =>
        emit({
          kind: "error",
          text: `Slack (${failure.kind} to ${failure.channel}): ${failure.error}; the run carries on`,
          ...(failure.runId ? { runId: failure.runId } : {}),
        }),
    });
    const seededReleases = await seedFreshStore(store, seed, clock, options.sandboxFile);

    const announcements = inBackground(sandbox.ports.notifier, emit);
    // Registered after the store: stopping waits for the announcements before the store goes away.
    closers.push(() => announcements.settled());

    const runner = new LocalStepFunctions({
      definitions: workflowDefinitions,
      clock,
      account: sandbox.account,
      region: sandbox.region,
      stepHandler: (call) => runStep(call.runbook, call.payload, { ports: sandbox.ports, store, clock }),
      onEvent: (event) => {
        const text = describeExecutionEvent(event);
        if (text !== undefined) emit({ kind: "workflow", text });
      },
    });
    closers.push(() => runner.close());

    const policies = loaded.policies.map((p) => p.policy);
    const router: RouterDeps = {
      store,
      workflows: runner,
      clock,
      ids: { newRunId: () => createSortableId(clock.now(), randomBytes(SORTABLE_ID_RANDOM_BYTES)) },
      policies: new PolicyIndex(policies),
      ecs: sandbox.ports.ecs,
      notifier: announcements.notifier,
      account: { account: sandbox.account, region: sandbox.region },
    };
    const bus = new LocalEventBus({ account: sandbox.account, region: sandbox.region, router, log: emit });
    closers.push(() => bus.idle());

    const scheduler = new LocalScheduler({
      policies,
      clock,
      account: sandbox.account,
      region: sandbox.region,
      deliver: (input, origin) => bus.deliver(input, origin),
      log: emit,
    });
    scheduler.start();
    closers.push(() => scheduler.stop());

    closers.push(pollSandbox(sandbox, bus, emit));

    // Approvals still pending past their policy's escalateAfter mention the on-call, as on AWS.
    closers.push(
      startEscalationSweep({
        clock,
        sweep: () =>
          escalateApprovals({ store, policies: router.policies, notifier: announcements.notifier, clock }),
        log: emit,
      }),
    );

    const slackSigningSecret = options.slackSigningSecret ?? randomBytes(32).toString("hex");
    const slackSettings = loadSlackSettingsOrDefault(options.slackSettingsFile);
    const server = createApiServer(
      apiRoutes({
        bus,
        router,
        store,
        runner,
        sandbox,
        loaded,
        scheduler,
        slack: { signingSecret: slackSigningSecret, settings: slackSettings, work: announcements },
        emit,
      }),
      (error) =>
        emit({ kind: "error", text: `API: ${error instanceof Error ? error.message : String(error)}` }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    closers.push(
      () =>
        new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        }),
    );
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    emit({
      kind: "runtime",
      text: `listening on ${url}; ${policies.length} policies; sandbox ${sandbox.account}/${sandbox.region}`,
    });

    let stopping: Promise<void> | undefined;
    return {
      url,
      clock,
      store,
      runner,
      sandbox,
      policies: loaded.policies,
      schedules: () => scheduler.list(),
      seededReleases,
      slackSigningSecret,
      postEvents: (entries) => bus.putEvents(entries),
      idle: async () => {
        await bus.idle();
        await announcements.settled();
      },
      stop: () => {
        stopping ??= closeAll().then(() => emit({ kind: "runtime", text: "stopped" }));
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Seeds the release history into a store that has never been used (no audit entry yet): with `dataDir`,
 * a later start keeps the history the first one wrote and everything recorded since.
 */
async function seedFreshStore(
  store: DynamoStore,
  seed: Awaited<ReturnType<typeof loadSandboxFile>>,
  clock: VirtualClock,
  sandboxFile: string,
): Promise<number | undefined> {
  const { items } = await store.listAudit({ limit: 1 });
  if (items.length > 0) return undefined;
  const recorded = await seedReleaseHistory({ seed, start: clock.now(), store, bakeTimeMs: BAKE_TIME_MS });
  await store.appendAudit({
    kind: "action",
    action: "release-history-seeded",
    actor: RUNTIME_ACTOR,
    reason: `${recorded} releases from ${sandboxFile} recorded; those healthy for 15m are known-good`,
  });
  return recorded;
}

/** The Slack settings from `file`, or without one the defaults: only the read-only commands answer. */
function loadSlackSettingsOrDefault(file: string | undefined): SlackSettings {
  if (file !== undefined) return loadSlackSettings(file);
  const defaults = parseSlackSettings("", "(defaults)");
  if (!defaults.ok) throw new Error("the default Slack settings do not parse");
  return defaults.settings;
}

/** Work that goes on after its caller moved on: announcements to Slack, Slack commands answered later. */
interface BackgroundWork {
  /** The notifier whose deliveries run in the background (it never throws). */
  readonly notifier: Notifier;
  /** Runs `work` in the background; a failure is reported to the log, never thrown. */
  run(work: () => Promise<void>): void;
  /** Resolves once nothing is on its way any more. */
  settled(): Promise<void>;
}

/**
 * The router's notifier: what it announces (a run started, a circuit breaker tripped) goes to Slack in
 * the background, so that a decision is never held up by Slack — a workflow started a moment ago runs
 * on meanwhile. The notifier never throws; `settled()` waits for what is still on its way, deferred Slack
 * commands included.
 */
function inBackground(
  notifier: Notifier,
  emit: (entry: Omit<RuntimeLogEntry, "at">) => void,
): BackgroundWork {
  const inFlight = new Set<Promise<void>>();
  const track = (delivery: Promise<void>): Promise<void> => {
    const settled = delivery.catch((error: unknown) =>
      emit({ kind: "error", text: `background: ${error instanceof Error ? error.message : String(error)}` }),
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return Promise.resolve();
  };
  return {
    notifier: {
      notify: (notification) => track(notifier.notify(notification)),
      announce: (notice) => track(notifier.announce(notice)),
    },
    run: (work) => void track(Promise.resolve().then(work)),
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

/** Moves what the sandbox emits (alarm and deployment state changes) onto the bus; returns its stopper. */
function pollSandbox(
  sandbox: SandboxAccount,
  bus: LocalEventBus,
  emit: (entry: Omit<RuntimeLogEntry, "at">) => void,
): () => Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    try {
      for (const event of sandbox.drainEvents()) await bus.deliver(event, "sandbox");
    } catch (error) {
      emit({
        kind: "error",
        text: `sandbox events: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    if (!stopped) timer = setTimeout(tick, SANDBOX_POLL_MS);
  };
  const tick = (): void => {
    current = poll();
  };
  timer = setTimeout(tick, SANDBOX_POLL_MS);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}

interface ApiContext {
  bus: LocalEventBus;
  router: RouterDeps;
  store: DynamoStore;
  runner: LocalStepFunctions;
  sandbox: SandboxAccount;
  loaded: { policies: readonly LoadedPolicy[] };
  scheduler: LocalScheduler;
  slack: {
    signingSecret: string;
    settings: SlackSettings;
    /** Where work that goes on after a reply is tracked (`idle()` and `stop()` wait for it). */
    work: BackgroundWork;
  };
  emit: (entry: Omit<RuntimeLogEntry, "at">) => void;
}

function apiRoutes(context: ApiContext): ApiRoute[] {
  const { bus, router, store, runner, sandbox, loaded, scheduler, slack, emit } = context;
  const announceDecision = (
    approval: { id: string; runId: string; policy: string; target: string },
    decided: { decision: "approved" | "denied"; by: string; reason?: string },
  ) =>
    announceApprovalDecision(
      { store, policies: router.policies, notifier: slack.work.notifier },
      approval,
      decided,
    );
  return [
    {
      method: "GET",
      path: /^\/$/,
      handler: () => ({
        service: "architech embedded runtime",
        endpoints: ENDPOINTS,
      }),
    },
    {
      method: "POST",
      path: /^\/events$/,
      handler: async (request) => {
        const body = await request.json();
        const entries = (body as { Entries?: unknown } | null)?.Entries;
        try {
          return await bus.putEvents(entries);
        } catch (error) {
          if (error instanceof PutEventsValidationError) {
            return answer(400, { __type: "ValidationException", message: error.message });
          }
          throw error;
        }
      },
    },
    {
      method: "GET",
      path: /^\/api\/runs$/,
      handler: async (request) => ({ runs: await listRuns(store, limitOf(request.query)) }),
    },
    {
      method: "GET",
      path: /^\/api\/runs\/([^/]+)$/,
      handler: async (_request, [id = ""]) => {
        const run = await store.getRun(id);
        if (run === undefined) throw new HttpError(404, `no run ${id}`);
        const audit = await store.listAuditByRun({ runId: id, order: "oldest-first", limit: 1000 });
        return { run, audit: audit.items, ...executionOf(runner, run) };
      },
    },
    {
      method: "GET",
      path: /^\/api\/audit$/,
      handler: async (request) => {
        const cursor = request.query.get("cursor");
        const page = await store.listAudit({
          limit: limitOf(request.query),
          ...(cursor ? { cursor } : {}),
        });
        return { items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
      },
    },
    {
      method: "GET",
      path: /^\/api\/policies$/,
      handler: () => {
        const schedules = new Map(scheduler.list().map((s) => [s.policy, s]));
        return {
          policies: loaded.policies.map(({ policy, file, line }) => ({
            file,
            line,
            ...policy,
            ...(schedules.has(policy.name) ? { schedule: schedules.get(policy.name) } : {}),
          })),
        };
      },
    },
    {
      method: "POST",
      path: /^\/api\/switch$/,
      handler: async (request) => {
        const body = (await request.json()) as Record<string, unknown> | null;
        const engaged = body?.engaged;
        const reason = body?.reason;
        const by = body?.by ?? "local-api";
        if (typeof engaged !== "boolean") throw new HttpError(400, `"engaged" must be true or false`);
        if (typeof reason !== "string" || reason.trim() === "") {
          throw new HttpError(
            400,
            `"reason" must say why the kill switch is ${engaged ? "engaged" : "released"}`,
          );
        }
        if (typeof by !== "string" || by.trim() === "")
          throw new HttpError(400, `"by" must name who does it`);
        const killSwitch = await store.setKillSwitch({ engaged, reason, by });
        await store.appendAudit({
          kind: "switch",
          action: engaged ? "kill-switch-engaged" : "kill-switch-released",
          actor: by,
          reason,
        });
        return { killSwitch };
      },
    },
    {
      method: "GET",
      path: /^\/api\/switch$/,
      handler: async () => store.readSwitches(),
    },
    {
      method: "POST",
      path: /^\/sns$/,
      handler: async (request) => {
        const body = await request.json();
        const result = await bus.deliver(body, "SNS");
        if (result === undefined)
          throw new HttpError(503, "the notification could not be routed; see the log");
        return result;
      },
    },
    {
      method: "GET",
      path: /^\/api\/approvals$/,
      handler: async (request) => {
        const page = await store.listPendingApprovals({ limit: limitOf(request.query) });
        return { approvals: page.items.map(withoutToken) };
      },
    },
    {
      method: "POST",
      path: /^\/api\/approvals\/([^/]+)$/,
      handler: async (request, [id = ""]) =>
        decide(store, runner, id, await request.json(), announceDecision),
    },
    {
      method: "GET",
      path: /^\/api\/sandbox$/,
      handler: () => sandbox.snapshot(),
    },
    {
      method: "GET",
      path: /^\/api\/slack\/messages$/,
      handler: (request) => {
        const channel = request.query.get("channel");
        return {
          messages: sandbox.slack.messages.filter((m) => channel === null || m.channel === channel),
          ephemerals: sandbox.slack.ephemerals.filter((m) => channel === null || m.channel === channel),
          // Replies through response URLs belong to no channel: they are listed whatever ?channel= says.
          responses: sandbox.slack.responses,
        };
      },
    },
    ...slackRoutes({
      signingSecret: slack.signingSecret,
      settings: slack.settings,
      slack: sandbox.slack,
      router,
      deliver: (raw, origin) => bus.deliver(raw, origin),
      approvals: approvalResumer(runner),
      onApprovalDecided: (approval, decided) => announceDecision(approval, decided),
      defer: (work) => slack.work.run(work),
      onError: (error) =>
        emit({ kind: "error", text: `Slack: ${error instanceof Error ? error.message : String(error)}` }),
    }),
  ];
}

/** What `GET /` lists, and what `architech dev` prints. */
export const ENDPOINTS: readonly { method: string; path: string; description: string }[] = [
  {
    method: "POST",
    path: "/events",
    description: "EventBridge PutEvents: { Entries: [{ Source, DetailType, Detail }] }",
  },
  { method: "GET", path: "/api/runs", description: "runs, newest first (?limit=)" },
  { method: "GET", path: "/api/runs/:id", description: "a run, its audit entries and its execution history" },
  { method: "GET", path: "/api/audit", description: "the audit log, newest first (?limit=&cursor=)" },
  { method: "GET", path: "/api/policies", description: "the policies loaded, with their schedules" },
  {
    method: "POST",
    path: "/api/switch",
    description: 'the kill switch: { "engaged": true, "reason": "…", "by": "…" }',
  },
  { method: "GET", path: "/api/switch", description: "kill switch, policy pauses and freeze windows" },
  { method: "GET", path: "/api/sandbox", description: "the sandbox account's estate" },
  {
    method: "GET",
    path: "/api/slack/messages",
    description:
      "what the control plane said in Slack: each message with its thread and every update, ephemeral messages, replies through response URLs (?channel=)",
  },
  {
    method: "POST",
    path: "/sns",
    description: "an SNS notification (Lambda event shape), e.g. from AWS Budgets",
  },
  { method: "GET", path: "/api/approvals", description: "pending approvals, earliest deadline first" },
  {
    method: "POST",
    path: "/api/approvals/:id",
    description: '{ "decision": "approved" | "denied", "by": "U…", "reason": "…" }',
  },
  {
    method: "POST",
    path: "/slack/commands",
    description: "a Slack slash command (form body), signed with the Slack signing secret",
  },
  {
    method: "POST",
    path: "/slack/interactions",
    description: "a Slack approve / deny button (form body with payload), signed likewise",
  },
];

/** An approval as the API shows it: the task token stays in the store. */
function withoutToken(approval: Approval): Omit<Approval, "taskToken"> {
  const { taskToken: _token, ...rest } = approval;
  return rest;
}

/**
 * Decides an approval from the local API: the body is checked, then {@link decideApproval} does the rest.
 */
async function decide(
  store: DynamoStore,
  runner: LocalStepFunctions,
  id: string,
  body: unknown,
  announce: (
    approval: Omit<Approval, "taskToken">,
    decided: { decision: "approved" | "denied"; by: string; reason?: string },
  ) => Promise<void>,
) {
  const input = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { decision, by, reason } = input;
  if (decision !== "approved" && decision !== "denied") {
    throw new HttpError(400, `"decision" must be "approved" or "denied"`);
  }
  if (typeof by !== "string" || by.trim() === "") throw new HttpError(400, `"by" must name who decides`);
  if (reason !== undefined && (typeof reason !== "string" || reason.trim() === "")) {
    throw new HttpError(400, `"reason", when given, must be text`);
  }
  if (decision === "denied" && reason === undefined) throw new HttpError(400, `a denial needs a "reason"`);
  const outcome = await decideApproval(store, runner, {
    id,
    decision,
    by,
    via: "the local API",
    ...(reason === undefined ? {} : { reason }),
  });
  if (!outcome.decided) throw new HttpError(outcome.notFound ? 404 : 409, outcome.message);
  await announce(outcome.approval, { decision, by, ...(reason === undefined ? {} : { reason }) });
  return { approval: outcome.approval };
}

/** The local runner as the approvals' resumer: the task token callbacks Step Functions takes. */
function approvalResumer(runner: LocalStepFunctions): ApprovalResumer {
  return {
    resume: (taskToken, output) => runner.sendTaskSuccess(taskToken, output),
    reject: (taskToken, error, cause) => runner.sendTaskFailure(taskToken, error, cause),
  };
}

/** Decides an approval through core's {@link decideCoreApproval}, resuming the local runner's workflow. */
function decideApproval(
  store: DynamoStore,
  runner: LocalStepFunctions,
  request: ApprovalDecisionRequest,
): Promise<ApprovalDecisionOutcome> {
  return decideCoreApproval({ store, approvals: approvalResumer(runner) }, request);
}

function limitOf(query: URLSearchParams): number {
  const text = query.get("limit");
  if (text === null) return 50;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new HttpError(400, `limit must be a whole number from 1 to 1000, got "${text}"`);
  }
  return limit;
}

/** Every run, newest first: the store lists runs by status, so the statuses are merged. */
async function listRuns(store: DynamoStore, limit: number): Promise<Run[]> {
  const pages = await Promise.all(
    RunStatusSchema.options.map((status) => store.listRunsByStatus({ status, limit })),
  );
  return pages
    .flatMap((page) => page.items)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, limit);
}

/** The run's execution as the runner knows it; a run from an earlier start (dataDir) has none any more. */
function executionOf(runner: LocalStepFunctions, run: Run): Record<string, unknown> {
  if (run.executionArn === undefined) return { execution: null, history: [] };
  try {
    return {
      execution: runner.describeExecution(run.executionArn),
      history: runner.getExecutionHistory(run.executionArn),
    };
  } catch {
    return {
      execution: null,
      history: [],
      note: "the execution ran before this start of the runtime; its history is not kept",
    };
  }
}
