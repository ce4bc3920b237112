import type { TargetSpec } from "../policy/policy.ts";
import { parseArn } from "../signals/arn.ts";
import { tokenizeCommandText } from "../signals/command-args.ts";
import type { ChatCommandSignal, Signal } from "../signals/signal.ts";
import type { Target } from "../target/target.ts";

export type TargetResolution = { ok: true; target: Target } | { ok: false; reason: string };

/**
 * Works out what a run acts on, from the policy's target spec and the signal.
 *
 * - explicit targets are used as they are;
 * - `alarm-dimensions`: ECS `ClusterName` + `ServiceName`, or Lambda `FunctionName` + `Resource`
 *   (`function:alias`, the dimension Lambda publishes per alias);
 * - `ecr-repository`: the pushed repository, through the policy's repository → service map;
 * - `event`: what the event itself names — an alarm's dimensions, a deployment's service, a backup job's
 *   resource, or a chat command's argument (`cluster/service` or `function:alias`). The router reads a
 *   chat command against the policy's runbook instead (`readCommandRequest`), which knows each runbook's
 *   targets; this reading serves callers that have no policy at hand.
 */
export function resolveTarget(spec: TargetSpec, signal: Signal): TargetResolution {
  if ("type" in spec) return { ok: true, target: spec };
  switch (spec.from) {
    case "alarm-dimensions":
      return signal.type === "alarm"
        ? fromDimensions(signal.dimensions, signal.alarmName)
        : { ok: false, reason: `target comes from alarm dimensions, but the signal is a ${signal.type}` };
    case "ecr-repository": {
      if (signal.type !== "image-push" && signal.type !== "image-delete") {
        return {
          ok: false,
          reason: `target comes from an ECR repository, but the signal is a ${signal.type}`,
        };
      }
      const service = spec.services[signal.repositoryName];
      return service
        ? { ok: true, target: { type: "ecs-service", ...service } }
        : {
            ok: false,
            reason: `repository ${signal.repositoryName} is not mapped to a service in the policy`,
          };
    }
    case "event":
      return fromEvent(signal);
  }
}

function fromEvent(signal: Signal): TargetResolution {
  switch (signal.type) {
    case "alarm":
      return fromDimensions(signal.dimensions, signal.alarmName);
    case "deployment":
      return signal.clusterName === null
        ? { ok: false, reason: `service ARN ${signal.serviceArn} does not name its cluster` }
        : {
            ok: true,
            target: { type: "ecs-service", cluster: signal.clusterName, service: signal.serviceName },
          };
    case "backup-job":
    case "restore-job": {
      const arn = signal.type === "backup-job" ? signal.resourceArn : signal.sourceResourceArn;
      return arn === null
        ? { ok: false, reason: `the ${signal.type} event names no resource` }
        : { ok: true, target: { type: "backup-resource", resourceArn: arn } };
    }
    case "chat-command":
      return fromCommandArguments(signal);
    default:
      return {
        ok: false,
        reason: `a ${signal.type} signal names no target; give the policy an explicit target`,
      };
  }
}

function fromDimensions(dimensions: Record<string, string>, alarmName: string): TargetResolution {
  const {
    ClusterName: cluster,
    ServiceName: service,
    FunctionName: functionName,
    Resource: resource,
  } = dimensions;
  if (cluster && service) return { ok: true, target: { type: "ecs-service", cluster, service } };
  if (functionName && resource?.startsWith(`${functionName}:`)) {
    const alias = resource.slice(functionName.length + 1);
    return { ok: true, target: { type: "lambda-alias", functionName, alias } };
  }
  if (functionName) {
    return {
      ok: false,
      reason: `alarm ${alarmName} watches function ${functionName} as a whole; alarm on an alias (Resource dimension) to roll it back`,
    };
  }
  return {
    ok: false,
    reason: `alarm ${alarmName} has no ClusterName/ServiceName or FunctionName/Resource dimensions to name a target`,
  };
}

/** The forms an ECS service or a Lambda alias takes in a chat command. */
export const SERVICE_TARGET_FORMS =
  "<cluster>/<service>, <service> --cluster <cluster>, or <function>:<alias>";

/** The account and region a bare resource name (a DynamoDB table) is taken to be in. */
export interface AccountScope {
  account: string;
  region: string;
}

