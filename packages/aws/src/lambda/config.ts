import { join } from "node:path";
import { ArchitechError, RUNBOOK_NAMES, type RunbookName } from "@architech/core";
import { z } from "zod";
import { STATE_MACHINE_ARN } from "../sfn/workflow-starter.ts";

/**
 * Thrown at cold start when the Lambda environment is missing a value or holds a wrong one; the message
 * names every variable at fault. Deliveries that meet it fail (and reach the dead-letter queue) instead
 * of being dropped: they can be replayed once the configuration is fixed.
 */
export class ConfigError extends ArchitechError {
  /** One line per problem: `VARIABLE: what is wrong`. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: { cause?: unknown }) {
    super("InvalidConfiguration", `invalid configuration: ${issues.join("; ")}`, options);
    this.issues = issues;
  }
}

/** What the router's handlers need from their environment, validated once per cold start. */
export interface LambdaConfig {
  /** `TABLE_NAME`: the control plane's DynamoDB table. */
  readonly tableName: string;
  /** `STATE_MACHINE_ARNS`: JSON object, runbook name → ARN of the Standard state machine that runs it. */
  readonly stateMachineArns: Readonly<Partial<Record<RunbookName, string>>>;
  /** `POLICIES_DIR`: the policy files. Default: `policies` beside the bundled code (`$LAMBDA_TASK_ROOT`). */
  readonly policiesDir: string;
  /** `POWERTOOLS_SERVICE_NAME`: the service logs, metrics and traces are tagged with. Default `architech`. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`: the CloudWatch namespace of the metrics. Default `Architech`. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_LOG_LEVEL`: `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `CRITICAL` or `SILENT`. Default `INFO`. */
  readonly logLevel: LogLevel;
  /**
   * `SLACK_BOT_TOKEN_PARAMETER`: the SSM SecureString parameter that holds the Slack bot token. Absent:
   * nothing is posted to Slack, notifications go to the function's log.
   */
  readonly slackBotTokenParameter?: string;
  /** `SLACK_DEFAULT_CHANNEL`: where runs of policies without `notify.slack` post. Default `#architech`. */
  readonly slackDefaultChannel: string;
  /**
   * `SLACK_SETTINGS_FILE`: who may use which Slack command, where. Default: `config/slack.yaml` beside
   * the bundled code (`$LAMBDA_TASK_ROOT`).
   */
  readonly slackSettingsFile: string;
  /**
   * `ARCHITECH_ACCOUNT` and `AWS_REGION`: the account and region the control plane acts in (a chat
   * command may name a table by name). Absent when either is unset.
   */
  readonly account?: { account: string; region: string };
}

/** The environment variable naming the SSM SecureString parameter that holds the Slack bot token. */
export const SLACK_BOT_TOKEN_PARAMETER = "SLACK_BOT_TOKEN_PARAMETER";

// An SSM parameter name (`/architech/prod/slack-bot-token`, `slack-bot-token`) or its ARN.
const SSM_PARAMETER =
  /^(?:arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+|[A-Za-z0-9_.\-/]{1,2048})$/;

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An unset variable and an empty one mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

const required = (name: string) =>
  optional(z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : undefined) }));

const StateMachineArnsSchema = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z.partialRecord(
      z.enum(RUNBOOK_NAMES as [RunbookName, ...RunbookName[]]),
      z.string().regex(STATE_MACHINE_ARN, "not a Step Functions state machine ARN"),
      {
        error: (issue) => {
          // A record over an enum reports keys outside it as `unrecognized_keys`, which its types omit.
          const raw = issue as { code: string; keys?: readonly string[] };
          if (raw.code === "unrecognized_keys") {
            const keys = (raw.keys ?? []).map((key) => `"${key}"`).join(", ");
            return `unknown runbook ${keys}; runbooks are ${RUNBOOK_NAMES.join(", ")}`;
          }
          return raw.code === "invalid_type"
            ? "a JSON object of runbook name → state machine ARN"
            : undefined;
        },
      },
    ),
  );

