/**
 * What a whole path admits (issue 15, `vpcwhy reach`): the exact set of connections from a set of sources
 * to one network interface that `trace` says connect, forward and return (security groups, network ACLs
 * both ways unless the ends share a subnet, routes, internet gateway, public addresses, NAT, peering).
 *
 * The path walk (engine/path.ts) stays the one statement of path semantics; this module never restates it.
 * It splits the packet space into regions inside which the walk takes the same hops (the source addresses
 * cut at every address and CIDR the routing, the placement of endpoints and the public addresses depend on;
 * protocols into classes; source ports at the NAT gateway's remap range; ICMP at the echo request), traces
 * two opposite corners of each region, and checks they take the same hops with the same packet shapes. The
 * route, gateway and service hops then decide the whole region; each security-group and NACL hop admits the
 * preimage (in the request's coordinates) of the exact set that group or ACL admits (admit.ts). A region
 * whose corners differ is split in two until they agree, so the answer never rests on a missed cut.
 *
 * The result: for every packet of the domain (reachDomain), membership in the rows equals `reachable` of
 * tracePath for that packet; test/properties/reach.test.ts holds it.
 */
import type { Cidr, Family, Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Direction, Eni, NaclEntry, NetworkAcl, SgRule } from '../model/snapshot.js';
import { type Hop, type PathResult, NAT_PORTS, resolveEndpoint, tracePath } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { LINK_LOCAL_SERVICE_RANGES } from '../engine/aws-services.js';
import { formatIp, parseCidr } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP } from '../net/protocol.js';
import {
  type Box,
  type Interval,
  type PacketSet,
  type SetRow,
  addressMax,
  cidrInterval,
  emptySet,
  intersect,
  isEmpty,
  mergeIntervals,
  normalize,
  protocolKind,
  renderSet,
  setOf,
  subtract,
  unionAll,
  universe,
} from '../net/packet-set.js';
import { type NaclAdmission, type SgAdmission, type UnknownPeer, naclAdmits, sgAdmits } from './admit.js';

export type ReachFrom =
  | { readonly kind: 'internet' }
  | { readonly kind: 'any' }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'eni'; readonly eniId: string }
  | { readonly kind: 'subnet'; readonly subnetId: string };

export interface ReachQuery {
  /** The network interface connected to. */
  readonly to: string;
  readonly from: ReachFrom;
  /** An IANA protocol number; absent or -1 for every protocol. */
  readonly protocol?: number;
  /** Destination ports (TCP and UDP); when given, only TCP and UDP are asked about. */
  readonly ports?: Interval<number>;
  /**
   * Only the forward path: the requests that arrive at the destination, whatever becomes of their
   * responses (the sets then hold what a one-way packet gets through). Default false: connections.
   */
  readonly forwardOnly?: boolean;
}

/** A rule that lets a row's packets through. */
export type AllowedBy =
  | { readonly component: 'security-group'; readonly id: string; readonly direction: Direction; readonly rule: string | number }
  | { readonly component: 'network-acl'; readonly id: string; readonly direction: Direction; readonly rule: number };

export interface ReachRow extends SetRow {
  /** The rules the packets of the row pass: groups first, then network ACLs, in path order. */
  readonly allowedBy: readonly AllowedBy[];
}

export interface UnknownRule {
  readonly groupId: string;
  readonly rule: string | number;
  readonly reason: UnknownPeer['reason'];
}

export interface ReachResult {
  readonly to: string;
  readonly from: string;
  /** Exact: the union of the rows is the set of connections that reach `to` and whose responses get back. */
  readonly allowed: readonly ReachRow[];
  /** The same set, per family. */
  readonly sets: { readonly 4: PacketSet; readonly 6: PacketSet };
  /** Rules whose peers the snapshot cannot resolve: what they admit is not in `allowed` (never guessed). */
  readonly unknown: readonly UnknownRule[];
  /** The assumptions the traced paths rest on (trace's notes), once each. */
  readonly notes: readonly string[];
  /** How many regions had to be split because their corners took different paths (0 when the cuts are complete). */
  readonly refinements: number;
  /** The same set in parts, one per list of rules (the rows of a part carry its `by`), disjoint within a family. */
  readonly parts?: readonly { readonly family: Family; readonly by: readonly AllowedBy[]; readonly set: PacketSet }[];
}

// ---------------------------------------------------------------------------------------------------
// Domain

const IPV4_NOT_INTERNET = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '255.255.255.255/32'];
const IPV6_NOT_INTERNET = ['fc00::/7', '::1/128', 'fe80::/10'];

const cidrIv = (text: string): Interval<bigint> => cidrInterval(parseCidr(text)!);

function complementIntervals(family: Family, xs: readonly Interval<bigint>[]): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  let next = 0n;
  for (const x of mergeIntervals(xs)) {
    if (x.lo > next) out.push({ lo: next, hi: x.lo - 1n });
    next = x.hi + 1n;
  }
  if (next <= addressMax(family)) out.push({ lo: next, hi: addressMax(family) });
  return out;
}

export function subtractIntervals(a: readonly Interval<bigint>[], b: readonly Interval<bigint>[], family: Family): Interval<bigint>[] {
  const keep = complementIntervals(family, b);
  return intersectIntervals(a, keep);
}

