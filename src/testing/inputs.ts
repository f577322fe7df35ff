/**
 * The small input languages of the vpcwhy/testing helpers: sources (`internet`, `any`, a CIDR or address,
 * an ENI id, a subnet id), protocols (`tcp`, `udp`, `icmp`, `icmpv6`, `all` or a number), ports (a
 * number, `N-M` or `[N, M]`) and packets written with address texts. Every bad value throws an Error that
 * names the option, the value and what was expected (the same wording as the CLI's options).
 */
import type { ReachFrom } from '../audit/reach.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { Cidr, Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Interval } from '../net/packet-set.js';
import { hostCidr, parseCidr, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP, hasPorts, parseProtocol } from '../net/protocol.js';

/** `internet`, `any`, a CIDR or address (`203.0.113.0/24`, `2001:db8::1`), an ENI id or a subnet id. */
export type SourceSpec = 'internet' | 'any' | (string & {});

/** `tcp`, `udp`, `icmp`, `icmpv6`, `all` (or -1), or an IANA protocol number 0-255. */
export type ProtocolSpec = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all' | (string & {}) | number;

/** A destination port, a range `N-M`, or `[N, M]` (inclusive). */
export type PortSpec = number | `${number}-${number}` | readonly [number, number] | (string & {});

/** A packet with address texts; model Packets (src/model/flow.ts) are accepted as they are. */
export interface PacketSpec {
  readonly protocol: ProtocolSpec;
  readonly src: string;
  readonly dst: string;
  /** TCP/UDP; never read by security groups or NACLs. Default 50000. */
  readonly srcPort?: number;
  /** TCP/UDP: required. */
  readonly dstPort?: number;
  /** ICMP/ICMPv6: required. */
  readonly icmpType?: number;
  /** ICMP/ICMPv6; default 0. */
  readonly icmpCode?: number;
}

export function fail(where: string, message: string): never {
  throw new Error(`vpcwhy/testing ${where}: ${message}`);
}

/** A source text as reach's ReachFrom; ENI and subnet ids must be in the snapshot. */
export function parseSource(index: SnapshotIndex, text: string, where: string): ReachFrom {
  if (typeof text !== 'string') fail(where, `from: expected internet, any, a CIDR or address, an ENI id or a subnet id, got ${String(text)}`);
  const t = text.trim();
  if (t === 'internet' || t === 'any') return { kind: t };
  if (t.startsWith('eni-')) {
    if (!index.eniById.has(t)) fail(where, `from: no network interface ${t} in the snapshot`);
    return { kind: 'eni', eniId: t };
  }
  if (t.startsWith('subnet-')) {
    if (!index.subnetById.has(t)) fail(where, `from: no subnet ${t} in the snapshot`);
    return { kind: 'subnet', subnetId: t };
  }
  const cidr = parseCidrOrAddress(t);
  if (!cidr) fail(where, `from: expected internet, any, a CIDR or address, an ENI id (eni-...) or a subnet id (subnet-...), got "${text}"`);
  return { kind: 'cidr', cidr };
}

export function parseCidrOrAddress(t: string): Cidr | null {
  if (t.includes('/')) return parseCidr(t);
  const ip = parseIp(t);
  return ip ? hostCidr(ip) : null;
}

/** -1 for all protocols. */
export function parseProtocolSpec(p: ProtocolSpec | undefined, where: string): number {
  if (p === undefined) return -1;
  if (typeof p === 'number') {
    if (p === -1 || (Number.isInteger(p) && p >= 0 && p <= 255)) return p;
    fail(where, `protocol: expected a protocol number 0-255 or -1, got ${p}`);
  }
  if (p.trim().toLowerCase() === 'all') return -1;
  const n = parseProtocol(p);
  if (n === null) fail(where, `protocol: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255, got "${p}"`);
  return n;
}

export function parsePortSpec(p: PortSpec | undefined, protocol: number, where: string): Interval<number> | undefined {
  if (p === undefined) return undefined;
  let lo: number;
  let hi: number;
  if (typeof p === 'number') [lo, hi] = [p, p];
  else if (Array.isArray(p)) [lo, hi] = [Number(p[0]), Number(p[1])];
  else {
    const m = /^(\d+)(?:-(\d+))?$/.exec(String(p).trim());
    [lo, hi] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
  }
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 65535 || lo > hi) fail(where, `port: expected a port or a range N-M within 0-65535, got ${JSON.stringify(p)}`);
  if (protocol !== -1 && !hasPorts(protocol)) fail(where, 'port: applies to tcp and udp only');
  return { lo, hi };
}

function isModelIp(x: unknown): x is Ip {
  return typeof x === 'object' && x !== null && 'family' in x && 'value' in x;
}

/** A PacketSpec (or a model Packet) as a model Packet with every field its protocol needs. */
export function toPacket(p: PacketSpec | Packet, where: string): Packet {
  const protocol = parseProtocolSpec(p.protocol as ProtocolSpec, where);
  if (protocol === -1) fail(where, 'packet: a packet has one protocol, not all');
  const address = (x: unknown, field: string): Ip => {
    if (isModelIp(x)) return x;
    const ip = typeof x === 'string' ? parseIp(x.trim()) : null;
    if (!ip) fail(where, `packet.${field}: expected an IPv4 or IPv6 address, got ${JSON.stringify(x)}`);
    return ip;
  };
  const src = address(p.src, 'src');
  const dst = address(p.dst, 'dst');
  if (src.family !== dst.family) fail(where, 'packet: src and dst must be of one family');
  const int = (v: number | null | undefined, field: string, max: number): number | null => {
    if (v === undefined || v === null) return null;
    if (!Number.isInteger(v) || v < 0 || v > max) fail(where, `packet.${field}: expected an integer 0-${max}, got ${v}`);
    return v;
  };
  if (protocol === TCP || protocol === UDP) {
    const dstPort = int(p.dstPort, 'dstPort', 65535);
    if (dstPort === null) fail(where, 'packet.dstPort: required for tcp and udp');
    return { protocol, src, dst, srcPort: int(p.srcPort, 'srcPort', 65535) ?? 50000, dstPort, icmpType: null, icmpCode: null };
  }
  if (protocol === ICMP || protocol === ICMPV6) {
    const icmpType = int(p.icmpType, 'icmpType', 255);
    if (icmpType === null) fail(where, 'packet.icmpType: required for icmp and icmpv6');
    return { protocol, src, dst, srcPort: null, dstPort: null, icmpType, icmpCode: int(p.icmpCode, 'icmpCode', 255) ?? 0 };
  }
  return { protocol, src, dst, srcPort: null, dstPort: null, icmpType: null, icmpCode: null };
}
