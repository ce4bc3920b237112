// Slack's 3-second limit, measured: signed slash commands posted over HTTP to the embedded runtime (the
// same core handlers as the Lambdas), answered with what they did. `status` reads the switches and the
// runs in flight; a runbook command (`rollback`) is acknowledged at once and routed after the answer, its
// result reaching the person through the response URL: both latencies are reported.
import { startEmbeddedRuntime } from "@architech/local";
import { SlackPerson } from "../packages/cli/src/commands/demo-slack.ts";

const STATUS_REQUESTS = 200;
const ROLLBACK_REQUESTS = 50;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? 0,
  };
};

export async function run(): Promise<Record<string, unknown>> {
  const runtime = await startEmbeddedRuntime({
    policiesDir: "policies",
    sandboxFile: "sandbox/default.yaml",
    slackSettingsFile: "config/slack.yaml",
    timeScale: 0,
  });
  try {
    const person = (userId: string) =>
      new SlackPerson({
        url: runtime.url,
        signingSecret: runtime.slackSigningSecret,
        userId,
        channelId: "C0DEPLOYMENTS",
      });
    const oncall = person("U024BE7LH");
    const status: number[] = [];
    for (let i = 0; i < STATUS_REQUESTS; i++) {
      const started = performance.now();
      const reply = await oncall.command("status");
      status.push(performance.now() - started);
      if (reply.status !== 200) throw new Error(`status answered ${reply.status}: ${reply.text}`);
    }

    const deployer = person("U0DEPLOYER1");
    const acks: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < ROLLBACK_REQUESTS; i++) {
      const before = runtime.sandbox.slack.responses.length;
      const started = performance.now();
      const reply = await deployer.command(`rollback prod/catalog-api --dry-run --reason "bench ${i}"`);
      acks.push(performance.now() - started);
      if (reply.status !== 200) throw new Error(`rollback answered ${reply.status}: ${reply.text}`);
      while (runtime.sandbox.slack.responses.length === before) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      answered.push(performance.now() - started);
    }
    await runtime.idle();
    return {
      statusReply: { requests: STATUS_REQUESTS, ...summary(status) },
      rollbackAck: { requests: ROLLBACK_REQUESTS, ...summary(acks) },
      rollbackAnsweredThroughResponseUrl: { requests: ROLLBACK_REQUESTS, ...summary(answered) },
    };
  } finally {
    await runtime.stop();
  }
}
