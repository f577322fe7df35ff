/**
 * Address parsing and formatting. ipaddr.js validates and parses the general case; a hand-written
 * dotted-quad fast path serves the flow-log hot loop.
 */
import ipaddr from 'ipaddr.js';
import type { Cidr, Family, Ip } from '../model/address.js';

const MASK128 = (1n << 128n) - 1n;

/** Parses a dotted-quad IPv4 address without allocating; returns -1 when it is not one. */
export function parseIpv4Fast(s: string): number {
  return parseIpv4Range(s, 0, s.length);
}

/** parseIpv4Fast of `t.slice(start, end)`, without the slice. */
export function parseIpv4Range(t: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

const MAX_GROUPS = 8;
const groupsScratch = new Array<number>(MAX_GROUPS);

/**
 * Parses plain IPv6 text (hex groups, at most one `::`) into a bigint; returns null for anything else,
 * including embedded IPv4 and zone ids, which the caller hands to ipaddr.js.
 */
function parseIpv6Fast(s: string): bigint | null {
  let groups = 0;
  let gap = -1; // index in groups where '::' sits
  let value = 0;
  let digits = 0;
  const n = s.length;
  if (n < 2) return null;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
    if (n === 2) return 0n;
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else if (c === 58) {
      if (digits === 0) return null;
      if (groups >= MAX_GROUPS) return null;
      groupsScratch[groups++] = value;
      value = 0;
      digits = 0;
      if (i + 1 < n && s.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return null;
        gap = groups;
        i++;
        if (i + 1 === n) break;
      }
      continue;
    } else return null;
    if (++digits > 4) return null;
    value = value * 16 + d;
  }
  if (digits > 0) {
    if (groups >= MAX_GROUPS) return null;
    groupsScratch[groups++] = value;
  } else if (gap !== groups) return null; // trailing single ':'
  if (gap < 0 ? groups !== MAX_GROUPS : groups >= MAX_GROUPS) return null;
  const zeros = gap < 0 ? 0 : MAX_GROUPS - groups;
  const words = [0, 0, 0, 0];
  for (let k = 0, g = 0; k < MAX_GROUPS; k++) {
    const part = gap >= 0 && k >= gap && k < gap + zeros ? 0 : groupsScratch[g++]!;
    // Two 16-bit groups per 32-bit word: exact in a double.
    words[k >> 1] = words[k >> 1]! * 65536 + part;
  }
  return (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!);
}

function ipv6ToBigint(addr: ipaddr.IPv6): bigint {
  let v = 0n;
  for (const part of addr.parts) v = (v << 16n) | BigInt(part);
  return v;
}

/** Parses an IPv4 or IPv6 address (no prefix). Returns null when the text is not an address. */
export function parseIp(text: string): Ip | null {
  return parseIpRange(text, 0, text.length);
}

/** parseIp of `t.slice(start, end)`; an IPv4 address is parsed without the slice. */
export function parseIpRange(t: string, start: number, end: number): Ip | null {
  const v4 = parseIpv4Range(t, start, end);
  if (v4 >= 0) return { family: 4, value: v4 };
  const text = start === 0 && end === t.length ? t : t.slice(start, end);
  if (!text.includes(':')) return null;
  const fast = parseIpv6Fast(text);
  if (fast !== null) return { family: 6, value: fast };
  try {
    const parsed = ipaddr.IPv6.parse(text);
    if (parsed.zoneId !== undefined) return null;
    return { family: 6, value: ipv6ToBigint(parsed) };
  } catch {
    return null;
  }
}

/**
 * Parses `a.b.c.d/n` or `x::/n`. Host bits are cleared, as AWS canonicalises CIDRs
 * (`100.68.0.18/18` is stored as `100.68.0.0/18`). Returns null when the text is not a CIDR.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return null;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const ip = parseIp(addrText);
  if (ip === null) return null;
  if (ip.family === 4) {
    if (prefix > 32) return null;
    const network = prefix === 0 ? 0 : ((ip.value >>> (32 - prefix)) << (32 - prefix)) >>> 0;
    return { family: 4, network, prefix, text: `${formatIpv4(network)}/${prefix}` };
  }
  if (prefix > 128) return null;
  const network = prefix === 0 ? 0n : ((ip.value >> BigInt(128 - prefix)) << BigInt(128 - prefix)) & MASK128;
  return { family: 6, network, prefix, text: `${formatIpv6(network)}/${prefix}` };
}

export function hostCidr(ip: Ip): Cidr {
  return ip.family === 4
    ? { family: 4, network: ip.value, prefix: 32, text: `${formatIpv4(ip.value)}/32` }
    : { family: 6, network: ip.value, prefix: 128, text: `${formatIpv6(ip.value)}/128` };
}

export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run (two or more) of zero groups as `::`. */
export function formatIpv6(v: bigint): string {
  const parts = new Array<number>(8);
  const w = [Number((v >> 96n) & 0xffffffffn), Number((v >> 64n) & 0xffffffffn), Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
  for (let i = 0; i < 4; i++) {
    parts[2 * i] = Math.floor(w[i]! / 65536);
    parts[2 * i + 1] = w[i]! % 65536;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return parts.map((p) => p.toString(16)).join(':');
  const head = parts.slice(0, bestStart).map((p) => p.toString(16)).join(':');
  const tail = parts.slice(bestStart + bestLen).map((p) => p.toString(16)).join(':');
  return `${head}::${tail}`;
}

export function formatIp(ip: Ip): string {
  return ip.family === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value);
}

/** True when the address lies inside the block. Families never mix: 0.0.0.0/0 does not hold IPv6. */
export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.family === 4) {
    if (ip.family !== 4) return false;
    if (cidr.prefix === 0) return true;
    const shift = 32 - cidr.prefix;
    return ip.value >>> shift === cidr.network >>> shift;
  }
  if (ip.family !== 6) return false;
  if (cidr.prefix === 0) return true;
  const shift = BigInt(128 - cidr.prefix);
  return ip.value >> shift === cidr.network >> shift;
}

/** True when every address of `inner` is inside `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return cidrContains(outer, inner.family === 4 ? { family: 4, value: inner.network } : { family: 6, value: inner.network });
}

export function ipEquals(a: Ip, b: Ip): boolean {
  return a.family === b.family && a.value === b.value;
}

/** A string key for maps: the canonical text of the address. */
export function ipKey(ip: Ip): string {
  return ip.family === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value);
}

export function familyOf(ip: Ip): Family {
  return ip.family;
}

/** RFC 1918 and RFC 6598 space: never reachable from the internet. */
export function isPrivateIpv4(ip: Ip): boolean {
  if (ip.family !== 4) return false;
  const v = ip.value;
  return (
    v >>> 24 === 10 ||
    v >>> 20 === (172 << 4) + 1 ||
    v >>> 16 === (192 << 8) + 168 ||
    v >>> 22 === ((100 << 8) + 64) >>> 2
  );
}
