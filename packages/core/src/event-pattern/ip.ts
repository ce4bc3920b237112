/**
 * IP addresses and CIDR blocks as EventBridge reads them (eb-create-pattern-operators, "IP address
 * matching"; Event Ruler's CIDR class). An address is kept as fixed-width upper-case hex — 8 digits for
 * IPv4, 32 for IPv6 — so that a CIDR block is a lexicographic range and containment is two string
 * comparisons. Like Java's InetAddress, which the service uses, an IPv4-mapped IPv6 literal
 * (`::ffff:a00:1`) is read as the IPv4 address it maps.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** True when `text` has the shape of an address literal (the service checks this before parsing). */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}

function parseIpv4(text: string): string | undefined {
  // Java's literal parser gives up on anything longer than "255.255.255.255" padded with zeros.
  if (text.length > 15) return undefined;
  let out = "";
  for (const part of text.split(".")) {
    const octet = Number(part);
    if (octet > 255) return undefined;
    out += hex2(octet);
  }
  return out;
}

function parseIpv6(text: string): string | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): string[] | undefined => {
    if (half === "") return [];
    const groups = half.split(":");
    return groups.every((g) => HEX_GROUP.test(g)) ? groups : undefined;
  };
  const head = groupsOf(halves[0] ?? "");
  if (head === undefined) return undefined;
  let groups: string[];
  if (halves.length === 2) {
    const tail = groupsOf(halves[1] ?? "");
    if (tail === undefined) return undefined;
    // "::" stands for at least one group of zeros.
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const out = groups.map((g) => g.toUpperCase().padStart(4, "0")).join("");
  if (out.startsWith("00000000000000000000FFFF")) return out.slice(24);
  return out;
}

/**
 * The address as 8 (IPv4) or 32 (IPv6) upper-case hex digits, or undefined when `text` is not an address.
 *
 * @example
 * ipToHex("10.0.0.255"); // → "0A0000FF"
 * ipToHex("2001:db8::1"); // → "20010DB8000000000000000000000001"
 */
export function ipToHex(text: string): string | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

export interface CidrRange {
  /** Lowest address in the block, as hex. */
  readonly low: string;
  /** Highest address in the block, as hex. */
  readonly high: string;
}

/** Thrown with the service's wording for a malformed CIDR. */
export class CidrError extends Error {}

function addressBytes(text: string): number[] {
  if (!looksLikeIp(text)) throw new CidrError(`Nonstandard IP address: ${text}`);
  const hex = ipToHex(text);
  if (hex === undefined) throw new CidrError(`Invalid IP address: ${text}`);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

/**
 * Parses `address/maskBits` into the range of addresses it covers. Host bits set in the address are
 * ignored (`10.0.0.7/24` is `10.0.0.0/24`). A mask covering the whole address (`/32`, `/128`) is refused,
 * as Event Ruler refuses it.
 *
 * @example
 * parseCidr("10.0.0.0/24"); // → { low: "0A000000", high: "0A0000FF" }
 */
export function parseCidr(cidr: string): CidrRange {
  // Java's String.split drops trailing empty strings: "10.0.0.0/" has one part, not two.
  const parts = cidr.split("/");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) throw new CidrError("Malformed CIDR, one '/' required");
  const [address = "", maskText = ""] = parts;
  if (!/^[+-]?\d+$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    throw new CidrError("Malformed CIDR, mask bits must be an integer");
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) throw new CidrError("Malformed CIDR, mask bits must not be negative");
  const bytes = addressBytes(address);
  if (bytes.length === 4 && maskBits > 31) throw new CidrError("IPv4 mask bits must be < 32");
  if (bytes.length === 16 && maskBits > 127) throw new CidrError("IPv6 mask bits must be < 128");
  let low = "";
  let high = "";
  for (let i = 0; i < bytes.length; i++) {
    const kept = Math.max(0, Math.min(8, maskBits - i * 8));
    const hostMask = 0xff >> kept;
    const byte = bytes[i] ?? 0;
    low += hex2(byte & ~hostMask & 0xff);
    high += hex2(byte | hostMask);
  }
  return { low, high };
}