const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECS_SERVICE = /^([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/;
const LAMBDA_ALIAS = /^([A-Za-z0-9_-]{1,140}):([A-Za-z0-9_-]{1,128})$/;
const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * An ECS service or a Lambda alias as a person names it in a chat command: `<cluster>/<service>`,
 * `<service>` with `--cluster <cluster>`, or `<function>:<alias>`.
 *
 * @example
 * serviceTargetOf("checkout-api", "prod"); // { ok: true, target: { type: "ecs-service", cluster: "prod", service: "checkout-api" } }
 * serviceTargetOf("payments-webhook:live"); // { ok: true, target: { type: "lambda-alias", functionName: "payments-webhook", alias: "live" } }
 */
export function serviceTargetOf(argument: string, cluster?: string): TargetResolution {
  const usage = `name the target as ${SERVICE_TARGET_FORMS}`;
  const service = ECS_SERVICE.exec(argument);
  if (service) {
    const [, named = "", name = ""] = service;
    if (cluster !== undefined && cluster !== named) {
      return { ok: false, reason: `"${argument}" and --cluster ${cluster} name different clusters` };
    }
    return { ok: true, target: { type: "ecs-service", cluster: named, service: name } };
  }
  const alias = LAMBDA_ALIAS.exec(argument);
  if (alias) {
    if (cluster !== undefined) {
      return { ok: false, reason: `"${argument}" is a Lambda alias; --cluster is for an ECS service` };
    }
    return {
      ok: true,
      target: { type: "lambda-alias", functionName: alias[1] ?? "", alias: alias[2] ?? "" },
    };
  }
  if (cluster !== undefined) {
    return ECS_NAME.test(argument) && ECS_NAME.test(cluster)
      ? { ok: true, target: { type: "ecs-service", cluster, service: argument } }
      : {
          ok: false,
          reason: `"${argument} --cluster ${cluster}" is not a service and cluster name; ${usage}`,
        };
  }
  return ECS_NAME.test(argument)
    ? { ok: false, reason: `"${argument}" names no cluster; ${usage}` }
    : { ok: false, reason: `"${argument}" is not a service or a Lambda alias; ${usage}` };
}

/**
 * A resource whose backups `verify-backup` restores, as a person names it: a DynamoDB table or EBS volume
 * ARN, or a DynamoDB table by name alone (a table in `scope`, the account and region the control plane
 * acts in).
 *
 * @example
 * backupResourceTargetOf("orders", { account: "123456789012", region: "eu-west-1" });
 * // { ok: true, target: { type: "backup-resource", resourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders" } }
 */
export function backupResourceTargetOf(argument: string, scope?: AccountScope): TargetResolution {
  const forms = "a DynamoDB table name, or the ARN of a DynamoDB table or EBS volume";
  if (argument.startsWith("arn:")) {
    const arn = parseArn(argument);
    const table = arn?.service === "dynamodb" && /^table\/[A-Za-z0-9_.-]{3,255}$/.test(arn.resource);
    const volume = arn?.service === "ec2" && /^volume\/vol-[0-9a-f]{8,17}$/.test(arn.resource);
    if (arn && arn.region !== "" && /^\d{12}$/.test(arn.account) && (table || volume)) {
      return { ok: true, target: { type: "backup-resource", resourceArn: argument } };
    }
    return {
      ok: false,
      reason: `"${argument}" is not the ARN of a DynamoDB table or an EBS volume, which verify-backup restores; name ${forms}`,
    };
  }
  if (!DYNAMODB_TABLE_NAME.test(argument)) {
    return { ok: false, reason: `"${argument}" is not a DynamoDB table name; name ${forms}` };
  }
  if (scope === undefined) {
    return {
      ok: false,
      reason: `name the table by its ARN (arn:aws:dynamodb:<region>:<account>:table/${argument}): the account and region of "${argument}" are not known here`,
    };
  }
  return {
    ok: true,
    target: {
      type: "backup-resource",
      resourceArn: `arn:aws:dynamodb:${scope.region}:${scope.account}:table/${argument}`,
    },
  };
}

/** The target words of a chat command: its first argument, and `--cluster`. */
function fromCommandArguments(signal: ChatCommandSignal): TargetResolution {
  const usage = `name the target: ${SERVICE_TARGET_FORMS}`;
  const words = tokenizeCommandText(signal.text);
  const args = words.ok ? words.tokens.slice(1) : signal.args.slice(1);
  let cluster: string | undefined;
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg.startsWith("--")) {
      // Options that take a value (--cluster prod, --to v41, --reason …) are skipped with it.
      if (arg === "--cluster") cluster = args[index + 1];
      if (arg !== "--dry-run") index++;
    } else {
      positional.push(arg);
    }
  }
  const argument = positional[0];
  return argument === undefined ? { ok: false, reason: usage } : serviceTargetOf(argument, cluster);
}