export function intersectIntervals(a: readonly Interval<bigint>[], b: readonly Interval<bigint>[]): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  for (const x of mergeIntervals(a)) {
    for (const y of mergeIntervals(b)) {
      const lo = x.lo > y.lo ? x.lo : y.lo;
      const hi = x.hi < y.hi ? x.hi : y.hi;
      if (lo <= hi) out.push({ lo, hi });
    }
  }
  return mergeIntervals(out);
}

function vpcIntervals(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  return index.snapshot.vpcs.flatMap((v) => (family === 4 ? v.cidrs4 : v.cidrs6).map(cidrInterval));
}

/**
 * "The internet" (ARCHITECTURE.md contracts): every address outside the snapshot's VPCs, the private
 * ranges (RFC 1918, RFC 6598, fc00::/7), loopback and link-local; the limited broadcast is no host
 * either, and the public addresses of the snapshot's own interfaces and NAT gateways are the snapshot's
 * (what comes from them is traced from those interfaces with `--from any` or their ids).
 */
export function internetIntervals(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  const not = (family === 4 ? IPV4_NOT_INTERNET : IPV6_NOT_INTERNET).map(cidrIv);
  return complementIntervals(family, [...not, ...vpcIntervals(index, family), ...snapshotPublicAddresses(index, family)]);
}

/** The public addresses of the snapshot's own interfaces and NAT gateways: their traffic starts inside it. */
function snapshotPublicAddresses(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  for (const e of index.snapshot.enis) for (const p of e.publicIps) if (p.publicIp.family === family) out.push(point(p.publicIp));
  for (const n of index.snapshot.natGateways) for (const ip of n.publicIps) if (ip.family === family) out.push(point(ip));
  return out;
}

function point(ip: Ip): Interval<bigint> {
  const v = BigInt(ip.value);
  return { lo: v, hi: v };
}

/** The addresses that start no connection: AWS services (ref 3) and the VPCs' addresses outside every subnet. */
function nonSenders(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  const out: Interval<bigint>[] = LINK_LOCAL_SERVICE_RANGES.filter((c) => c.family === family).map(cidrInterval);
  if (family === 4) {
    out.push(cidrIv('255.255.255.255/32'));
    for (const v of index.snapshot.vpcs) {
      const c = v.cidrs4[0];
      if (c?.family === 4) out.push({ lo: BigInt(c.network + 2), hi: BigInt(c.network + 2) });
    }
    for (const s of index.snapshot.subnets) if (s.cidr4?.family === 4) out.push({ lo: BigInt(s.cidr4.network + 1), hi: BigInt(s.cidr4.network + 1) });
  }
  const inSubnets = index.snapshot.subnets.flatMap((s) => (family === 4 ? (s.cidr4 ? [s.cidr4] : []) : s.cidrs6).map(cidrInterval));
  out.push(...subtractIntervals(vpcIntervals(index, family), inSubnets, family));
  return mergeIntervals(out);
}

/**
 * The interface's addresses as intervals, each address and prefix on its own (never merged: two adjacent
 * addresses may be paired with different public addresses or be told apart by the path walk otherwise).
 */
