import {
  announceApprovalDecision,
  type DeferredReply,
  type DeferredSlackCommand,
  DeferredSlackCommandSchema,
  handleSlackCommand,
  handleSlackInteraction,
  loadSlackSettings,
  runDeferredSlackCommand,
  type SlackHooks,
  type SlackSettings,
} from "@architech/core";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { toPortError } from "../errors.ts";
import { SfnApprovalResumer } from "../sfn/approval-resumer.ts";
import { builtOncePer } from "./built-once.ts";
import { ConfigError } from "./config.ts";
import { type LambdaRuntime, lambdaRuntime } from "./runtime.ts";
import {
  type SlackFunctionUrlHandler,
  type SlackHandlerOptions,
  slackFunctionUrlHandler,
} from "./slack-handler.ts";

/** The key a deferred slash command travels under when the command function invokes itself. */
export const DEFERRED_SLACK_COMMAND_KEY = "architechDeferredSlackCommand";

/** The event of the command function's asynchronous self-invocation. */
export interface DeferredSlackCommandEvent {
  [DEFERRED_SLACK_COMMAND_KEY]: DeferredSlackCommand;
}

/** The command function: Function URL requests, and its own deferred commands. */
export interface SlackCommandHandler {
  (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
  (event: DeferredSlackCommandEvent, context: Context): Promise<{ ok: boolean; reply?: DeferredReply }>;
}

/** Options of the Slack endpoints' handlers; tests inject clients here. */
export interface SlackEndpointOptions extends SlackHandlerOptions {
  /** Default: a client for the function's region, traced. */
  readonly sfn?: SFNClient;
  /** The client the command function invokes itself with. Default: one for the function's region, traced. */
  readonly lambda?: LambdaClient;
}

const settingsByFile = new Map<string, SlackSettings>();

/** The Slack settings, read once per cold start; a file that does not load fails every request loudly. */
function settingsOf(runtime: LambdaRuntime): SlackSettings {
  const file = runtime.config.slackSettingsFile;
  let settings = settingsByFile.get(file);
  if (settings === undefined) {
    try {
      settings = loadSlackSettings(file);
    } catch (cause) {
      throw new ConfigError([`SLACK_SETTINGS_FILE: ${cause instanceof Error ? cause.message : cause}`], {
        cause,
      });
    }
    settingsByFile.set(file, settings);
  }
  return settings;
}

/** The hooks both endpoints share: settings, Slack, errors to the log, decisions to the approval message. */
function hooksOf(runtime: LambdaRuntime): SlackHooks {
  const { routerDeps, logger } = runtime;
  return {
    settings: settingsOf(runtime),
    ...(runtime.slack ? { slack: runtime.slack } : {}),
    onError: (error) => logger.error("Slack request failed", { error: error as Error }),
    onApprovalDecided: async (approval, decided) => {
      if (routerDeps.notifier === undefined) return;
      await announceApprovalDecision(
        { store: routerDeps.store, policies: routerDeps.policies, notifier: routerDeps.notifier },
        approval,
        decided,
      );
    },
  };
}

/** The approval resumer of a handler: one Step Functions client per execution environment, not per request. */
function approvalsFor(options: SlackEndpointOptions): (runtime: LambdaRuntime) => SfnApprovalResumer {
  return builtOncePer(
    (runtime: LambdaRuntime) =>
      new SfnApprovalResumer({
        client: options.sfn ?? runtime.tracer.captureAWSv3Client(new SFNClient({})),
      }),
  );
}

/**
 * The slash-command function: a Function URL request is verified and answered within Slack's 3 seconds;
 * a runbook command is acknowledged at once and handed to this same function again, invoked
 * asynchronously (`InvocationType: Event`) with the verified command, which routes it and answers through
 * the command's response URL. Only principals allowed to invoke the function can send that second kind of
 * event; it carries no signature because it never came from the internet.
 *
 * @example
 * export const handler = slackCommandHandler();
 */
export function slackCommandHandler(options: SlackEndpointOptions = {}): SlackCommandHandler {
  const runtimeOf = options.runtime ?? lambdaRuntime;
  const approvalsOf = approvalsFor(options);
  let lambda = options.lambda;
  const lambdaOf = (runtime: LambdaRuntime) => {
    lambda ??= runtime.tracer.captureAWSv3Client(new LambdaClient({}));
    return lambda;
  };
  const viaUrl: SlackFunctionUrlHandler = slackFunctionUrlHandler((request, runtime, context) => {
    const deps = {
      ...runtime.routerDeps,
      ...hooksOf(runtime),
      approvals: approvalsOf(runtime),
    };
    return handleSlackCommand(request, {
      ...deps,
      ...(runtime.slack
        ? {
            defer: async (job: DeferredSlackCommand) => {
              try {
                await lambdaOf(runtime).send(
                  new InvokeCommand({
                    FunctionName: context.invokedFunctionArn,
                    InvocationType: "Event",
                    Payload: Buffer.from(JSON.stringify({ [DEFERRED_SLACK_COMMAND_KEY]: job })),
                  }),
                );
              } catch (error) {
                throw toPortError(error, `function ${context.functionName}`, { action: "Invoke" });
              }
            },
          }
        : {}),
    });
  }, options);
  const handler = async (event: unknown, context: Context) => {
    const deferred = deferredJobOf(event);
    if (deferred === undefined) return viaUrl(event as APIGatewayProxyEventV2, context);
    const runtime = runtimeOf();
    runtime.logger.addContext(context);
    const slack = runtime.slack;
    if (slack === undefined) {
      runtime.logger.error("a deferred Slack command arrived, but no Slack bot token is configured");
      return { ok: false };
    }
    const reply = await runDeferredSlackCommand(deferred, {
      ...runtime.routerDeps,
      ...hooksOf(runtime),
      approvals: approvalsOf(runtime),
      slack,
    });
    return { ok: true, reply };
  };
  return handler as SlackCommandHandler;
}

/** The deferred command an asynchronous self-invocation carries, or undefined for any other event. */
function deferredJobOf(event: unknown): DeferredSlackCommand | undefined {
  if (typeof event !== "object" || event === null || !(DEFERRED_SLACK_COMMAND_KEY in event)) return undefined;
  const job = (event as Record<string, unknown>)[DEFERRED_SLACK_COMMAND_KEY];
  const parsed = DeferredSlackCommandSchema.safeParse(job);
  if (!parsed.success) throw new ConfigError([`not a deferred Slack command: ${parsed.error.message}`]);
  return parsed.data;
}

/**
 * The interactions function: the Approve / Deny buttons of approval messages, with the access rules and
 * four eyes, resuming or failing the waiting Step Functions task (SendTaskSuccess / SendTaskFailure).
 *
 * @example
 * export const handler = slackInteractionHandler();
 */
export function slackInteractionHandler(options: SlackEndpointOptions = {}): SlackFunctionUrlHandler {
  const approvalsOf = approvalsFor(options);
  return slackFunctionUrlHandler(
    (request, runtime) =>
      handleSlackInteraction(request, {
        ...hooksOf(runtime),
        store: runtime.routerDeps.store,
        approvals: approvalsOf(runtime),
        policies: runtime.routerDeps.policies,
        clock: runtime.routerDeps.clock,
      }),
    options,
  );
}