const EnvironmentSchema = z.object({
  TABLE_NAME: required("TABLE_NAME").pipe(z.string().trim()),
  STATE_MACHINE_ARNS: required("STATE_MACHINE_ARNS").pipe(StateMachineArnsSchema),
  POLICIES_DIR: optional(z.string().optional()),
  LAMBDA_TASK_ROOT: optional(z.string().optional()),
  POWERTOOLS_SERVICE_NAME: optional(z.string().trim().default("architech")),
  POWERTOOLS_METRICS_NAMESPACE: optional(z.string().trim().default("Architech")),
  POWERTOOLS_LOG_LEVEL: optional(
    z
      .string()
      .transform((level) => level.trim().toUpperCase())
      .pipe(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(", ")}` }))
      .default("INFO"),
  ),
  SLACK_DEFAULT_CHANNEL: optional(
    z
      .string()
      .trim()
      .regex(/^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/, "a channel such as #ops or C0123456789")
      .default("#architech"),
  ),
  SLACK_SETTINGS_FILE: optional(z.string().optional()),
  ARCHITECH_ACCOUNT: optional(
    z
      .string()
      .regex(/^\d{12}$/, "a 12-digit AWS account id")
      .optional(),
  ),
  AWS_REGION: optional(z.string().optional()),
  SLACK_BOT_TOKEN_PARAMETER: optional(
    z
      .string()
      .trim()
      .regex(SSM_PARAMETER, "not an SSM parameter name (such as /architech/prod/slack-bot-token) or ARN")
      // The token itself never goes in the environment, where every reader of the function's settings sees it.
      .refine(
        (value) => !/^xox[a-z]-/.test(value),
        "holds a Slack token: put it in an SSM SecureString parameter and name that parameter here",
      )
      .optional(),
  ),
});

/**
 * Reads and validates the handlers' configuration from the environment, reporting every problem at once.
 *
 * | variable                       | required | meaning                                                   |
 * |--------------------------------|----------|-----------------------------------------------------------|
 * | `TABLE_NAME`                   | yes      | the DynamoDB table                                        |
 * | `STATE_MACHINE_ARNS`           | yes      | `{"rollback":"arn:aws:states:…:stateMachine:…", …}`       |
 * | `POLICIES_DIR`                 | no       | default `$LAMBDA_TASK_ROOT/policies` (the bundled copy)   |
 * | `POWERTOOLS_SERVICE_NAME`      | no       | default `architech`                                       |
 * | `POWERTOOLS_METRICS_NAMESPACE` | no       | default `Architech`                                       |
 * | `POWERTOOLS_LOG_LEVEL`         | no       | default `INFO`                                            |
 * | `SLACK_BOT_TOKEN_PARAMETER`    | no       | SSM SecureString holding the Slack bot token; unset: none |
 * | `SLACK_DEFAULT_CHANNEL`        | no       | default `#architech`                                      |
 * | `SLACK_SETTINGS_FILE`          | no       | default `$LAMBDA_TASK_ROOT/config/slack.yaml`             |
 * | `ARCHITECH_ACCOUNT`            | no       | the account id (with Lambda's `AWS_REGION`)               |
 *
 * Powertools reads its other switches (`POWERTOOLS_METRICS_DISABLED`, `POWERTOOLS_TRACE_ENABLED`,
 * `POWERTOOLS_DEV`, `AWS_LAMBDA_LOG_LEVEL`) itself.
 *
 * @example
 * const config = readLambdaConfig(); // throws ConfigError: invalid configuration: TABLE_NAME is required
 */
export function readLambdaConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): LambdaConfig {
  const values = parseEnvironment(EnvironmentSchema, env);
  return {
    tableName: values.TABLE_NAME,
    stateMachineArns: values.STATE_MACHINE_ARNS,
    policiesDir: values.POLICIES_DIR ?? join(values.LAMBDA_TASK_ROOT ?? cwd, "policies"),
    serviceName: values.POWERTOOLS_SERVICE_NAME,
    metricsNamespace: values.POWERTOOLS_METRICS_NAMESPACE,
    logLevel: values.POWERTOOLS_LOG_LEVEL,
    ...slackOf(values),
    slackDefaultChannel: values.SLACK_DEFAULT_CHANNEL,
    slackSettingsFile:
      values.SLACK_SETTINGS_FILE ?? join(values.LAMBDA_TASK_ROOT ?? cwd, "config", "slack.yaml"),
    ...(values.ARCHITECH_ACCOUNT !== undefined && values.AWS_REGION !== undefined
      ? { account: { account: values.ARCHITECH_ACCOUNT, region: values.AWS_REGION } }
      : {}),
  };
}

/** What the step functions need from their environment: the table, the Powertools settings, Slack. */
export interface StepsConfig {
  readonly tableName: string;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /** As {@link LambdaConfig.slackBotTokenParameter}. */
  readonly slackBotTokenParameter?: string;
  /** As {@link LambdaConfig.slackDefaultChannel}. */
  readonly slackDefaultChannel: string;
}

const StepsEnvironmentSchema = EnvironmentSchema.pick({
  TABLE_NAME: true,
  POWERTOOLS_SERVICE_NAME: true,
  POWERTOOLS_LOG_LEVEL: true,
  SLACK_BOT_TOKEN_PARAMETER: true,
  SLACK_DEFAULT_CHANNEL: true,
});

/**
 * Reads and validates the step functions' configuration: `TABLE_NAME` (required),
 * `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL` and `SLACK_BOT_TOKEN_PARAMETER` as for the router's
 * handlers.
 *
 * @example
 * const config = readStepsConfig(); // throws ConfigError: invalid configuration: TABLE_NAME is required
 */
export function readStepsConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StepsConfig {
  const values = parseEnvironment(StepsEnvironmentSchema, env);
  return {
    tableName: values.TABLE_NAME,
    serviceName: values.POWERTOOLS_SERVICE_NAME,
    logLevel: values.POWERTOOLS_LOG_LEVEL,
    ...slackOf(values),
    slackDefaultChannel: values.SLACK_DEFAULT_CHANNEL,
  };
}

/** The Slack part of a configuration: present only when the bot token's parameter is named. */
function slackOf(values: { SLACK_BOT_TOKEN_PARAMETER?: string | undefined }): {
  slackBotTokenParameter?: string;
} {
  const name = values.SLACK_BOT_TOKEN_PARAMETER;
  return name === undefined ? {} : { slackBotTokenParameter: name };
}

/** Parses the variables a schema names, reporting every problem at once as a ConfigError. */
function parseEnvironment<T extends z.ZodObject>(
  schema: T,
  env: Readonly<Record<string, string | undefined>>,
): z.output<T> {
  const input = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const [variable, ...rest] = issue.path.map(String);
        const where = rest.length > 0 ? `${variable} (${rest.join(".")})` : variable;
        return issue.message.startsWith(`${variable} `) ? issue.message : `${where}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}
