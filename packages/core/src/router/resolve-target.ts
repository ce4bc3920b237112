import type { TargetSpec } from "../policy/policy.ts";
import type { Signal } from "../signals/signal.ts";
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
 *   resource, or a chat command's argument (`cluster/service` or `function:alias`).
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
      return fromCommandArguments(signal.args.slice(1));
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

/** `<cluster>/<service>`, `<service> --cluster <cluster>`, or `<function>:<alias>`. */
function fromCommandArguments(args: readonly string[]): TargetResolution {
  const usage = "name the target: <cluster>/<service>, <service> --cluster <cluster>, or <function>:<alias>";
  let cluster: string | undefined;
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg.startsWith("--")) {
      // Every option takes a value (--cluster prod, --to v41, --reason …): skip it with its value.
      if (arg === "--cluster") cluster = args[index + 1];
      index++;
    } else {
      positional.push(arg);
    }
  }
  const argument = positional[0];
  if (argument === undefined) return { ok: false, reason: usage };
  const name = /^[A-Za-z0-9_-]{1,255}$/;
  if (cluster !== undefined) {
    return name.test(argument) && name.test(cluster)
      ? { ok: true, target: { type: "ecs-service", cluster, service: argument } }
      : {
          ok: false,
          reason: `"${argument} --cluster ${cluster}" is not a service and cluster name; ${usage}`,
        };
  }
  const service = /^([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(argument);
  if (service)
    return {
      ok: true,
      target: { type: "ecs-service", cluster: service[1] ?? "", service: service[2] ?? "" },
    };
  const alias = /^([A-Za-z0-9_-]{1,140}):([A-Za-z0-9_-]{1,128})$/.exec(argument);
  if (alias)
    return {
      ok: true,
      target: { type: "lambda-alias", functionName: alias[1] ?? "", alias: alias[2] ?? "" },
    };
  return { ok: false, reason: `"${argument}" names no cluster; ${usage}` };
}
