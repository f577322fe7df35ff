/**
 * Effective internet exposure of network interfaces (the `internet-exposed-*` rules, issue 15): which
 * public sources reach which TCP and UDP ports of an interface over the whole path and get their responses
 * back, from reach() (groups AND NACLs both ways AND a route to an internet gateway AND a public IPv4 or
 * IPv6 address AND the return path). A client picks its source port, so a destination port counts as
 * reachable from a source when some source port connects.
 *
 * Interfaces in the same subnet and VPC with the same groups and the same kinds of address (a public IPv4,
 * an IPv6 address) share their analysis: no NACL entry, group rule or route is matched against the
 * interface's own address on the way in or back (inbound rules match the source, the response's outbound
 * rules the client, routes the client), so sources and ports are the same for all of them
 * (test/audit/exposure.test.ts holds the shared answer equal to each interface's own).
 */
import type { Family } from '../model/address.js';
import type { Eni } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { natGatewayOfEni } from '../engine/path.js';
import { TCP, UDP } from '../net/protocol.js';
import { type Interval, type PacketSet, intersect, isEmpty, mergeIntervals, setOf, unionAll } from '../net/packet-set.js';
import { type AllowedBy, type ReachResult, reach } from './reach.js';

export interface ExposedService {
  readonly family: Family;
  readonly protocol: number;
  /** Destination ports reachable (from at least one source of `sources`). */
  readonly ports: readonly Interval<number>[];
  /** Public sources that reach some of `ports`, merged. */
  readonly sources: readonly Interval<bigint>[];
  /** Number of source addresses. */
  readonly sourceCount: bigint;
  /** The rules that let these packets through (union over the rows involved). */
  readonly allowedBy: readonly AllowedBy[];
}

export interface Exposure {
  readonly eniId: string;
  /** The TCP and UDP part of reach from the internet, per family (destination ports with any source port). */
  readonly result: ReachResult;
}

const cache = new WeakMap<SnapshotIndex, Map<string, ReachResult>>();

/** Interfaces with the same key share their analysis from the internet (see the module comment). */
export function shareKey(eni: Eni): string {
  return [eni.vpcId, eni.subnetId, [...new Set(eni.groupIds)].sort().join(','), eni.publicIps.length > 0, eni.ipv6Addresses.length > 0 || eni.ipv6Prefixes.length > 0, eni.ipv4Prefixes.length > 0].join('|');
}

/** reach from the internet (TCP and UDP) for `eni`, shared with interfaces of the same key. */
export function internetReach(index: SnapshotIndex, eni: Eni, share = true): ReachResult | null {
  if (natGatewayOfEni(index, eni) !== null) return null; // a NAT gateway takes no connections
  if (eni.publicIps.length === 0 && eni.ipv6Addresses.length === 0 && eni.ipv6Prefixes.length === 0) return null;
  let byKey = cache.get(index);
  if (!byKey) cache.set(index, (byKey = new Map()));
  const key = shareKey(eni);
  const hit = share ? byKey.get(key) : undefined;
  if (hit) return hit;
  const tcp = reach(index, { to: eni.id, from: { kind: 'internet' }, protocol: TCP });
  const udp = reach(index, { to: eni.id, from: { kind: 'internet' }, protocol: UDP });
  const merged: ReachResult = {
    to: eni.id,
    from: 'internet',
    allowed: [...tcp.allowed, ...udp.allowed],
    sets: { 4: unionAll(4, [tcp.sets[4], udp.sets[4]]), 6: unionAll(6, [tcp.sets[6], udp.sets[6]]) },
    unknown: [...tcp.unknown, ...udp.unknown],
    notes: [...new Set([...tcp.notes, ...udp.notes])],
    refinements: tcp.refinements + udp.refinements,
  };
  if (share) byKey.set(key, merged);
  return merged;
}

/**
 * The services of `ports` (TCP and UDP destination ports) the internet reaches on `eni`, per family and
 * protocol: the exact sources and ports, and the rules letting them through. Empty when none.
 */
