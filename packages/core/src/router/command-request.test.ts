import { describe, expect, it } from "vitest";
import { type Policy, type PolicyInput, PolicySchema } from "../policy/policy.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import type { ChatCommandSignal } from "../signals/signal.ts";
import { signalOf } from "../signals/test-support.ts";
import { readCommandRequest, saferMode } from "./command-request.ts";

const SCOPE = { account: "123456789012", region: "eu-west-1" };
const ORDERS = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";

function command(text: string, userId = "U024BE7LH"): ChatCommandSignal {
  const body = new URLSearchParams({
    team_id: "T0001",
    channel_id: "C0123456789",
    user_id: userId,
    command: "/architech",
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1/abc",
    trigger_id: "1.2.3",
  }).toString();
  return signalOf(normalizeEvent({ kind: "slack-command", body }), "chat-command");
}

function policy(input: Partial<PolicyInput> & Pick<PolicyInput, "runbook">): Policy {
  const name = input.runbook;
  return PolicySchema.parse({
    name: `${name}-by-hand`,
    description: `/architech ${name}`,
    trigger: { command: { name } },
    target: { from: "event" },
    mode: "approve",
    ...input,
  } as PolicyInput);
}

const rollback = policy({ runbook: "rollback" });
const rightsize = policy({ runbook: "rightsize" });
const cleanup = policy({ runbook: "cleanup", target: { type: "account" }, mode: "dry-run" });
const verify = policy({ runbook: "verify-backup", mode: "auto" });

/** `null`: the control plane was not told its account. */
function accepted(p: Policy, text: string, scope: typeof SCOPE | null = SCOPE) {
  const read = readCommandRequest(p, command(text), scope ?? undefined);
  if (!read.ok) throw new Error(read.detail);
  return read.request;
}

function refused(p: Policy, text: string, scope: typeof SCOPE | null = SCOPE) {
  const read = readCommandRequest(p, command(text), scope ?? undefined);
  if (read.ok) throw new Error(`expected a refusal, got ${JSON.stringify(read.request)}`);
  return read;
}

describe("rollback and rightsize commands", () => {
  it("name an ECS service as cluster/service or with --cluster, and a Lambda alias as function:alias", () => {
    for (const p of [rollback, rightsize]) {
      expect(accepted(p, "x prod/checkout-api").target).toEqual({
        type: "ecs-service",
        cluster: "prod",
        service: "checkout-api",
      });
      expect(accepted(p, "x checkout-api --cluster prod").target).toEqual({
        type: "ecs-service",
        cluster: "prod",
        service: "checkout-api",
      });
      expect(accepted(p, "x payments-webhook:live").target).toEqual({
        type: "lambda-alias",
        functionName: "payments-webhook",
        alias: "live",
      });
    }
  });

  it("refuse a service without its cluster, with the forms a target takes and the usage", () => {
    const read = refused(rollback, "rollback checkout-api");

    expect(read.reason).toBe("invalid-arguments");
    expect(read.detail).toBe(
      '"checkout-api" names no cluster; name the target as <cluster>/<service>, <service> --cluster <cluster>, or <function>:<alias>. ' +
        'Usage: /architech rollback <service> [--to <release>] [--reason "<text>"] [--dry-run] [--cluster <cluster>] ' +
        "(the service is <cluster>/<service>, <service> --cluster <cluster>, or <function>:<alias>)",
    );
  });

  it("refuse a missing target, two clusters, and --cluster on a Lambda alias", () => {
    expect(refused(rightsize, "rightsize").detail).toMatch(
      /^rightsize needs <target>\. Usage: \/architech rightsize <target>/,
    );
    expect(refused(rollback, "rollback prod/api --cluster staging").detail).toMatch(
      /name different clusters/,
    );
    expect(refused(rollback, "rollback fn:live --cluster prod").detail).toMatch(/is a Lambda alias/);
  });

  it("take --to for rollback only, as the release param the runbook's schema checks", () => {
    const request = accepted(rollback, "rollback prod/checkout-api --to checkout-api:41");

    expect(request.params).toMatchObject({ release: "checkout-api:41", to: "last-known-good" });
    expect(request.requested).toEqual({ release: "checkout-api:41" });
    expect(refused(rightsize, "rightsize prod/api --to 41").detail).toMatch(
      /^rightsize does not take --to; rightsize takes --reason, --dry-run, --cluster\./,
    );
  });

  it("refuse a --to the runbook's params schema refuses", () => {
    const read = refused(rollback, `rollback prod/api --to "${"x".repeat(2049)}"`);

    expect(read.detail).toMatch(/^--to: .*2048/);
  });

  it("record who asked and why", () => {
    const read = readCommandRequest(
      rollback,
      command('rollback prod/api --reason "bad deploy"', "U0ALICE01"),
    );

    expect(read).toMatchObject({ ok: true, request: { requestedBy: "U0ALICE01", reason: "bad deploy" } });
  });
});

