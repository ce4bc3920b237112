import { describe, expect, it } from "vitest";
import { arnRegion, arnResourceName, parseArn } from "./arn.ts";

describe("parseArn", () => {
  it("keeps the colons of the resource part", () => {
    expect(parseArn("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api:cpu")).toEqual({
      partition: "aws",
      service: "cloudwatch",
      region: "eu-west-1",
      account: "123456789012",
      resource: "alarm:checkout-api:cpu",
    });
  });

  it("rejects text that is not an ARN", () => {
    expect(parseArn("arn:aws:sns:EXAMPLE")).toBeUndefined();
    expect(parseArn("checkout-api")).toBeUndefined();
  });

  it("gives null for ARNs without a region and for names after another prefix", () => {
    expect(arnRegion("arn:aws:s3:::restored-bucket")).toBeNull();
    expect(arnResourceName("arn:aws:backup:eu-west-1:123456789012:backup-vault:prod", "backup-vault:")).toBe(
      "prod",
    );
    expect(
      arnResourceName("arn:aws:backup:eu-west-1:123456789012:recovery-point:rp", "backup-vault:"),
    ).toBeNull();
  });
});