export function exposedServices(index: SnapshotIndex, eni: Eni, ports: readonly Interval<number>[], share = true): ExposedService[] {
  const r = internetReach(index, eni, share);
  if (r === null) return [];
  const out: ExposedService[] = [];
  for (const family of [4, 6] as const) {
    for (const protocol of [TCP, UDP]) {
      const wanted = unionAll(family, ports.map((p) => setOf(family, { protocols: { lo: protocol, hi: protocol }, dstPorts: p })));
      const hit = intersect(r.sets[family], wanted);
      if (isEmpty(hit)) continue;
      const sources = mergeIntervals(hit.boxes.map((b) => ({ lo: b.s0, hi: b.s1 })));
      const dports = mergeIntervals(hit.boxes.map((b) => ({ lo: b.b0, hi: b.b1 })));
      const labels = new Map<string, AllowedBy>();
      for (const row of r.allowed) {
        if (row.family !== family || (row.protocol !== protocol && row.protocol !== -1)) continue;
        if (!(row.ports ?? [[0, 65535]]).some(([lo, hi]) => ports.some((p) => p.lo <= hi && lo <= p.hi))) continue;
        for (const b of row.allowedBy) labels.set(`${b.component}|${b.id}|${b.direction}|${b.rule}`, b);
      }
      out.push({ family, protocol, ports: dports, sources, sourceCount: sources.reduce((n, s) => n + (s.hi - s.lo + 1n), 0n), allowedBy: [...labels.values()] });
    }
  }
  return out;
}

/**
 * Sources that reach every port 0-65535 of a protocol: for each source, no destination port is missing
 * (with some source port). Exact: the complement of the projection of what is missing.
 */
export function allPortsSources(index: SnapshotIndex, eni: Eni, family: Family, protocol: number, share = true): Interval<bigint>[] {
  const r = internetReach(index, eni, share);
  if (r === null) return [];
  return sourcesWithEveryPort(intersect(r.sets[family], setOf(family, { protocols: { lo: protocol, hi: protocol } })));
}

/**
 * The sources of `set` (one protocol with ports) that reach every destination port 0-65535 at one
 * destination (with some source port). Exact: the complement of the projection of what is missing.
 */
export function sourcesWithEveryPort(set: PacketSet): Interval<bigint>[] {
  if (isEmpty(set)) return [];
  // Per piece of sources and of destinations that no box boundary crosses: the destination ports reached
  // (any source port), merged; a source qualifies when, at one destination, they are all of 0-65535.
  const piecesOf = (lo: (b: PacketSet['boxes'][number]) => bigint, hi: (b: PacketSet['boxes'][number]) => bigint): Interval<bigint>[] => {
    const cuts = new Set<bigint>();
    for (const b of set.boxes) {
      cuts.add(lo(b));
      cuts.add(hi(b) + 1n);
    }
    const pts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Interval<bigint>[] = [];
    for (let i = 0; i + 1 < pts.length; i++) out.push({ lo: pts[i]!, hi: pts[i + 1]! - 1n });
    return out;
  };
  const srcPieces = piecesOf((b) => b.s0, (b) => b.s1);
  const dstPieces = piecesOf((b) => b.d0, (b) => b.d1);
  const out: Interval<bigint>[] = [];
  for (const s of srcPieces) {
    const covering = set.boxes.filter((b) => b.s0 <= s.lo && s.hi <= b.s1);
    if (covering.length === 0) continue;
    const all = dstPieces.some((d) => {
      const ports = mergeIntervals(covering.filter((b) => b.d0 <= d.lo && d.hi <= b.d1).map((b) => ({ lo: b.b0, hi: b.b1 })));
      return ports.length === 1 && ports[0]!.lo === 0 && ports[0]!.hi === 65535;
    });
    if (all) out.push(s);
  }
  return mergeIntervals(out);
}
