import { describe, expect, it } from "vitest";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixture, signalOf } from "./test-support.ts";

describe("ECR Image Action", () => {
  it("reads a successful push: repository, tag, digest and result", () => {
    // Prepare
    const event = readEventFixture("ecr/image-action.push.success.json");

    // Act
    const signal = signalOf(normalizeEvent(event), "image-push");

    // Assess
    expect(signal).toMatchObject({
      id: "f3a7c2e9-1b5d-4e80-a6c4-9d2b7e1f0a35",
      time: "2026-03-02T09:41:12.000Z",
      account: "123456789012",
      region: "eu-west-1",
      repositoryName: "checkout-api",
      imageTag: "v1.42.0",
      imageDigest: "sha256:3c5a9f1e7b2d4c8a6e0f9b1d3a5c7e9f2b4d6a8c0e1f3a5b7c9d1e3f5a7b9c2d",
      result: "SUCCESS",
      source: { service: "aws.ecr", kind: "ecr-image-action", envelopes: [] },
    });
  });

  it("keeps a failed push a push, with its result", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("ecr/image-action.push.failure.json")),
      "image-push",
    );

    expect(signal.result).toBe("FAILURE");
  });

  it("reads a delete as an image-delete signal", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("ecr/image-action.delete.success.json")),
      "image-delete",
    );

    expect([signal.repositoryName, signal.imageTag, signal.result]).toEqual([
      "checkout-api",
      "v1.17.3",
      "SUCCESS",
    ]);
  });

  it("gives a null tag when the event names none (an untagged image)", () => {
    const event = readEventFixture("ecr/image-action.delete.success.json") as {
      detail: Record<string, unknown>;
    };
    delete event.detail["image-tag"];

    const signal = signalOf(normalizeEvent(event), "image-delete");

    expect(signal.imageTag).toBeNull();
  });

  it("rejects an unknown action type as malformed, not unsupported", () => {
    const event = readEventFixture("ecr/image-action.push.success.json") as {
      detail: Record<string, unknown>;
    };
    event.detail["action-type"] = "PULL";

    const result = normalizeEvent(event);

    expect(result).toMatchObject({ ok: false, error: { code: "MalformedEvent", kind: "ecr-image-action" } });
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([
      ["detail", "action-type"],
    ]);
  });

  it("reports an image scan as a supported-elsewhere AWS event, naming its detail-type", () => {
    const result = normalizeEvent(readEventFixture("ecr/image-scan.complete.json"));

    expect(result).toMatchObject({
      ok: false,
      error: { code: "UnsupportedEventKind", eventSource: "aws.ecr", detailType: "ECR Image Scan" },
    });
  });
});
