import { GetParameterCommand, type GetParameterCommandOutput, type SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError } from "./config.ts";

/** How a secure parameter is named in the messages of a {@link ConfigError}. */
export interface SecureParameterOptions {
  /** The environment variable that named the parameter (`SLACK_BOT_TOKEN_PARAMETER`). */
  readonly variable: string;
  /** What the parameter holds, as people say it (`Slack bot token`). */
  readonly holds: string;
  /** A check of the value; returns what is wrong with it, or undefined when it is fine. */
  readonly check?: (value: string) => string | undefined;
}

const values = new Map<string, Promise<string>>();

/**
 * Drops every secure parameter read so far: the next read asks SSM again. For tests, and for a process
 * that hosts the handlers outside Lambda and rotates a secret.
 */
export function forgetSecureParameters(): void {
  values.clear();
}

/**
 * The value of an SSM SecureString parameter, decrypted, read once per cold start and kept in memory
 * (secrets never live in environment variables). Concurrent first reads share one request; a read that
 * fails is forgotten, so the next invocation tries again. An empty value, a value that fails `check`, or
 * a parameter that does not exist throws a {@link ConfigError} naming `variable`; other SSM errors
 * (throttling, access denied) are thrown as the SDK threw them.
 *
 * @example
 * const token = await readSecureParameter(ssm, "/architech/prod/slack-bot-token", {
 *   variable: "SLACK_BOT_TOKEN_PARAMETER",
 *   holds: "Slack bot token",
 * });
 */
export function readSecureParameter(
  client: SSMClient,
  name: string,
  options: SecureParameterOptions,
): Promise<string> {
  let value = values.get(name);
  if (value === undefined) {
    value = read(client, name, options);
    values.set(name, value);
    value.catch(() => {
      // Only this read is forgotten: a later one may already have taken its place.
      if (values.get(name) === value) values.delete(name);
    });
  }
  return value;
}

async function read(client: SSMClient, name: string, options: SecureParameterOptions): Promise<string> {
  let answer: GetParameterCommandOutput;
  try {
    answer = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === "ParameterNotFound") {
      throw new ConfigError([`${options.variable}: the parameter ${name} does not exist`], { cause: error });
    }
    throw error;
  }
  const value = answer.Parameter?.Value;
  if (value === undefined || value.trim() === "") {
    throw new ConfigError([`${options.variable}: the parameter ${name} holds no ${options.holds}`]);
  }
  const problem = options.check?.(value);
  if (problem !== undefined) {
    throw new ConfigError([`${options.variable}: the parameter ${name} ${problem}`]);
  }
  return value;
}
