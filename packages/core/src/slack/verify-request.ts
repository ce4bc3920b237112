import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack rejects requests whose timestamp is further than this from now, in either direction. */
export const SLACK_SIGNATURE_MAX_AGE_SECONDS = 300;

const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,15}$/;

export interface SlackRequestToVerify {
  /** The app's signing secret (Slack app settings → Basic Information). */
  signingSecret: string;
  /** The `X-Slack-Request-Timestamp` header, as sent (epoch seconds as a decimal string). */
  timestamp: string;
  /** The raw request body, exactly as received, before any parsing. */
  body: string | Uint8Array;
  /** The `X-Slack-Signature` header, `v0=<hex HMAC-SHA256>`. */
  signature: string;
  /** The current time in epoch seconds; defaults to the system clock. */
  now?: number;
}

/**
 * Verifies a Slack request signature (the v0 scheme): HMAC-SHA256 keyed with the signing secret over
 * `v0:<timestamp>:<raw body>`, compared in constant time, and a timestamp no more than five minutes away
 * from `now` in either direction (Slack's replay protection). Malformed headers, an empty secret or a
 * body that was re-encoded after receipt all give `false`; the function never throws on request data.
 *
 * @example
 * const ok = verifySlackRequest({
 *   signingSecret: config.slackSigningSecret,
 *   timestamp: headers["x-slack-request-timestamp"],
 *   signature: headers["x-slack-signature"],
 *   body: rawBody,
 * });
 * if (!ok) return { statusCode: 401 };
 */
export function verifySlackRequest(request: SlackRequestToVerify): boolean {
  const { signingSecret, timestamp, body, signature } = request;
  const now = request.now ?? Date.now() / 1000;
  if (typeof signingSecret !== "string" || signingSecret.length === 0) return false;
  if (typeof timestamp !== "string" || !TIMESTAMP_PATTERN.test(timestamp)) return false;
  if (typeof signature !== "string" || !SIGNATURE_PATTERN.test(signature)) return false;
  if (typeof body !== "string" && !(body instanceof Uint8Array)) return false;
  if (!Number.isFinite(now)) return false;

  if (Math.abs(now - Number(timestamp)) > SLACK_SIGNATURE_MAX_AGE_SECONDS) return false;

  const expected = Buffer.from(signSlackRequest({ signingSecret, timestamp, body }), "utf8");
  const received = Buffer.from(signature, "utf8");
  // Both are "v0=" + 64 hex characters here, so the lengths match and the comparison is constant-time.
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * The v0 signature Slack sends in `X-Slack-Signature` for a request: `v0=` and the hex HMAC-SHA256, keyed
 * with the signing secret, of `v0:<timestamp>:<raw body>`. What Slack computes; tools and tests that play
 * Slack sign with it.
 *
 * @example
 * signSlackRequest({ signingSecret, timestamp: "1531420618", body }); // "v0=a2114d57…"
 */
export function signSlackRequest(request: {
  signingSecret: string;
  timestamp: string;
  body: string | Uint8Array;
}): string {
  const hmac = createHmac("sha256", request.signingSecret);
  hmac.update(`v0:${request.timestamp}:`);
  hmac.update(request.body);
  return `v0=${hmac.digest("hex")}`;
}
