/**
 * The small universe the brute-force oracles enumerate (property tests, ARCHITECTURE "Conventions").
 *
 * Addresses: every address of one IPv4 /28 and one IPv6 /124, plus a few outside them (neighbours just past
 * the block, the extremes, and IPv6 addresses whose low 32 bits spell a universe IPv4 address, so that
 * family confusion shows, ref 8.13). Ports, protocols and ICMP type/codes: the handful that matter.
 *
 * Model values (Ip, Cidr) are built here with ipaddr.js, independently of src/net/ip.ts, so that a bug in
 * the parser under test cannot hide in the inputs of the engine properties.
 */
import ipaddr from 'ipaddr.js';
import type { Cidr, Ip } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction } from '../../src/model/snapshot.js';

export type IpaddrAddress = ipaddr.IPv4 | ipaddr.IPv6;

export const V4_BLOCK = '10.0.0.0/28';
export const V4_INSIDE: readonly string[] = Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`);
export const V4_OUTSIDE: readonly string[] = ['10.0.0.16', '10.0.1.7', '192.0.2.1', '0.0.0.0', '255.255.255.255'];
export const V6_BLOCK = '2001:db8::/124';
export const V6_INSIDE: readonly string[] = Array.from({ length: 16 }, (_, i) => `2001:db8::${i.toString(16)}`);
export const V6_OUTSIDE: readonly string[] = [
  '2001:db8::10',
  '2001:db8:0:1::1',
  '::',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '::ffff:10.0.0.1', // IPv4-mapped 10.0.0.1: still IPv6 (ref 8.13)
  '::a00:5', // low 32 bits = 10.0.0.5
];
export const V4_ADDRESSES: readonly string[] = [...V4_INSIDE, ...V4_OUTSIDE];
export const V6_ADDRESSES: readonly string[] = [...V6_INSIDE, ...V6_OUTSIDE];
export const ALL_ADDRESSES: readonly string[] = [...V4_ADDRESSES, ...V6_ADDRESSES];

/** Destination ports of TCP/UDP packets in the universe. */
export const PORTS: readonly number[] = [0, 22, 80, 443, 1024, 65535];
/** Port-range bounds for rules: the universe ports and their neighbours, so every boundary is exercised. */
export const PORT_BOUNDS: readonly number[] = [0, 1, 21, 22, 23, 79, 80, 81, 442, 443, 444, 1023, 1024, 1025, 65534, 65535];
/** ICMP / ICMPv6 (type, code) pairs of packets in the universe. */
export const ICMP_PAIRS: readonly (readonly [number, number])[] = [
  [0, 0],
  [3, 1],
  [3, 4],
  [8, 0],
  [11, 0],
  [2, 0],
  [128, 0],
  [129, 0],
];
/** Types and codes rules use; -1 is "all"; 5 and 9 occur in no packet. */
export const RULE_ICMP_TYPES: readonly number[] = [-1, 0, 3, 8, 11, 2, 128, 5];
export const RULE_ICMP_CODES: readonly number[] = [-1, 0, 1, 4, 9];
/** Protocols of packets: TCP, UDP, ICMP, ICMPv6, ESP (a protocol without ports). */
export const PACKET_PROTOCOLS: readonly number[] = [6, 17, 1, 58, 50];
/** Protocols of rules: -1 (all) and the packet protocols; 47 (GRE) matches no universe packet. */
export const RULE_PROTOCOLS: readonly number[] = [-1, 6, 17, 1, 58, 50];

/** What a packet carries besides addresses. */
export type Detail =
  | { readonly kind: 'port'; readonly port: number }
  | { readonly kind: 'icmp'; readonly type: number; readonly code: number }
  | { readonly kind: 'none' };

/** The details of the universe packets of one protocol. */
export function detailsOf(protocol: number): readonly Detail[] {
  if (protocol === 6 || protocol === 17) return PORTS.map((port) => ({ kind: 'port', port }));
  if (protocol === 1 || protocol === 58) return ICMP_PAIRS.map(([type, code]) => ({ kind: 'icmp', type, code }));
  return [{ kind: 'none' }];
}

// ---------------------------------------------------------------------------------------------------
// Conversions through ipaddr.js (independent of src/net/ip.ts)

export function ipaddrOf(text: string): IpaddrAddress {
  return ipaddr.parse(text);
}

/** The model Ip of an address text. */
export function ipOf(text: string): Ip {
  const a = ipaddr.parse(text);
  if (a.kind() === 'ipv4') return { family: 4, value: (a as ipaddr.IPv4).octets.reduce((v, o) => v * 256 + o, 0) };
  return { family: 6, value: (a as ipaddr.IPv6).parts.reduce((v, p) => (v << 16n) | BigInt(p), 0n) };
}

/** The ipaddr.js value of a model Ip. */
export function ipaddrOfIp(ip: Ip): IpaddrAddress {
  if (ip.family === 4) {
    const v = ip.value;
    return new ipaddr.IPv4([Math.floor(v / 2 ** 24) % 256, Math.floor(v / 2 ** 16) % 256, Math.floor(v / 256) % 256, v % 256]);
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((ip.value >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes);
}

/** A key identifying an address across notations (and across families: v4 keys have no ':'). */
export function addressKey(a: IpaddrAddress): string {
  return a.kind() === 'ipv4' ? a.toString() : (a as ipaddr.IPv6).toNormalizedString();
}

/**
 * The model Cidr of a CIDR text, host bits cleared as AWS stores it (ref 4.2, 5.1). `text` keeps the
 * canonical form; tests keep the original text next to it when they need the host bits.
 */
export function cidrOf(text: string): Cidr {
  const [addr, prefix] = ipaddr.parseCIDR(text);
  if (addr.kind() === 'ipv4') {
    const net = ipaddr.IPv4.networkAddressFromCIDR(text);
    const ip = ipOf(net.toString());
    if (ip.family !== 4) throw new Error('unreachable');
    return { family: 4, network: ip.value, prefix, text: `${net.toString()}/${prefix}` };
  }
  const net = ipaddr.IPv6.networkAddressFromCIDR(text);
  const ip = ipOf(net.toString());
  if (ip.family !== 6) throw new Error('unreachable');
  return { family: 6, network: ip.value, prefix, text: `${net.toString()}/${prefix}` };
}

// ---------------------------------------------------------------------------------------------------
// Universe packets

/** One point of the universe as a rule sees it: the peer address and the protocol part. */
export interface UniversePoint {
  readonly peer: string;
  readonly protocol: number;
  readonly detail: Detail;
}

export function universePoints(addresses: readonly string[] = ALL_ADDRESSES): UniversePoint[] {
  const out: UniversePoint[] = [];
  for (const peer of addresses) for (const protocol of PACKET_PROTOCOLS) for (const detail of detailsOf(protocol)) out.push({ peer, protocol, detail });
  return out;
}

/**
 * The packet of a universe point in one direction: inbound the peer is the source, outbound the
 * destination (the address a rule's CIDR is compared with, ref 4.2, 5.1). `local` is the ENI/subnet side,
 * picked of the peer's family from `locals`; `srcPort` is the TCP/UDP source port (never what rules check).
 */
export function packetOf(point: UniversePoint, direction: Direction, locals: { readonly 4: string; readonly 6: string }, srcPort: number): Packet {
  const peer = ipOf(point.peer);
  const local = ipOf(locals[peer.family]);
  const d = point.detail;
  return {
    protocol: point.protocol,
    src: direction === 'inbound' ? peer : local,
    dst: direction === 'inbound' ? local : peer,
    srcPort: d.kind === 'port' ? srcPort : null,
    dstPort: d.kind === 'port' ? d.port : null,
    icmpType: d.kind === 'icmp' ? d.type : null,
    icmpCode: d.kind === 'icmp' ? d.code : null,
  };
}
