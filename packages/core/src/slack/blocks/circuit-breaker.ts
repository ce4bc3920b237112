import type { SlackMessage } from "../../ports/slack.ts";
import { context, header, message, section } from "./elements.ts";
import { code, escapeMrkdwn, slackMention, truncate } from "./mrkdwn.ts";

export interface CircuitBreakerInput {
  policy: string;
  /** What tripped it: the failures, the pause and how to resume. */
  detail: string;
  /** The policy's on-call, mentioned: a paused policy no longer acts until a person resumes it. */
  oncall?: string;
}

/**
 * The circuit breaker tripped: the policy is paused after repeated failures. Posted once, with the
 * on-call mention.
 *
 * @example
 * buildCircuitBreakerTrip({ policy: "rollback-on-errors", detail: "3 failed runs in 1h; paused", oncall: "S0PLATFORMONCALL" });
 */
export function buildCircuitBreakerTrip({ policy, detail, oncall }: CircuitBreakerInput): SlackMessage {
  const who = oncall ? `${slackMention(oncall)} ` : "";
  const blocks = [
    header(`Policy paused: ${policy}`),
    section(
      `${who}:octagonal_sign: the circuit breaker of *${escapeMrkdwn(policy)}* tripped: it starts no runs until resumed.\n` +
        escapeMrkdwn(truncate(detail, 2500)),
    ),
    context([`once the cause is fixed: ${code(`/architech resume ${policy}`)}`]),
  ];
  return message(
    `${who}${escapeMrkdwn(`Policy ${policy} paused by its circuit breaker: ${detail}`)}`,
    blocks,
  );
}