describe("cleanup command", () => {
  it("acts on the policy's account, and an optional kind narrows the kinds to that one", () => {
    const all = accepted(cleanup, "cleanup");
    const volumes = accepted(cleanup, "cleanup ebs-volume");

    expect(all.target).toEqual({ type: "account" });
    expect(all.params.kinds).toEqual([
      "ecr-image",
      "ebs-volume",
      "ebs-snapshot",
      "elastic-ip",
      "log-group-retention",
      "expired",
    ]);
    expect(volumes.target).toEqual({ type: "account" });
    expect(volumes.params.kinds).toEqual(["ebs-volume"]);
    expect(volumes.requested).toEqual({ kind: "ebs-volume" });
  });

  it("takes the account as its target when the policy takes it from the command", () => {
    expect(accepted(policy({ runbook: "cleanup" }), "cleanup").target).toEqual({ type: "account" });
  });

  it("refuses a kind that is not one, or one the policy does not look for", () => {
    const narrow = policy({
      runbook: "cleanup",
      target: { type: "account" },
      params: { kinds: ["ecr-image"] },
    });

    expect(refused(cleanup, "cleanup volumes").detail).toMatch(
      /^"volumes" is not a kind of stale resource cleanup looks for\. Usage: \/architech cleanup \[<kind>\] .*\(the kind is one of ecr-image, ebs-volume,/,
    );
    expect(refused(narrow, "cleanup ebs-volume").detail).toMatch(
      /^policy cleanup-by-hand does not look for ebs-volume; it looks for ecr-image\./,
    );
  });
});

describe("verify-backup command", () => {
  it("takes a DynamoDB table name in the control plane's account, or a table or volume ARN", () => {
    const volume = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0aaa0000000000001";

    expect(accepted(verify, "verify-backup orders").target).toEqual({
      type: "backup-resource",
      resourceArn: ORDERS,
    });
    expect(accepted(verify, `verify-backup ${ORDERS}`, null).target).toEqual({
      type: "backup-resource",
      resourceArn: ORDERS,
    });
    expect(accepted(verify, `verify-backup ${volume}`).target).toEqual({
      type: "backup-resource",
      resourceArn: volume,
    });
  });

  it("asks for the ARN of a table named alone when the account is not known", () => {
    expect(refused(verify, "verify-backup orders", null).detail).toMatch(
      /^name the table by its ARN \(arn:aws:dynamodb:<region>:<account>:table\/orders\)/,
    );
  });

  it("refuses what verify-backup cannot restore", () => {
    const bucket = "arn:aws:s3:::my-bucket";

    expect(refused(verify, `verify-backup ${bucket}`).detail).toMatch(
      /is not the ARN of a DynamoDB table or an EBS volume, which verify-backup restores/,
    );
    expect(refused(verify, "verify-backup a/b").detail).toMatch(/is not a DynamoDB table name/);
    expect(refused(verify, "verify-backup").detail).toMatch(/^verify-backup needs <resource>/);
  });
});

describe("a policy that names its target", () => {
  const orders = policy({
    runbook: "verify-backup",
    target: { type: "backup-resource", resourceArn: ORDERS },
  });

  it("needs no target in the command, and accepts the same one named (a table by its policy's account)", () => {
    expect(accepted(orders, "verify-backup", null).target).toEqual({
      type: "backup-resource",
      resourceArn: ORDERS,
    });
    expect(accepted(orders, "verify-backup orders", null).target).toEqual({
      type: "backup-resource",
      resourceArn: ORDERS,
    });
  });

  it("refuses another target", () => {
    expect(refused(orders, "verify-backup customers").detail).toMatch(
      /^policy verify-backup-by-hand acts on backup-resource:arn:aws:dynamodb:eu-west-1:123456789012:table\/orders only, not .*customers; leave the target out or name that one\. Usage: \/architech verify-backup \[<resource>\]/,
    );
  });

  it("cannot take its target from an alarm through a command", () => {
    const read = refused(
      policy({ runbook: "rollback", target: { from: "alarm-dimensions" } }),
      "rollback prod/api",
    );

    expect(read).toMatchObject({
      reason: "unresolved-target",
      detail: expect.stringContaining("alarm's dimensions"),
    });
  });
});

describe("--dry-run", () => {
  it("lowers the mode to dry-run, whatever the policy's", () => {
    expect(accepted(rollback, "rollback prod/api --dry-run")).toMatchObject({
      mode: "dry-run",
      modeLowered: true,
    });
    expect(accepted(verify, "verify-backup orders --dry-run")).toMatchObject({
      mode: "dry-run",
      modeLowered: true,
    });
    expect(accepted(cleanup, "cleanup --dry-run")).toMatchObject({ mode: "dry-run", modeLowered: false });
  });

  it("is the only way a command changes the mode: without it the policy's mode holds", () => {
    expect(accepted(rollback, "rollback prod/api")).toMatchObject({ mode: "approve", modeLowered: false });
    expect(accepted(cleanup, "cleanup")).toMatchObject({ mode: "dry-run" });
  });
});

describe("saferMode", () => {
  it("lowers a mode and never raises it", () => {
    expect(saferMode("auto", "approve")).toBe("approve");
    expect(saferMode("auto", "dry-run")).toBe("dry-run");
    expect(saferMode("approve", "dry-run")).toBe("dry-run");
    expect(saferMode("approve", "auto")).toBe("approve");
    expect(saferMode("dry-run", "auto")).toBe("dry-run");
    expect(saferMode("dry-run", "approve")).toBe("dry-run");
    expect(saferMode("auto", undefined)).toBe("auto");
  });
});
