import { describe, expect, it } from "vitest";
import { CidrError, ipToHex, parseCidr } from "./ip.ts";

describe("ipToHex", () => {
  it.each([
    ["10.0.0.255", "0A0000FF"],
    ["010.000.000.001", "0A000001"],
    ["2001:db8::1", "20010DB8000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["2001:0db8:1234:1a00:0000:0000:0000:0000", "20010DB812341A000000000000000000"],
    ["::ffff:a00:1", "0A000001"],
  ])("%s → %s", (text, hex) => {
    expect(ipToHex(text)).toBe(hex);
  });

  it.each([
    "10.0.0.256",
    "10.0.0",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8::",
    "12345::",
    "example.com",
    "",
  ])("%j is not an address", (text) => {
    expect(ipToHex(text)).toBeUndefined();
  });
});

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/24", "0A000000", "0A0000FF"],
    ["10.0.0.7/24", "0A000000", "0A0000FF"],
    ["220.160.153.171/31", "DCA099AA", "DCA099AB"],
    ["0.0.0.0/0", "00000000", "FFFFFFFF"],
    ["10.0.0.0/12", "0A000000", "0A0FFFFF"],
    ["2001:db8:1234:1a00::/64", "20010DB812341A000000000000000000", "20010DB812341A00FFFFFFFFFFFFFFFF"],
  ])("%s covers %s–%s", (cidr, low, high) => {
    expect(parseCidr(cidr)).toEqual({ low, high });
  });

  it.each([
    ["bad-filter", "Malformed CIDR, one '/' required"],
    ["1.2.3.4/8/8", "Malformed CIDR, one '/' required"],
    ["bad-/64filter", "Malformed CIDR, mask bits must be an integer"],
    ["10.0.0.0/-8", "Malformed CIDR, mask bits must not be negative"],
    ["xx.11.xx/8", "Nonstandard IP address: xx.11.xx"],
    ["xxxx:db8:1234:1a00::/64", "Nonstandard IP address: xxxx:db8:1234:1a00::"],
    ["1::2::3/64", "Invalid IP address: 1::2::3"],
    ["192.168.1.7/32", "IPv4 mask bits must be < 32"],
    ["::ffff:0:0/96", "IPv4 mask bits must be < 32"],
  ])("refuses %s", (cidr, message) => {
    expect(() => parseCidr(cidr)).toThrow(new CidrError(message));
  });
});
