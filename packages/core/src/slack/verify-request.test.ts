import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signSlackRequest, verifySlackRequest } from "./verify-request.ts";

// The worked example of Slack's "Verifying requests from Slack" documentation.
const doc = {
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
  now: 1531420618,
};

function sign(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

describe("verifySlackRequest", () => {
  it("accepts Slack's documented example", () => {
    expect(verifySlackRequest(doc)).toBe(true);
  });

  it("signs as Slack does: the documented example's signature", () => {
    expect(signSlackRequest(doc)).toBe(doc.signature);
  });

  it("accepts the raw body given as bytes", () => {
    expect(verifySlackRequest({ ...doc, body: new TextEncoder().encode(doc.body) })).toBe(true);
  });

  it("rejects a tampered body, a wrong secret and a wrong timestamp", () => {
    expect(verifySlackRequest({ ...doc, body: `${doc.body}------` })).toBe(false);
    expect(verifySlackRequest({ ...doc, signingSecret: `${doc.signingSecret}x` })).toBe(false);
    expect(verifySlackRequest({ ...doc, timestamp: "1531420619", now: 1531420619 })).toBe(false);
  });

  it("accepts timestamps up to 300 s away in either direction and rejects 301 s", () => {
    const ts = Number(doc.timestamp);
    expect(verifySlackRequest({ ...doc, now: ts + 300 })).toBe(true);
    expect(verifySlackRequest({ ...doc, now: ts - 300 })).toBe(true);
    expect(verifySlackRequest({ ...doc, now: ts + 301 })).toBe(false);
    expect(verifySlackRequest({ ...doc, now: ts - 301 })).toBe(false);
  });

  it("uses the system clock when now is not given", () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const fresh = {
      signingSecret: "s3cret",
      timestamp,
      body: "a=b",
      signature: sign("s3cret", timestamp, "a=b"),
    };
    expect(verifySlackRequest(fresh)).toBe(true);
    // The documented example is from 2018: on the real clock it is stale.
    expect(verifySlackRequest({ ...doc, now: undefined })).toBe(false);
  });

  it("rejects malformed headers and an empty secret without throwing", () => {
    const cases = [
      { ...doc, signature: doc.signature.replace("v0=", "v1=") },
      { ...doc, signature: doc.signature.toUpperCase() },
      { ...doc, signature: doc.signature.slice(0, -1) },
      { ...doc, signature: "" },
      { ...doc, timestamp: "" },
      { ...doc, timestamp: "1531420618.5" },
      { ...doc, timestamp: " 1531420618" },
      { ...doc, signingSecret: "" },
      { ...doc, now: Number.NaN },
    ];
    for (const request of cases) expect(verifySlackRequest(request)).toBe(false);
  });

  it("never throws and only accepts what was signed (property)", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: -400, max: 400 }),
        (body, secret, other, skew) => {
          const timestamp = "1700000000";
          const signature = sign(secret, timestamp, body);
          const now = 1700000000 + skew;
          expect(verifySlackRequest({ signingSecret: secret, timestamp, body, signature, now })).toBe(
            Math.abs(skew) <= 300,
          );
          if (other !== body) {
            expect(
              verifySlackRequest({
                signingSecret: secret,
                timestamp,
                body: other,
                signature,
                now: 1700000000,
              }),
            ).toBe(false);
          }
        },
      ),
    );
  });
});
