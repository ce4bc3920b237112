import { verifySlackRequest } from "@architech/core";
import { describe, expect, it } from "vitest";
import { conformanceAvailable, readConformanceJson } from "./shared.ts";

interface SlackVector {
  name: string;
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
  nowEpochSeconds: number;
  valid: boolean;
}

const vectors: SlackVector[] = conformanceAvailable
  ? readConformanceJson<SlackVector[]>("slack", "vectors.json")
  : [];

describe.runIf(conformanceAvailable)("conformance: Slack request signing vectors", () => {
  it("has vectors to check", () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    const verdict = verifySlackRequest({
      signingSecret: vector.secret,
      timestamp: vector.timestamp,
      body: vector.body,
      signature: vector.signature,
      now: vector.nowEpochSeconds,
    });
    expect(verdict).toBe(vector.valid);
  });
});
