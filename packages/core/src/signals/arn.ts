/** The parts of an Amazon Resource Name: `arn:partition:service:region:account:resource`. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. `service/prod/checkout-api` or `alarm:HighErrorRate`. */
  resource: string;
}

/**
 * Splits an ARN into its parts, or returns `undefined` when the text is not an ARN. The resource part
 * keeps its own colons and slashes (alarm names, for instance, follow `alarm:`).
 *
 * @example
 * parseArn("arn:aws:ecs:us-west-2:111122223333:service/default/servicetest")?.resource; // "service/default/servicetest"
 */
export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  const resource = parts.slice(5).join(":");
  if (partition === "" || service === "" || resource === "") return undefined;
  return { partition, service, region, account, resource };
}

/** An ARN's region when it names one (ARNs of global resources and placeholders give `null`). */
export function arnRegion(text: string | undefined): string | null {
  if (text === undefined) return null;
  const region = parseArn(text)?.region;
  return region ? region : null;
}

/** An ARN's account when it names one. */
export function arnAccount(text: string | undefined): string | null {
  if (text === undefined) return null;
  const account = parseArn(text)?.account;
  return account ? account : null;
}

/**
 * Cluster and service of an ECS service ARN. The long format (`service/<cluster>/<service>`) names the
 * cluster; the legacy short format (`service/<service>`) does not, so `cluster` is then null.
 */
export function parseEcsServiceArn(text: string): { cluster: string | null; service: string } | undefined {
  const arn = parseArn(text);
  if (arn?.service !== "ecs" || !arn.resource.startsWith("service/")) return undefined;
  const path = arn.resource.slice("service/".length).split("/");
  if (path.length === 2 && path[0] && path[1]) return { cluster: path[0], service: path[1] };
  if (path.length === 1 && path[0]) return { cluster: null, service: path[0] };
  return undefined;
}

/** The name after a typed resource prefix, e.g. `backup-vault:` or `alarm:`. */
export function arnResourceName(text: string | undefined, prefix: string): string | null {
  if (text === undefined) return null;
  const arn = parseArn(text);
  if (arn === undefined || !arn.resource.startsWith(prefix)) return null;
  const name = arn.resource.slice(prefix.length);
  return name === "" ? null : name;
}
