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
}

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
  };
}

/** What the step functions need from their environment: the table and the Powertools settings. */
export interface StepsConfig {
  readonly tableName: string;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
}

const StepsEnvironmentSchema = EnvironmentSchema.pick({
  TABLE_NAME: true,
  POWERTOOLS_SERVICE_NAME: true,
  POWERTOOLS_LOG_LEVEL: true,
});

/**
 * Reads and validates the step functions' configuration: `TABLE_NAME` (required),
 * `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL` as for the router's handlers.
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
  };
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