function eniAddressIntervals(eni: Eni, family: Family, which: 'private' | 'public' | 'all'): Interval<bigint>[] {
  const out: Interval<bigint>[] = [];
  if (family === 4) {
    if (which !== 'public') {
      out.push(...eni.privateIps.map(point));
      out.push(...eni.ipv4Prefixes.map(cidrInterval));
    }
    if (which !== 'private') out.push(...eni.publicIps.map((p) => point(p.publicIp)));
  } else {
    out.push(...eni.ipv6Addresses.map(point));
    out.push(...eni.ipv6Prefixes.map(cidrInterval));
  }
  const seen = new Set<string>();
  return out.filter((x) => {
    const k = `${x.lo}-${x.hi}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

export interface ReachDomain {
  readonly family: Family;
  /** Sources asked about (the `from` set less the target's own addresses and addresses that start nothing). */
  readonly sources: readonly Interval<bigint>[];
  /** The target's addresses an internet source connects to (public IPv4, IPv6) and the ones any other does. */
  readonly internetDestinations: readonly Interval<bigint>[];
  readonly otherDestinations: readonly Interval<bigint>[];
  readonly internet: readonly Interval<bigint>[];
}

/** The addresses a `from` names, for one family (before reachDomain's exclusions). */
export function fromIntervals(index: SnapshotIndex, from: ReachFrom, family: Family): Interval<bigint>[] {
  const all = [{ lo: 0n, hi: addressMax(family) }];
  switch (from.kind) {
    case 'internet':
      return internetIntervals(index, family);
    case 'any':
      return all;
    case 'cidr':
      return from.cidr.family === family ? [cidrInterval(from.cidr)] : [];
    case 'eni': {
      const eni = index.eniById.get(from.eniId);
      return eni ? eniAddressIntervals(eni, family, 'private') : [];
    }
    case 'subnet': {
      const s = index.subnetById.get(from.subnetId);
      return s ? (family === 4 ? (s.cidr4 ? [s.cidr4] : []) : s.cidrs6).map(cidrInterval) : [];
    }
  }
}

/**
 * The packets a reach answer is about, per family: sources from `from`, destinations the target's addresses
 * that such a source addresses (an internet host its public IPv4 or IPv6 address, anyone else every address).
 */
export function reachDomain(index: SnapshotIndex, target: Eni, from: ReachFrom, family: Family): ReachDomain {
  const internet = internetIntervals(index, family);
  const sources = fromIntervals(index, from, family);
  const excluded = [...nonSenders(index, family), ...eniAddressIntervals(target, family, 'all')];
  return {
    family,
    sources: subtractIntervals(sources, excluded, family),
    internetDestinations: eniAddressIntervals(target, family, 'public'),
    otherDestinations: eniAddressIntervals(target, family, 'all'),
    internet,
  };
}

// ---------------------------------------------------------------------------------------------------
// Cuts

/** Every address and CIDR the path walk reads when it places endpoints and routes (not the filters'). */
function structuralIntervals(index: SnapshotIndex, family: Family): Interval<bigint>[] {
  const s = index.snapshot;
  const out: Interval<bigint>[] = [];
  const add = (c: Cidr | null | undefined) => {
    if (c && c.family === family) out.push(cidrInterval(c));
  };
  const addIp = (ip: Ip | null | undefined) => {
    if (ip && ip.family === family) out.push(point(ip));
  };
  for (const t of family === 4 ? IPV4_NOT_INTERNET : IPV6_NOT_INTERNET) out.push(cidrIv(t));
  for (const c of LINK_LOCAL_SERVICE_RANGES) add(c);
  out.push(...nonSenders(index, family));
  for (const v of s.vpcs) for (const c of [...v.cidrs4, ...v.cidrs6]) add(c);
  for (const sn of s.subnets) for (const c of [sn.cidr4, ...sn.cidrs6]) add(c);
  for (const rt of s.routeTables) {
    for (const r of rt.routes) {
      if (r.destination.kind === 'cidr') add(r.destination.cidr);
      else if (r.destination.kind === 'prefix-list') for (const c of index.prefixListById.get(r.destination.prefixListId)?.entries ?? []) add(c);
    }
  }
  for (const e of s.enis) {
    for (const ip of [...e.privateIps, ...e.ipv6Addresses]) addIp(ip);
    for (const p of e.publicIps) addIp(p.publicIp);
    for (const c of [...e.ipv4Prefixes, ...e.ipv6Prefixes]) add(c);
  }
  for (const n of s.natGateways) for (const ip of [...n.privateIps, ...n.publicIps]) addIp(ip);
  for (const v of s.vpnConnections) for (const c of v.staticRoutes) add(c);
  for (const p of s.peerings) for (const c of [...p.requesterCidrs, ...p.accepterCidrs]) add(c);
  return out;
}

/** Splits `xs` at every start and end of `cuts`: pieces inside which no cut begins or ends. */
function splitAt(xs: readonly Interval<bigint>[], cuts: readonly Interval<bigint>[]): Interval<bigint>[] {
  const points = new Set<bigint>();
  for (const c of cuts) {
    points.add(c.lo);
    points.add(c.hi + 1n);
  }
  const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Interval<bigint>[] = [];
  for (const x of xs) {
    let lo = x.lo;
    for (const p of sorted) {
      if (p <= lo) continue;
      if (p > x.hi) break;
      out.push({ lo, hi: p - 1n });
      lo = p;
    }
    out.push({ lo, hi: x.hi });
  }
  return out;
}

/** A protocol class: packets the walk treats alike (same kind, same response, same NAT behaviour). */
interface ProtoClass {
  readonly boxes: readonly { p0: number; p1: number; a0: number; a1: number; b0: number; b1: number }[];
}

function protocolClasses(protocol: number | undefined, ports: Interval<number> | undefined): ProtoClass[] {
  const want = (p: number) => protocol === undefined || protocol === -1 || protocol === p;
  const out: ProtoClass[] = [];
  const b = ports ?? { lo: 0, hi: 65535 };
  for (const p of [TCP, UDP]) {
    if (!want(p)) continue;
    // A NAT gateway keeps a source port of 1024-65535 and moves a lower one into that range.
    out.push({ boxes: [{ p0: p, p1: p, a0: 0, a1: NAT_PORTS.from - 1, b0: b.lo, b1: b.hi }] });
    out.push({ boxes: [{ p0: p, p1: p, a0: NAT_PORTS.from, a1: 65535, b0: b.lo, b1: b.hi }] });
  }
  if (ports !== undefined) return out;
  // ICMP and ICMPv6, over either family (the other family's is rare but a packet all the same): an echo
  // request (8, 128) is the one message with a response (ref 2.4), so it is a class of its own.
  for (const [icmp, echo] of [[ICMP, 8], [ICMPV6, 128]] as const) {
    if (!want(icmp)) continue;
    out.push({ boxes: [{ p0: icmp, p1: icmp, a0: echo, a1: echo, b0: 0, b1: 255 }] });
    out.push({ boxes: [{ p0: icmp, p1: icmp, a0: 0, a1: echo - 1, b0: 0, b1: 255 }, { p0: icmp, p1: icmp, a0: echo + 1, a1: 255, b0: 0, b1: 255 }] });
  }
  const others: ProtoClass['boxes'][number][] = [];
  let lo = 0;
  for (const p of [ICMP, TCP, UDP, ICMPV6, 256]) {
    for (let q = lo; q < p; q++) if (want(q)) others.push({ p0: q, p1: q, a0: 0, a1: 0, b0: 0, b1: 0 });
    lo = p + 1;
  }
  if (others.length > 0) out.push({ boxes: mergeProtocols(others) });
  return out;
}

function mergeProtocols(xs: ProtoClass['boxes'][number][]): ProtoClass['boxes'][number][] {
  const out: { p0: number; p1: number; a0: number; a1: number; b0: number; b1: number }[] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && last.p1 + 1 === x.p0) last.p1 = x.p1;
    else out.push({ ...x });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Shapes of a traced path

type Field = 's' | 'd' | 'a' | 'b';
type FieldSource = { readonly from: Field } | { readonly value: bigint };

interface Corner {
  readonly s: bigint;
  readonly d: bigint;
  readonly protocol: number;
  readonly a: number;
  readonly b: number;
}

type Filter =
  | { readonly kind: 'nacl'; readonly acl: NetworkAcl; readonly direction: Direction }
  | { readonly kind: 'sg'; readonly eni: Eni; readonly direction: Direction };

interface HopShape {
  readonly key: string;
  /** The leg of the path the hop is on. */
  readonly path: 'forward' | 'return';
  /** Null: the hop decides the whole region (allow or skip; a deny makes the region empty). */
  readonly filter: Filter | null;
  readonly denies: boolean;
  readonly map: Readonly<Record<Field, FieldSource>>;
  /** The hop's destination port is judged for every port of this range (a NAT gateway's remap). */
  readonly forAllB: Interval<number> | null;
}

function fieldsOf(p: Packet): Record<Field, bigint> {
  const kind = protocolKind(p.protocol);
  const a = kind === 'ports' ? p.srcPort : kind === 'icmp' ? p.icmpType : 0;
  const b = kind === 'ports' ? p.dstPort : kind === 'icmp' ? p.icmpCode : 0;
  return { s: BigInt(p.src.value), d: BigInt(p.dst.value), a: BigInt(a ?? -1), b: BigInt(b ?? -1) };
}

function cornerFields(c: Corner): Record<Field, bigint> {
  return { s: c.s, d: c.d, a: BigInt(c.a), b: BigInt(c.b) };
}

const FIELDS: readonly Field[] = ['s', 'd', 'a', 'b'];
/** Which request fields a hop field may come from: addresses from addresses, ports from ports. */
const CANDIDATES: Readonly<Record<Field, readonly Field[]>> = { s: ['s', 'd'], d: ['d', 's'], a: ['a', 'b'], b: ['b', 'a'] };

function fieldMap(h1: Packet, h2: Packet, c1: Corner, c2: Corner): Record<Field, FieldSource> | null {
  const f1 = fieldsOf(h1);
  const f2 = fieldsOf(h2);
  const r1 = cornerFields(c1);
  const r2 = cornerFields(c2);
  const map = {} as Record<Field, FieldSource>;
  for (const f of FIELDS) {
    const from = CANDIDATES[f].find((x) => r1[x] === f1[f] && r2[x] === f2[f] && r1[x] !== r2[x]);
    if (from !== undefined) map[f] = { from };
    else if (f1[f] === f2[f]) map[f] = { value: f1[f] };
    else return null;
  }
  return map;
}

function shapeOf(index: SnapshotIndex, h1: Hop, h2: Hop, c1: Corner, c2: Corner): HopShape | null {
  if (h1.component !== h2.component || h1.path !== h2.path || h1.packet.protocol !== c1.protocol || h2.packet.protocol !== c2.protocol) return null;
  const map = fieldMap(h1.packet, h2.packet, c1, c2);
  const forAllB = h1.component === 'network-acl' && h1.dstPortsJudged ? { lo: h1.dstPortsJudged.from, hi: h1.dstPortsJudged.to } : null;
  if (forAllB === null && map === null) return null;
  const key = hopKey(h1);
  if (key !== hopKey(h2)) return null;
  const safeMap = map ?? { s: { from: 's' }, d: { from: 'd' }, a: { from: 'a' }, b: { from: 'b' } };
  if (h1.component === 'network-acl' && h2.component === 'network-acl' && h1.nacl !== null && h2.nacl !== null) {
    const acl = index.naclBySubnet.get(h1.subnetId);
    if (!acl) return null;
    return { key, path: h1.path, filter: { kind: 'nacl', acl, direction: h1.direction }, denies: false, map: safeMap, forAllB };
  }
  if (h1.component === 'security-group' && h2.component === 'security-group' && h1.sg !== null && h2.sg !== null && h1.path === 'forward') {
    const eni = index.eniById.get(h1.eniId);
    if (!eni) return null;
    return { key, path: h1.path, filter: { kind: 'sg', eni, direction: h1.direction }, denies: false, map: safeMap, forAllB: null };
  }
  // The response passes a group as tracked, or (untracked, ref 4.3) by a rule for all traffic to all
  // addresses: either way the group lets it through.
  if (h1.decision !== h2.decision) return null;
  if (map === null) return null;
  return { key, path: h1.path, filter: null, denies: h1.decision === 'deny', map, forAllB: null };
}

function hopKey(h: Hop): string {
  switch (h.component) {
    case 'security-group':
      // A stand-in for an address no interface has is named by its address: one kind of hop for all of them.
      return `sg|${h.path}|${h.unknownHost ? 'unassigned' : h.eniId}|${h.direction}|${h.path === 'forward' ? (h.sg === null ? 'n' : 'e') : h.decision === 'deny' ? 'deny' : 'ok'}`;
    case 'network-acl':
      return `nacl|${h.path}|${h.subnetId}|${h.direction}|${h.nacl === null ? h.skipped ?? '' : 'e'}|${h.dstPortsJudged ? 'all' : ''}`;
    case 'route':
      return `route|${h.path}|${h.subnetId}|${h.decision}|${h.reason ?? ''}|${h.route.routeTableId ?? ''}|${h.route.target?.id ?? ''}`;
    case 'block-public-access':
      return `bpa|${h.path}|${h.vpcId}|${h.direction}|${h.decision}`;
    default:
      return `${h.component}|${h.path}|${h.id}|${h.decision}`;
  }
}

function pathShape(index: SnapshotIndex, t1: PathResult, t2: PathResult, c1: Corner, c2: Corner): HopShape[] | null {
  if (t1.hops.length !== t2.hops.length) return null;
  const out: HopShape[] = [];
  for (let i = 0; i < t1.hops.length; i++) {
    const s = shapeOf(index, t1.hops[i]!, t2.hops[i]!, c1, c2);
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Preimages

const DIM: Readonly<Record<Field, readonly ['s0' | 'd0' | 'a0' | 'b0', 's1' | 'd1' | 'a1' | 'b1']>> = {
  s: ['s0', 's1'],
  d: ['d0', 'd1'],
  a: ['a0', 'a1'],
  b: ['b0', 'b1'],
};

/**
 * The requests whose packet at a hop (the hop's fields read through `map`) lies in `set`; fields in
 * `ignore` are not constrained.
 */
function preimage(set: PacketSet, map: Readonly<Record<Field, FieldSource>>, ignore: Field | null): PacketSet {
  const family = set.family;
  const full = universe(family);
  const out: Box[] = [];
  for (const h of set.boxes) {
    const bounds: Record<Field, [bigint, bigint]> = { s: [0n, addressMax(family)], d: [0n, addressMax(family)], a: [0n, 65535n], b: [0n, 65535n] };
    let ok = true;
    for (const f of FIELDS) {
      if (f === ignore) continue;
      const [k0, k1] = DIM[f];
      const lo = BigInt(h[k0]);
      const hi = BigInt(h[k1]);
      const src = map[f];
      if ('value' in src) {
        if (src.value < lo || src.value > hi) ok = false;
      } else {
        const cur = bounds[src.from];
        cur[0] = cur[0] > lo ? cur[0] : lo;
        cur[1] = cur[1] < hi ? cur[1] : hi;
        if (cur[0] > cur[1]) ok = false;
      }
      if (!ok) break;
    }
    if (!ok) continue;
    for (const x of full.boxes) {
      if (x.p1 < h.p0 || x.p0 > h.p1) continue;
      const p0 = Math.max(x.p0, h.p0);
      const p1 = Math.min(x.p1, h.p1);
      const a0 = Math.max(x.a0, Number(bounds.a[0]));
      const a1 = Math.min(x.a1, Number(bounds.a[1]));
      const b0 = Math.max(x.b0, Number(bounds.b[0]));
      const b1 = Math.min(x.b1, Number(bounds.b[1]));
      if (a0 > a1 || b0 > b1) continue;
      out.push({ s0: bounds.s[0], s1: bounds.s[1], d0: bounds.d[0], d1: bounds.d[1], p0, p1, a0, a1, b0, b1 });
    }
  }
  // Boxes of `set` that differ only in an ignored or constant field give overlapping preimages.
  return unionAll(family, out.map((b) => ({ family, boxes: [b] })));
}

/** The requests (in `region`) whose packet the hop lets through. */
function hopAdmits(shape: HopShape, admitted: PacketSet, region: PacketSet): PacketSet {
  if (shape.forAllB === null) return intersect(region, preimage(admitted, shape.map, null));
  // Every port of the range must pass: remove the requests for which some port of it is denied.
  const denied = intersect(subtract(universe(admitted.family), admitted), setOf(admitted.family, { dstPorts: shape.forAllB }));
  return subtract(region, preimage(denied, shape.map, 'b'));
}

// ---------------------------------------------------------------------------------------------------
// The analysis

interface Part {
  readonly set: PacketSet;
  readonly by: readonly AllowedBy[];
}

/** A bound on splitting: past it, a cut is missing from structuralIntervals (a defect, reported as such). */
const MAX_REFINEMENTS = 2000;

class ReachAnalysis {
  lastMismatch = '';
  private readonly naclCache = new Map<string, NaclAdmission>();
  readonly notes = new Set<string>();
  readonly unknown = new Map<string, UnknownRule>();
  refinements = 0;
  constructor(
    readonly index: SnapshotIndex,
    /** Judge the forward path only: requests that arrive, whatever becomes of their responses. */
    readonly forwardOnly = false,
  ) {}

  nacl(acl: NetworkAcl, direction: Direction, family: Family): NaclAdmission {
    const key = `${acl.id}|${direction}|${family}`;
    let hit = this.naclCache.get(key);
    if (!hit) this.naclCache.set(key, (hit = naclAdmits(acl, direction, family)));
    return hit;
  }

  sg(eni: Eni, direction: Direction, family: Family): SgAdmission {
    return sgAdmits(this.index, eni.groupIds, direction, family);
  }

  trace(family: Family, c: Corner): PathResult | null {
    const s = ipOf(family, c.s);
    const d = ipOf(family, c.d);
    const src = resolveEndpoint(this.index, formatIp(s), () => s);
    const dst = resolveEndpoint(this.index, formatIp(d), () => d);
    if (!src.ok || !dst.ok) return null;
    const kind = protocolKind(c.protocol);
    const packet: Packet = {
      protocol: c.protocol,
      src: s,
      dst: d,
      srcPort: kind === 'ports' ? c.a : null,
      dstPort: kind === 'ports' ? c.b : null,
      icmpType: kind === 'icmp' ? c.a : null,
      icmpCode: kind === 'icmp' ? c.b : null,
    };
    return tracePath(this.index, { src: src.endpoint, dst: dst.endpoint, packet });
  }

  /**
   * The parts of a region that connect: sources `srcs` (sorted disjoint intervals, between which lie only
   * addresses outside the domain), destinations `dst`, one protocol class.
   */
  region(family: Family, srcs: readonly Interval<bigint>[], dst: Interval<bigint>, cls: ProtoClass['boxes']): Part[] {
    const first = cls[0]!;
    const last = cls[cls.length - 1]!;
    // Opposite corners, so that no two fields that vary take the same value in both.
    const c1: Corner = { s: srcs[0]!.lo, d: dst.hi, protocol: first.p0, a: first.a0, b: first.b1 };
    const c2: Corner = { s: srcs[srcs.length - 1]!.hi, d: dst.lo, protocol: last.p1, a: last.a1, b: last.b0 };
    const t1 = this.trace(family, c1);
    const t2 = this.trace(family, c2);
    const shape = t1 && t2 ? pathShape(this.index, t1, t2, c1, c2) : null;
    if (shape === null) {
      this.lastMismatch = t1 && t2 ? describeMismatch(t1, t2) : 'an endpoint did not resolve';
      return this.split(family, srcs, dst, cls);
    }
    const regionSet: PacketSet = { family, boxes: srcs.flatMap((src) => cls.map((b) => ({ s0: src.lo, s1: src.hi, d0: dst.lo, d1: dst.hi, ...b }))) };
    const judged = this.forwardOnly ? shape.filter((h) => h.path === 'forward') : shape;
    if (judged.some((h) => h.denies)) return [];
    let parts: Part[] = [{ set: regionSet, by: [] }];
    for (const h of judged) {
      if (h.filter === null) continue;
      const pieces = this.pieces(h.filter, family);
      const next: Part[] = [];
      for (const part of parts) {
        if (h.forAllB !== null) {
          // A NAT gateway's remap: every port of the range must pass, so the part stays whole, let through
          // by the entries that decide the range.
          const got = hopAdmits(h, this.admittedSet(h.filter, family), part.set);
          if (isEmpty(got)) continue;
          const range = setOf(family, { dstPorts: h.forAllB });
          const labels = pieces.filter((p) => p.label !== null && !isEmpty(intersect(p.set, range))).map((p) => p.label!);
          next.push({ set: got, by: [...part.by, ...labels] });
          continue;
        }
        for (const piece of pieces) {
          const got = hopAdmits(h, piece.set, part.set);
          if (!isEmpty(got)) next.push({ set: got, by: piece.label === null ? part.by : [...part.by, piece.label] });
        }
      }
      parts = next;
      if (parts.length === 0) return [];
    }
    for (const t of [t1!, t2!]) for (const n of t.notes) this.notes.add(n);
    return parts;
  }

  private split(family: Family, srcs: readonly Interval<bigint>[], dst: Interval<bigint>, cls: ProtoClass['boxes']): Part[] {
    this.refinements++;
    if (this.refinements > MAX_REFINEMENTS) {
      throw new Error(`reach: the paths of a region (sources ${formatIp(ipOf(family, srcs[0]!.lo))}-${formatIp(ipOf(family, srcs[srcs.length - 1]!.hi))}, destination ${formatIp(ipOf(family, dst.lo))}, protocol ${cls[0]!.p0}) kept differing after ${MAX_REFINEMENTS} splits: ${this.lastMismatch}`);
    }
    const halves = <T extends bigint | number>(x: Interval<T>, mid: T): [Interval<T>, Interval<T>] => [
      { lo: x.lo, hi: mid },
      { lo: (typeof mid === 'bigint' ? mid + 1n : (mid as number) + 1) as T, hi: x.hi },
    ];
    if (srcs.length > 1) {
      const mid = Math.floor(srcs.length / 2);
      return [...this.region(family, srcs.slice(0, mid), dst, cls), ...this.region(family, srcs.slice(mid), dst, cls)];
    }
    const src = srcs[0]!;
    if (src.lo < src.hi) {
      const [x, y] = halves(src, (src.lo + src.hi) / 2n);
      return [...this.region(family, [x], dst, cls), ...this.region(family, [y], dst, cls)];
    }
    if (dst.lo < dst.hi) {
      const [x, y] = halves(dst, (dst.lo + dst.hi) / 2n);
      return [...this.region(family, srcs, x, cls), ...this.region(family, srcs, y, cls)];
    }
    if (cls.length > 1) {
      const mid = Math.floor(cls.length / 2);
      return [...this.region(family, srcs, dst, cls.slice(0, mid)), ...this.region(family, srcs, dst, cls.slice(mid))];
    }
    const b = cls[0]!;
    for (const [k0, k1] of [['p0', 'p1'], ['a0', 'a1'], ['b0', 'b1']] as const) {
      if (b[k0] < b[k1]) {
        const mid = Math.floor((b[k0] + b[k1]) / 2);
        return [...this.region(family, srcs, dst, [{ ...b, [k1]: mid }]), ...this.region(family, srcs, dst, [{ ...b, [k0]: mid + 1 }])];
      }
    }
    // One packet whose two corners are the same point cannot differ: unreachable.
    return [];
  }

  private admittedSet(f: Filter, family: Family): PacketSet {
    return f.kind === 'nacl' ? this.nacl(f.acl, f.direction, family).allowed : this.sg(f.eni, f.direction, family).allowed;
  }

  /** The disjoint pieces of what a filter admits, each with the rule deciding it (null: no group to name). */
  private pieces(f: Filter, family: Family): { set: PacketSet; label: AllowedBy | null }[] {
    if (f.kind === 'nacl') {
      return this.nacl(f.acl, f.direction, family).pieces.map((p) => ({ set: p.set, label: naclLabel(f.acl, p.entry) }));
    }
    const adm = this.sg(f.eni, f.direction, family);
    for (const u of adm.unknown) {
      const label = sgLabel(this.index, u.rule);
      this.unknown.set(`${label.id}|${label.rule}`, { groupId: label.id, rule: label.rule, reason: u.reason });
    }
    // An interface without security groups (a NAT gateway's, a transit gateway's) filters nothing.
    if (adm.noGroups) return [{ set: adm.allowed, label: null }];
    return adm.pieces.map((p) => ({ set: p.set, label: sgLabel(this.index, p.rule) }));
  }
}

function describeMismatch(t1: PathResult, t2: PathResult): string {
  const show = (t: PathResult) => t.hops.map((h) => `${hopKey(h)} ${formatIp(h.packet.src)}:${h.packet.srcPort ?? h.packet.icmpType}>${formatIp(h.packet.dst)}:${h.packet.dstPort ?? h.packet.icmpCode}`).join(' / ');
  return `${show(t1)}  VERSUS  ${show(t2)}`;
}

function naclLabel(acl: NetworkAcl, e: NaclEntry): AllowedBy {
  return { component: 'network-acl', id: acl.id, direction: e.direction, rule: e.ruleNumber };
}

function sgLabel(index: SnapshotIndex, r: SgRule): AllowedBy {
  const g = index.groupById.get(r.groupId);
  const list = g ? (r.direction === 'inbound' ? g.inbound : g.outbound) : [];
  return { component: 'security-group', id: r.groupId, direction: r.direction, rule: r.ruleId ?? list.indexOf(r) };
}

function ipOf(family: Family, v: bigint): Ip {
  return family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v };
}

function labelKey(by: readonly AllowedBy[]): string {
  return by.map((b) => `${b.component}|${b.id}|${b.direction}|${b.rule}`).join(';');
}

function orderLabels(by: readonly AllowedBy[]): AllowedBy[] {
  const seen = new Set<string>();
  const out: AllowedBy[] = [];
  for (const b of [...by.filter((x) => x.component === 'security-group'), ...by.filter((x) => x.component === 'network-acl')]) {
    const k = labelKey([b]);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(b);
    }
  }
  return out;
}

export function fromText(from: ReachFrom): string {
  switch (from.kind) {
    case 'internet':
    case 'any':
      return from.kind;
    case 'cidr':
      return from.cidr.text;
    case 'eni':
      return from.eniId;
    case 'subnet':
      return from.subnetId;
  }
}

/** The exact set of connections from `query.from` that reach `query.to` and whose responses get back. */
export function reach(index: SnapshotIndex, query: ReachQuery): ReachResult {
  const target = index.eniById.get(query.to);
  if (!target) throw new Error(`no network interface ${query.to} in the snapshot`);
  return analyse(index, query.to, fromText(query.from), query, (family) => {
    const domain = reachDomain(index, target, query.from, family);
    return { sources: domain.sources, internet: domain.internet, destinations: (isInternet) => (isInternet ? domain.internetDestinations : domain.otherDestinations) };
  });
}

export interface ReachOutQuery {
  /** Senders inside the snapshot (an interface, a subnet, a CIDR: its addresses inside the VPCs). */
  readonly from: ReachFrom;
  /** Destinations per family: only their addresses outside the snapshot's VPCs and public addresses count. */
  readonly to: Readonly<Record<Family, readonly Interval<bigint>[]>>;
  /** How the result names the destinations (`internet`, a CIDR). */
  readonly toText: string;
  readonly protocol?: number;
  readonly ports?: Interval<number>;
  /** As ReachQuery's: the forward path only. */
  readonly forwardOnly?: boolean;
}

/** Addresses no host has: this network, multicast and reserved (IPv4 224.0.0.0/3 with the broadcast); unspecified and multicast (IPv6). */
const NO_HOST: Readonly<Record<Family, readonly string[]>> = { 4: ['0.0.0.0/8', '224.0.0.0/3'], 6: ['::/128', 'ff00::/8'] };

/** The destinations reachOut asks about: `to` less the snapshot's VPCs, its public addresses and the addresses no host has. */
export function reachOutDestinations(index: SnapshotIndex, to: readonly Interval<bigint>[], family: Family): Interval<bigint>[] {
  return subtractIntervals(to, [...vpcIntervals(index, family), ...snapshotPublicAddresses(index, family), ...nonSenders(index, family), ...NO_HOST[family].map(cidrIv)], family);
}

/** The senders reachOut asks about: `from`'s addresses inside the snapshot's VPCs that start connections. */
export function reachOutSources(index: SnapshotIndex, from: ReachFrom, family: Family): Interval<bigint>[] {
  return subtractIntervals(intersectIntervals(fromIntervals(index, from, family), vpcIntervals(index, family)), nonSenders(index, family), family);
}

/**
 * The exact set of connections from senders inside the snapshot to addresses outside it (the internet,
 * on-premises networks, peers beyond the snapshot) that trace says connect, forward and return: reach's
 * analysis with the destinations split at the same cuts as the sources.
 */
export function reachOut(index: SnapshotIndex, query: ReachOutQuery): ReachResult {
  return analyse(index, query.toText, fromText(query.from), query, (family) => {
    const dsts = reachOutDestinations(index, query.to[family], family);
    const cuts = structuralIntervals(index, family).filter((c) => intersectIntervals([c], dsts).length > 0);
    const pieces = splitAt([{ lo: 0n, hi: addressMax(family) }], cuts).flatMap((piece) => intersectIntervals([piece], dsts));
    return { sources: reachOutSources(index, query.from, family), internet: internetIntervals(index, family), destinations: () => pieces };
  });
}

/** Addresses no connection is opened to: "this network", loopback, link-local, multicast and broadcast. */
const IPV4_NO_DESTINATION = ['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/3'];
const IPV6_NO_DESTINATION = ['::/127', 'fe80::/10', 'ff00::/8'];

/**
 * The addresses outside every VPC of `indexes` that a connection can be opened to: the internet and networks
 * reached through gateways (on-premises, peered VPCs not in the snapshots), without the snapshots' own public
 * addresses (what reaches those is the inbound answer of their interfaces) and AWS's link-local services.
 */
export function outsideDestinations(indexes: readonly SnapshotIndex[], family: Family): Interval<bigint>[] {
  const not = (family === 4 ? IPV4_NO_DESTINATION : IPV6_NO_DESTINATION).map(cidrIv);
  for (const c of LINK_LOCAL_SERVICE_RANGES) if (c.family === family) not.push(cidrInterval(c));
  for (const index of indexes) not.push(...vpcIntervals(index, family), ...snapshotPublicAddresses(index, family));
  return complementIntervals(family, not);
}

/**
 * The exact set of connections interface `eniId` may open to addresses outside every VPC of `outsideOf`
 * (outsideDestinations) and whose responses get back: reachOut from the interface. `from` of the result is
 * the interface, `to` is "outside".
 */
export function reachOutbound(index: SnapshotIndex, eniId: string, outsideOf: readonly SnapshotIndex[] = [index]): ReachResult {
  if (!index.eniById.has(eniId)) throw new Error(`no network interface ${eniId} in the snapshot`);
  const all = outsideOf.includes(index) ? outsideOf : [index, ...outsideOf];
  return reachOut(index, { from: { kind: 'eni', eniId }, to: { 4: outsideDestinations(all, 4), 6: outsideDestinations(all, 6) }, toText: 'outside' });
}

interface FamilyDomain {
  readonly sources: readonly Interval<bigint>[];
  readonly internet: readonly Interval<bigint>[];
  /** The destination intervals for a region of sources (inside the internet or not). */
  readonly destinations: (isInternet: boolean) => readonly Interval<bigint>[];
}

function analyse(index: SnapshotIndex, to: string, from: string, query: { protocol?: number; ports?: Interval<number>; forwardOnly?: boolean }, domainOf: (family: Family) => FamilyDomain): ReachResult {
  const analysis = new ReachAnalysis(index, query.forwardOnly ?? false);
  const sets: Record<Family, PacketSet> = { 4: emptySet(4), 6: emptySet(6) };
  const rows: ReachRow[] = [];
  const labelled: { family: Family; by: readonly AllowedBy[]; set: PacketSet }[] = [];
  for (const family of [4, 6] as const) {
    const domain = domainOf(family);
    if (domain.sources.length === 0) continue;
    // Only cuts inside the domain tell its packets apart: an excluded address (another interface's public
    // address, from the internet) is a hole in a region, not a boundary between two.
    const notInternet = complementIntervals(family, domain.internet);
    const cuts = [...structuralIntervals(index, family), ...notInternet].filter((c) => intersectIntervals([c], domain.sources).length > 0);
    const regions = splitAt([{ lo: 0n, hi: addressMax(family) }], cuts)
      .map((piece) => intersectIntervals([piece], domain.sources))
      .filter((srcs) => srcs.length > 0);
    const classes = protocolClasses(query.protocol, query.ports);
    const byLabels = new Map<string, { by: AllowedBy[]; sets: PacketSet[] }>();
    for (const src of regions) {
      const isInternet = intersectIntervals(src, domain.internet).length > 0;
      for (const dst of domain.destinations(isInternet)) {
        for (const cls of classes) {
          for (const part of analysis.region(family, src, dst, cls.boxes)) {
            const by = orderLabels(part.by);
            const k = labelKey(by);
            const g = byLabels.get(k);
            if (g) g.sets.push(part.set);
            else byLabels.set(k, { by, sets: [part.set] });
          }
        }
      }
    }
    const all: PacketSet[] = [];
    for (const { by, sets: parts } of [...byLabels.values()].sort((x, y) => labelKey(x.by).localeCompare(labelKey(y.by)))) {
      const set = normalize(unionAll(family, parts));
      all.push(set);
      labelled.push({ family, by, set });
      for (const row of renderSet(set)) rows.push({ ...row, allowedBy: by });
    }
    sets[family] = unionAll(family, all);
  }
  rows.sort((x, y) => x.family - y.family || rowOrder(x) - rowOrder(y));
  return {
    to,
    from,
    allowed: rows,
    sets,
    parts: labelled,
    unknown: [...analysis.unknown.values()],
    notes: [...analysis.notes],
    refinements: analysis.refinements,
  };
}

function rowOrder(r: ReachRow): number {
  const first = r.ports?.[0]?.[0] ?? r.icmp?.[0]?.type ?? 0;
  return (r.protocol === -1 ? -1 : r.protocol) * 100000 + first;
}
