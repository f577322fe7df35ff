/**
 * Concrete packets out of packet sets: a member of a set that reads well (a documentation source address
 * when the set holds one, a host address, an ephemeral client port), its text, and its trace as
 * `vpcwhy trace` runs it. Counterexamples of assertNeverReachable (vpcwhy/testing) and of intents.
 */
import { type PathResult, resolveEndpoint, tracePath } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { Family, Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import { formatIp, parseIp } from '../net/ip.js';
import { type Box, type PacketSet, protocolKind } from '../net/packet-set.js';
import { protocolName } from '../net/protocol.js';

/** A member of a box that reads well: a host address rather than a network address, an ephemeral source port. */
export function pickPacket(family: Family, x: Box): Packet {
  const ip = (v: bigint): Ip => (family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v });
  const src = x.s1 > x.s0 ? x.s0 + 1n : x.s0;
  const protocol = x.p0;
  const kind = protocolKind(protocol);
  const srcPort = x.a0 <= 50000 && 50000 <= x.a1 ? 50000 : x.a0;
  return {
    protocol,
    src: ip(src),
    dst: ip(x.d0),
    srcPort: kind === 'ports' ? srcPort : null,
    dstPort: kind === 'ports' ? x.b0 : null,
    icmpType: kind === 'icmp' ? x.a0 : null,
    icmpCode: kind === 'icmp' ? x.b0 : null,
  };
}

/** Addresses an example packet is taken from (and to) first, when the set has them (documentation addresses, ref ARCHITECTURE "the internet"). */
const EXAMPLE_SOURCES: Readonly<Record<Family, readonly bigint[]>> = {
  4: ['198.51.100.7', '203.0.113.5', '192.0.2.10'].map((t) => BigInt(parseIp(t)!.value)),
  6: ['2001:db8::7'].map((t) => BigInt(parseIp(t)!.value)),
};

/**
 * A member of a non-empty set: from a documentation address when the set holds one, to one too when the
 * destinations allow it (an internet destination reads better as 203.0.113.5 than as 1.0.0.0), else from
 * its first box.
 */
export function examplePacket(set: PacketSet): Packet {
  const docs = EXAMPLE_SOURCES[set.family];
  const docIn = (lo: bigint, hi: bigint, not: bigint | null) => docs.find((v) => lo <= v && v <= hi && v !== not);
  for (const v of docs) {
    const boxes = set.boxes.filter((b) => b.s0 <= v && v <= b.s1);
    if (boxes.length === 0) continue;
    const withDst = boxes.find((b) => docIn(b.d0, b.d1, v) !== undefined);
    const x = withDst ?? boxes[0]!;
    const d = withDst ? docIn(x.d0, x.d1, v)! : null;
    return pickPacket(set.family, { ...x, s0: v, s1: v, ...(d !== null ? { d0: d, d1: d } : {}) });
  }
  for (const x of set.boxes) {
    const d = docIn(x.d0, x.d1, null);
    if (d !== undefined) return pickPacket(set.family, { ...x, d0: d, d1: d });
  }
  return pickPacket(set.family, set.boxes[0]!);
}

/**
 * Traces a packet between the endpoints its addresses resolve to, as `vpcwhy trace --from A --to B` with
 * the packet's addresses and ports does; throws an Error when an address names no endpoint.
 */
export function tracePacket(index: SnapshotIndex, packet: Packet): PathResult {
  const src = resolveEndpoint(index, formatIp(packet.src), parseIp);
  const dst = resolveEndpoint(index, formatIp(packet.dst), parseIp);
  if (!src.ok) throw new Error(src.message);
  if (!dst.ok) throw new Error(dst.message);
  return tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet });
}

export function packetText(p: Packet): string {
  const name = protocolName(p.protocol);
  const host = (ip: Ip, port: number | null) => (port === null ? formatIp(ip) : ip.family === 6 ? `[${formatIp(ip)}]:${port}` : `${formatIp(ip)}:${port}`);
  const icmp = p.icmpType === null ? '' : ` type ${p.icmpType} code ${p.icmpCode ?? 0}`;
  return `${host(p.src, p.srcPort)} -> ${host(p.dst, p.dstPort)} ${name}${icmp}`;
}

