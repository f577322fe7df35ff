/**
 * fast-check arbitraries of vpcwhy model values (src/model/snapshot.ts, src/model/flow.ts), valid by
 * construction: canonical CIDRs, protocols the loader knows (never null), port ranges only on TCP/UDP
 * rules and ICMP type/code only on ICMP rules, ICMPv6 rules only with IPv6 peers, NACL rule numbers unique
 * per direction with the `*` entries AWS prints, every subnet inside its VPC and associated with one NACL,
 * every interface address inside its subnet (past the four addresses AWS reserves), group references that
 * resolve. They are built with record / array / map only (no chain), so they shrink well: a failing
 * snapshot shrinks toward one subnet, one interface, one group and the one rule that matters.
 *
 * fast-check is a peer dependency of vpcwhy/testing: `npm i -D fast-check`.
 */
import fc from 'fast-check';
import type { Cidr, IcmpMatch, Ip, PortRange } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type {
  Direction,
  Eni,
  Instance,
  InternetGateway,
  NaclEntry,
  NetworkAcl,
  PrefixList,
  Route,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  SgPeer,
  SgRule,
  Snapshot,
  Subnet,
  Vpc,
} from '../model/snapshot.js';
import { emptySnapshot } from '../model/snapshot.js';
import { cidrContains, formatIpv4, formatIpv6, parseCidr, parseIp } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP } from '../net/protocol.js';
import { internetIntervals } from '../audit/reach.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { NO_SENDERS } from './helpers.js';

const source = (path: string) => ({ file: 'vpcwhy/testing', path });

function cidrOfText(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`vpcwhy/testing: bad CIDR ${text}`);
  return c;
}

function ipOfText(text: string): Ip {
  const ip = parseIp(text);
  if (!ip) throw new Error(`vpcwhy/testing: bad address ${text}`);
  return ip;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const [wide, narrow] = a.prefix <= b.prefix ? [a, b] : [b, a];
  return cidrContains(wide, narrow.family === 4 ? { family: 4, value: narrow.network } : { family: 6, value: narrow.network });
}

// ---------------------------------------------------------------------------------------------------
// Addresses

export interface CidrArbOptions {
  /** Default: either. */
  readonly family?: 4 | 6;
  /** Only CIDRs inside this block (e.g. `10.0.0.0/16`); its family wins over `family`. */
  readonly within?: string;
  readonly minPrefix?: number;
  readonly maxPrefix?: number;
}

/** Canonical CIDRs (host bits cleared, as AWS stores them). Shrinks toward the widest block. */
export function cidrArb(options: CidrArbOptions = {}): fc.Arbitrary<Cidr> {
  const within = options.within === undefined ? null : cidrOfText(options.within);
  const family = within?.family ?? options.family;
  if (family === undefined) return fc.oneof(cidrArb({ ...options, family: 4 }), cidrArb({ ...options, family: 6 }));
  const width = family === 4 ? 32 : 128;
  const base = within?.prefix ?? 0;
  const min = Math.max(base, options.minPrefix ?? base);
  const max = Math.min(width, options.maxPrefix ?? width);
  if (min > max) throw new Error(`vpcwhy/testing cidrArb: no prefix length between ${min} and ${max}`);
  return fc.record({ prefix: fc.integer({ min, max }), bits: fc.bigInt({ min: 0n, max: (1n << BigInt(width - base)) - 1n }) }).map(({ prefix, bits }) => {
    const value = (within ? BigInt(within.network) : 0n) | bits;
    const text = family === 4 ? `${formatIpv4(Number(value))}/${prefix}` : `${formatIpv6(value)}/${prefix}`;
    return cidrOfText(text);
  });
}

/** Addresses, inside `within` when given. */
export function ipArb(options: { family?: 4 | 6; within?: string } = {}): fc.Arbitrary<Ip> {
  const within = options.within === undefined ? null : cidrOfText(options.within);
  const family = within?.family ?? options.family;
  if (family === undefined) return fc.oneof(ipArb({ family: 4 }), ipArb({ family: 6 }));
  const width = family === 4 ? 32 : 128;
  const base = within?.prefix ?? 0;
  return fc.bigInt({ min: 0n, max: (1n << BigInt(width - base)) - 1n }).map((bits): Ip => {
    const v = (within ? BigInt(within.network) : 0n) | bits;
    return family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v };
  });
}

// ---------------------------------------------------------------------------------------------------
// Protocols, ports, ICMP

/** The protocols rules are written with: tcp, udp, icmp, icmpv6, all (-1), and ESP (50, no ports). */
export const RULE_PROTOCOLS = [TCP, UDP, ICMP, ICMPV6, -1, 50] as const;

export const ruleProtocolArb: fc.Arbitrary<number> = fc.constantFrom(...RULE_PROTOCOLS);

const COMMON_RANGES: readonly (readonly [number, number])[] = [
  [22, 22],
  [80, 80],
  [443, 443],
  [5432, 5432],
  [8080, 8080],
  [1024, 65535],
  [32768, 60999],
  [0, 65535],
];

/** Inclusive port ranges, mostly the usual ones (so rules and packets meet), sometimes any. */
export const portRangeArb: fc.Arbitrary<PortRange> = fc.oneof(
  { arbitrary: fc.constantFrom(...COMMON_RANGES).map(([from, to]) => ({ from, to })), weight: 3 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) })), weight: 1 },
);

/** Type/code matches; -1 is "all", and a type of -1 has code -1 (ref 4.2). */
export const icmpMatchArb: fc.Arbitrary<IcmpMatch> = fc.oneof(
  fc.constantFrom<IcmpMatch>({ type: -1, code: -1 }, { type: 8, code: -1 }, { type: 0, code: -1 }, { type: 3, code: 4 }, { type: 128, code: -1 }),
  fc.record({ type: fc.integer({ min: 0, max: 255 }), code: fc.integer({ min: -1, max: 255 }) }),
);

/** ICMP for IPv4 peers, ICMPv6 for IPv6 ones (AWS rules pair them so). */
function icmpFor(protocol: number, family: 4 | 6 | null): number {
  if (family === null || (protocol !== ICMP && protocol !== ICMPV6)) return protocol;
  return family === 4 ? ICMP : ICMPV6;
}

function portPart(protocol: number, ports: PortRange, icmp: IcmpMatch): { ports: PortRange | null; icmp: IcmpMatch | null } {
  if (protocol === TCP || protocol === UDP) return { ports, icmp: null };
  if (protocol === ICMP || protocol === ICMPV6) return { ports: null, icmp };
  return { ports: null, icmp: null };
}

// ---------------------------------------------------------------------------------------------------
// Security groups

export interface SgRuleArbOptions {
  readonly groupId?: string;
  readonly direction?: Direction;
  /** The peers rules use; default CIDRs of either family. */
  readonly peer?: fc.Arbitrary<SgPeer>;
}

export function cidrPeerArb(options: CidrArbOptions = {}): fc.Arbitrary<SgPeer> {
  return cidrArb(options).map((cidr): SgPeer => ({ kind: 'cidr', cidr }));
}

/** One security-group rule (one peer, as the model holds them). */
export function sgRuleArb(options: SgRuleArbOptions = {}): fc.Arbitrary<SgRule> {
  return fc
    .record({
      direction: options.direction === undefined ? fc.constantFrom<Direction>('inbound', 'outbound') : fc.constant(options.direction),
      protocol: ruleProtocolArb,
      ports: portRangeArb,
      icmp: icmpMatchArb,
      peer: options.peer ?? cidrPeerArb(),
    })
    .map(({ direction, protocol: p, ports, icmp, peer }): SgRule => {
      const protocol = icmpFor(p, peer.kind === 'cidr' ? peer.cidr.family : null);
      return { groupId: options.groupId ?? 'sg-1', direction, protocol, ...portPart(protocol, ports, icmp), peer, source: source('IpPermissions') };
    });
}

export interface SecurityGroupArbOptions {
  readonly id?: string;
  readonly vpcId?: string;
  /** Rules per direction; default 4. */
  readonly maxRules?: number;
  readonly peer?: fc.Arbitrary<SgPeer>;
}

/** A group with up to `maxRules` rules each way, rule ids `sgr-<group>-<n>`. */
export function securityGroupArb(options: SecurityGroupArbOptions = {}): fc.Arbitrary<SecurityGroup> {
  const id = options.id ?? 'sg-1';
  const max = options.maxRules ?? 4;
  const peer = options.peer ? { peer: options.peer } : {};
  return fc
    .record({
      inbound: fc.array(sgRuleArb({ groupId: id, direction: 'inbound', ...peer }), { maxLength: max }),
      outbound: fc.array(sgRuleArb({ groupId: id, direction: 'outbound', ...peer }), { maxLength: max }),
    })
    .map(({ inbound, outbound }) => groupOf(id, options.vpcId ?? 'vpc-1', inbound, outbound));
}

/** AWS refuses a rule that repeats another of its group and direction: the later copies go. */
function distinctRules(rules: readonly SgRule[]): SgRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const peer = r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.kind === 'group' ? r.peer.groupId : r.peer.kind === 'prefix-list' ? r.peer.prefixListId : r.peer.text;
    const k = JSON.stringify([r.protocol, r.ports, r.icmp, peer]);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

function groupOf(id: string, vpcId: string, inboundIn: readonly SgRule[], outboundIn: readonly SgRule[]): SecurityGroup {
  const inbound = distinctRules(inboundIn);
  const outbound = distinctRules(outboundIn);
  const name = (r: SgRule, i: number, dir: string): SgRule => ({
    ...r,
    groupId: id,
    ruleId: `sgr-${id.replace(/^sg-/, '')}-${dir}${i}`,
    source: source(`SecurityGroups[${id}].${dir === 'i' ? 'IpPermissions' : 'IpPermissionsEgress'}[${i}]`),
  });
  return { id, groupName: id, vpcId, inbound: inbound.map((r, i) => name(r, i, 'i')), outbound: outbound.map((r, i) => name(r, i, 'e')), source: source(`SecurityGroups[${id}]`) };
}

// ---------------------------------------------------------------------------------------------------
// Network ACLs

export interface NaclEntryArbOptions {
  readonly direction?: Direction;
  /** Default: either family. */
  readonly cidr?: fc.Arbitrary<Cidr>;
}

/** Rule numbers 1-32766, mostly multiples of 10 as people write them. */
export const ruleNumberArb: fc.Arbitrary<number> = fc.oneof(fc.integer({ min: 1, max: 50 }).map((n) => n * 10), fc.integer({ min: 1, max: 32766 }));

export function naclEntryArb(options: NaclEntryArbOptions = {}): fc.Arbitrary<NaclEntry> {
  return fc
    .record({
      ruleNumber: ruleNumberArb,
      action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
      direction: options.direction === undefined ? fc.constantFrom<Direction>('inbound', 'outbound') : fc.constant(options.direction),
      protocol: ruleProtocolArb,
      ports: portRangeArb,
      icmp: icmpMatchArb,
      cidr: options.cidr ?? cidrArb(),
    })
    .map(({ ruleNumber, action, direction, protocol: p, ports, icmp, cidr }): NaclEntry => {
      const protocol = icmpFor(p, cidr.family);
      return { ruleNumber, action, direction, protocol, ...portPart(protocol, ports, icmp), cidr, source: source('Entries') };
    });
}

/** The `*` entries AWS lists last: 32767 deny all IPv4 both ways, and 32768 for IPv6 when the VPC has IPv6 (ref 5.5). */
export function defaultNaclEntries(ipv6: boolean): NaclEntry[] {
  const out: NaclEntry[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    out.push({ ruleNumber: 32767, action: 'deny', direction, protocol: -1, cidr: cidrOfText('0.0.0.0/0'), ports: null, icmp: null, source: source('Entries[*]') });
    if (ipv6) out.push({ ruleNumber: 32768, action: 'deny', direction, protocol: -1, cidr: cidrOfText('::/0'), ports: null, icmp: null, source: source('Entries[*]') });
  }
  return out;
}

/** Entries with unique (direction, rule number), as AWS enforces, then the `*` entries. */
export function naclEntriesArb(options: NaclEntryArbOptions & { maxEntries?: number; ipv6?: boolean } = {}): fc.Arbitrary<NaclEntry[]> {
  const ipv6 = options.ipv6 ?? true;
  const cidr = options.cidr ?? (ipv6 ? cidrArb() : cidrArb({ family: 4 }));
  return fc
    .uniqueArray(naclEntryArb({ ...options, cidr }), { maxLength: options.maxEntries ?? 6, selector: (e) => `${e.direction}:${e.ruleNumber}` })
    .map((entries) => [...entries.map((e, i) => ({ ...e, source: source(`Entries[${i}]`) })), ...defaultNaclEntries(ipv6)]);
}

export function networkAclArb(options: { id?: string; vpcId?: string; subnetIds?: readonly string[]; maxEntries?: number; ipv6?: boolean; cidr?: fc.Arbitrary<Cidr> } = {}): fc.Arbitrary<NetworkAcl> {
  const { id = 'acl-1', vpcId = 'vpc-1', subnetIds = [] } = options;
  return naclEntriesArb(options).map((entries) => ({ id, vpcId, isDefault: false, subnetIds: [...subnetIds], entries, source: source(`NetworkAcls[${id}]`) }));
}

// ---------------------------------------------------------------------------------------------------
// Routes

/** A route to one of `targets` (default an internet gateway igw-1), active or blackhole. */
export function routeArb(options: { targets?: readonly RouteTarget[]; destination?: fc.Arbitrary<Cidr> } = {}): fc.Arbitrary<Route> {
  const targets = options.targets ?? [{ kind: 'igw', id: 'igw-1' }];
  if (targets.length === 0) throw new Error('vpcwhy/testing routeArb: no targets');
  return fc
    .record({
      cidr: options.destination ?? cidrArb({ family: 4 }),
      target: fc.constantFrom(...targets),
      state: fc.oneof({ arbitrary: fc.constant<'active' | 'blackhole'>('active'), weight: 4 }, { arbitrary: fc.constant<'active' | 'blackhole'>('blackhole'), weight: 1 }),
    })
    .map(({ cidr, target, state }): Route => ({ destination: { kind: 'cidr', cidr }, target: { kind: target.kind, id: target.id }, state, origin: 'CreateRoute', source: source('Routes') }));
}

function localRoutes(vpc: Vpc): Route[] {
  return [...vpc.cidrs4, ...vpc.cidrs6].map((cidr) => ({ destination: { kind: 'cidr', cidr }, target: { kind: 'local', id: 'local' }, state: 'active', origin: 'CreateRouteTable', source: source('Routes[local]') }));
}

/**
 * A route table of `vpc`: its local routes, then up to `maxRoutes` routes to `targets` whose destinations
 * lie outside the VPC and differ from one another (AWS refuses duplicates and routes inside the VPC's blocks).
 */
export function routeTableArb(vpc: Vpc, options: { id?: string; isMain?: boolean; subnetIds?: readonly string[]; targets?: readonly RouteTarget[]; maxRoutes?: number } = {}): fc.Arbitrary<RouteTable> {
  return fc.array(routeArb(options.targets ? { targets: options.targets } : {}), { maxLength: options.maxRoutes ?? 3 }).map((extra): RouteTable => {
    const routes = localRoutes(vpc);
    for (const r of extra) {
      if (r.destination.kind !== 'cidr') continue;
      const c = r.destination.cidr;
      if ([...vpc.cidrs4, ...vpc.cidrs6].some((v) => overlaps(v, c))) continue;
      if (routes.some((x) => x.destination.kind === 'cidr' && x.destination.cidr.text === c.text)) continue;
      routes.push({ ...r, source: source(`Routes[${routes.length}]`) });
    }
    const id = options.id ?? 'rtb-1';
    return { id, vpcId: vpc.id, isMain: options.isMain ?? false, subnetIds: [...(options.subnetIds ?? [])], gatewayIds: [], routes, source: source(`RouteTables[${id}]`) };
  });
}

// ---------------------------------------------------------------------------------------------------
// Packets (flows)

export interface PacketArbOptions {
  readonly family?: 4 | 6;
  /** Sources and destinations; default any address of the family. */
  readonly src?: fc.Arbitrary<Ip>;
  readonly dst?: fc.Arbitrary<Ip>;
  /** Default tcp, udp, the family's ICMP and ESP (50). */
  readonly protocols?: readonly number[];
}

const SERVICE_PORTS = [22, 80, 443, 3306, 5432, 8080, 1024, 65535] as const;

/** Destination ports: the usual services mostly, sometimes any. */
export const dstPortArb: fc.Arbitrary<number> = fc.oneof({ arbitrary: fc.constantFrom(...SERVICE_PORTS), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 65535 }), weight: 1 });
/** Client ports: 1024-65535 (what clients and NAT gateways pick, ref 5.4). */
export const srcPortArb: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(50000, 32768, 1024, 65535), fc.integer({ min: 1024, max: 65535 }));

/**
 * Concrete packets (src/model/flow.ts) with every field their protocol needs: ports for TCP/UDP, type and
 * code for ICMP; src and dst of one family.
 */
export function packetArb(options: PacketArbOptions = {}): fc.Arbitrary<Packet> {
  const family = options.family ?? 4;
  const icmp = family === 4 ? ICMP : ICMPV6;
  return fc
    .record({
      protocol: fc.constantFrom(...(options.protocols ?? [TCP, TCP, UDP, icmp, 50])),
      src: options.src ?? ipArb({ family }),
      dst: options.dst ?? ipArb({ family }),
      srcPort: srcPortArb,
      dstPort: dstPortArb,
      icmpType: fc.constantFrom(8, 0, 3, 11, 128, 129),
      icmpCode: fc.constantFrom(0, 0, 1, 4),
    })
    .map(({ protocol, src, dst, srcPort, dstPort, icmpType, icmpCode }): Packet => {
      if (src.family !== dst.family) throw new Error('vpcwhy/testing packetArb: src and dst arbitraries give different families');
      const ports = protocol === TCP || protocol === UDP;
      const isIcmp = protocol === ICMP || protocol === ICMPV6;
      return { protocol, src, dst, srcPort: ports ? srcPort : null, dstPort: ports ? dstPort : null, icmpType: isIcmp ? icmpType : null, icmpCode: isIcmp ? icmpCode : null };
    });
}

/**
 * Internet hosts of a snapshot (ARCHITECTURE "the internet", reach's `internet`): addresses outside its
 * VPCs, the private, loopback and link-local ranges and its own public addresses, and that some host can
 * send from (not 0.0.0.0/8, 224.0.0.0/3, ::, ff00::/8); documentation ranges count. Uniform over the ranges, then within one; shrinks toward the start of the first range.
 */
export function internetAddressArb(index: SnapshotIndex, family: 4 | 6 = 4): fc.Arbitrary<Ip> {
  // Less the addresses no host sends from (0.0.0.0/8, multicast and reserved, ::, ff00::/8): NO_SENDERS.
  let ranges = internetIntervals(index, family);
  for (const c of NO_SENDERS[family].map(cidrOfText)) {
    const lo = BigInt(c.network);
    const hi = lo + (1n << BigInt((family === 4 ? 32 : 128) - c.prefix)) - 1n;
    ranges = ranges.flatMap((r) => (r.hi < lo || r.lo > hi ? [r] : [...(r.lo < lo ? [{ lo: r.lo, hi: lo - 1n }] : []), ...(r.hi > hi ? [{ lo: hi + 1n, hi: r.hi }] : [])]));
  }
  if (ranges.length === 0) throw new Error(`vpcwhy/testing internetAddressArb: no IPv${family} internet address`);
  return fc.record({ i: fc.nat({ max: ranges.length - 1 }), offset: fc.bigInt({ min: 0n, max: family === 4 ? 0xffffffffn : (1n << 128n) - 1n }) }).map(({ i, offset }): Ip => {
    const r = ranges[i]!;
    const v = r.lo + (offset % (r.hi - r.lo + 1n));
    return family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v };
  });
}

/** Addresses outside every snapshot, for flows: documentation ranges (internet hosts), an on-premises one, any. */
const OUTSIDE4 = ['198.51.100.7', '203.0.113.5', '192.0.2.10', '8.8.8.8', '172.16.5.5'].map(ipOfText);
const OUTSIDE6 = ['2001:db8::7', '2a00::1'].map(ipOfText);

/** The addresses of a snapshot's interfaces (private, public and IPv6), of one family. */
export function snapshotAddresses(snapshot: Snapshot, family: 4 | 6): Ip[] {
  const out: Ip[] = [];
  for (const e of snapshot.enis) {
    if (family === 4) out.push(...e.privateIps, ...e.publicIps.map((p) => p.publicIp));
    else out.push(...e.ipv6Addresses);
  }
  return out;
}

/**
 * Flows (packets) over a snapshot: each end an address of one of its interfaces or an outside host
 * (documentation ranges, 8.8.8.8, an on-premises 172.16.5.5, or any address), at least one end inside.
 */
export function flowArb(snapshot: Snapshot, options: { family?: 4 | 6 } = {}): fc.Arbitrary<Packet> {
  const family = options.family ?? (snapshotAddresses(snapshot, 4).length > 0 ? 4 : 6);
  const inside = snapshotAddresses(snapshot, family);
  if (inside.length === 0) throw new Error(`vpcwhy/testing flowArb: the snapshot has no IPv${family} interface address`);
  const outside = fc.oneof({ arbitrary: fc.constantFrom(...(family === 4 ? OUTSIDE4 : OUTSIDE6)), weight: 3 }, { arbitrary: ipArb({ family }), weight: 1 });
  const ends = fc.tuple(fc.constantFrom(...inside), fc.oneof(fc.constantFrom(...inside), outside), fc.boolean()).map(([a, b, swap]): [Ip, Ip] => (swap ? [b, a] : [a, b]));
  return fc.tuple(ends, packetArb({ family })).map(([[src, dst], p]): Packet => ({ ...p, src, dst }));
}

// ---------------------------------------------------------------------------------------------------
// Snapshots

export interface SnapshotArbOptions {
  /** Default 3 (at most 200). */
  readonly maxSubnets?: number;
  /** Default 4 (at most 200). */
  readonly maxInterfaces?: number;
  /** Default 3. */
  readonly maxGroups?: number;
  /** Rules per group and direction; default 3. */
  readonly maxRulesPerGroup?: number;
  /** Entries per NACL besides the `*` ones; default 6. */
  readonly maxNaclEntries?: number;
  /** Whether the VPC may have an IPv6 block (then subnets, interfaces, rules may use IPv6); default true. */
  readonly ipv6?: boolean;
}

export const VPC_ID = 'vpc-1';
export const VPC_CIDR = '10.0.0.0/16';
export const VPC_CIDR6 = '2600:1f18:abc:100::/56';
const PUBLIC_IP_BASE = ipOfText('54.240.0.10');

/** Peer references resolved when the snapshot is built: a CIDR, a block of subnet k, a group g, the prefix list. */
type PeerSpec =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'subnet'; readonly k: number; readonly v6: boolean }
  | { readonly kind: 'group'; readonly g: number }
  | { readonly kind: 'prefix-list' };

const WELL_KNOWN = ['0.0.0.0/0', '10.0.0.0/8', VPC_CIDR, '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '::/0', VPC_CIDR6, '2001:db8::/32'].map(cidrOfText);

function peerSpecArb(ipv6: boolean, groups: boolean): fc.Arbitrary<PeerSpec> {
  const known = WELL_KNOWN.filter((c) => ipv6 || c.family === 4);
  const arbs: fc.Arbitrary<PeerSpec>[] = [
    fc.constantFrom(...known).map((cidr): PeerSpec => ({ kind: 'cidr', cidr })),
    fc.record({ k: fc.nat(), v6: ipv6 ? fc.boolean() : fc.constant(false) }).map(({ k, v6 }): PeerSpec => ({ kind: 'subnet', k, v6 })),
    cidrArb(ipv6 ? {} : { family: 4 }).map((cidr): PeerSpec => ({ kind: 'cidr', cidr })),
    fc.constant<PeerSpec>({ kind: 'prefix-list' }),
  ];
  if (groups) arbs.push(fc.nat().map((g): PeerSpec => ({ kind: 'group', g })));
  return fc.oneof(...arbs);
}

const ruleSpecArb = (ipv6: boolean, groups: boolean) =>
  fc.record({ protocol: ruleProtocolArb, ports: portRangeArb, icmp: icmpMatchArb, peer: peerSpecArb(ipv6, groups) });

type RuleSpec = ReturnType<typeof ruleSpecArb> extends fc.Arbitrary<infer T> ? T : never;

/**
 * Snapshots of one VPC (vpc-1, 10.0.0.0/16, with 2600:1f18:abc:100::/56 when IPv6 is drawn): subnets
 * subnet-1... (10.0.k.0/24, 2600:1f18:abc:10k::/64), each associated with one of the NACLs acl-1...; a
 * main route table rtb-main with the local routes (and routes outside the VPC); with an internet gateway,
 * a table rtb-public routing 0.0.0.0/0 (and ::/0) to igw-1 for the public subnets; groups sg-1... whose
 * rules' peers are CIDRs, subnet blocks, groups of the snapshot or the prefix list pl-1; interfaces
 * eni-1... (instances i-1...) with a private IPv4 of their subnet, an IPv6 address and a public IPv4
 * 54.240.0.x sometimes, and one to three groups.
 */
export function snapshotArb(options: SnapshotArbOptions = {}): fc.Arbitrary<Snapshot> {
  const maxSubnets = Math.min(200, Math.max(1, options.maxSubnets ?? 3));
  const maxEnis = Math.min(200, Math.max(1, options.maxInterfaces ?? 4));
  const maxGroups = Math.max(1, options.maxGroups ?? 3);
  const maxRules = options.maxRulesPerGroup ?? 3;
  const allowV6 = options.ipv6 ?? true;
  return fc
    .record({
      ipv6: allowV6 ? fc.boolean() : fc.constant(false),
      igw: fc.boolean(),
      subnets: fc.array(fc.record({ acl: fc.nat(), isPublic: fc.boolean(), ipv6: fc.boolean() }), { minLength: 1, maxLength: maxSubnets }),
      acls: fc.array(
        fc.record({
          // AWS's default NACL: rule 100 allows everything both ways (and 101 for IPv6), ref 5.5.
          isDefault: fc.boolean(),
          entries: fc.uniqueArray(
            fc.record({ ruleNumber: ruleNumberArb, action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'), egress: fc.boolean(), rule: ruleSpecArb(allowV6, false) }),
            { maxLength: options.maxNaclEntries ?? 6, selector: (e) => `${e.egress}:${e.ruleNumber}` },
          ),
        }),
        { minLength: 1, maxLength: maxSubnets },
      ),
      groups: fc.array(fc.record({ inbound: fc.array(ruleSpecArb(allowV6, true), { maxLength: maxRules }), outbound: fc.array(ruleSpecArb(allowV6, true), { maxLength: maxRules }) }), { minLength: 1, maxLength: maxGroups }),
      enis: fc.array(fc.record({ subnet: fc.nat(), groups: fc.uniqueArray(fc.nat({ max: maxGroups - 1 }), { minLength: 1, maxLength: Math.min(3, maxGroups) }), publicIp: fc.boolean(), ipv6: fc.boolean() }), { minLength: 1, maxLength: maxEnis }),
      prefixList: fc.array(cidrArb({ family: 4, minPrefix: 8 }), { minLength: 1, maxLength: 3 }),
      extraRoutes: fc.array(routeArb({ targets: [{ kind: 'igw', id: 'igw-1' }] }), { maxLength: 2 }),
    })
    .map(buildSnapshot);
}

interface Spec {
  readonly ipv6: boolean;
  readonly igw: boolean;
  readonly subnets: readonly { acl: number; isPublic: boolean; ipv6: boolean }[];
  readonly acls: readonly { readonly isDefault: boolean; readonly entries: readonly { ruleNumber: number; action: 'allow' | 'deny'; egress: boolean; rule: RuleSpec }[] }[];
  readonly groups: readonly { inbound: readonly RuleSpec[]; outbound: readonly RuleSpec[] }[];
  readonly enis: readonly { subnet: number; groups: readonly number[]; publicIp: boolean; ipv6: boolean }[];
  readonly prefixList: readonly Cidr[];
  readonly extraRoutes: readonly Route[];
}

function buildSnapshot(spec: Spec): Snapshot {
  const vpc: Vpc = { id: VPC_ID, cidrs4: [cidrOfText(VPC_CIDR)], cidrs6: spec.ipv6 ? [cidrOfText(VPC_CIDR6)] : [], isDefault: false, source: source('Vpcs[0]') };
  const subnets: Subnet[] = spec.subnets.map((s, k) => ({
    id: `subnet-${k + 1}`,
    vpcId: VPC_ID,
    cidr4: cidrOfText(`10.0.${k}.0/24`),
    cidrs6: spec.ipv6 && s.ipv6 ? [cidrOfText(`2600:1f18:abc:1${k.toString(16).padStart(2, '0')}::/64`)] : [],
    source: source(`Subnets[${k}]`),
  }));
  const groupIds = spec.groups.map((_, g) => `sg-${g + 1}`);
  const prefixList: PrefixList = { id: 'pl-1', prefixListName: 'offices', addressFamily: 'IPv4', entries: [...spec.prefixList], source: source('PrefixLists[0]') };
  const peerOf = (p: PeerSpec): SgPeer | Cidr => {
    switch (p.kind) {
      case 'cidr':
        return p.cidr;
      case 'subnet': {
        const s = subnets[p.k % subnets.length]!;
        return (p.v6 ? s.cidrs6[0] : undefined) ?? s.cidr4!;
      }
      case 'group':
        return { kind: 'group', groupId: groupIds[p.g % groupIds.length]! };
      case 'prefix-list':
        return { kind: 'prefix-list', prefixListId: prefixList.id };
    }
  };
  const ruleOf = (r: RuleSpec, groupId: string, direction: Direction): SgRule => {
    const p = peerOf(r.peer);
    const peer: SgPeer = 'kind' in p ? p : { kind: 'cidr', cidr: p };
    const protocol = icmpFor(r.protocol, peer.kind === 'cidr' ? peer.cidr.family : peer.kind === 'prefix-list' ? 4 : null);
    return { groupId, direction, protocol, ...portPart(protocol, r.ports, r.icmp), peer, source: source('IpPermissions') };
  };
  const securityGroups = spec.groups.map((g, i) => groupOf(groupIds[i]!, VPC_ID, g.inbound.map((r) => ruleOf(r, groupIds[i]!, 'inbound')), g.outbound.map((r) => ruleOf(r, groupIds[i]!, 'outbound'))));
  const aclIds = spec.acls.map((_, a) => `acl-${a + 1}`);
  const allowAll = (ruleNumber: number, direction: Direction, text: string, i: number): NaclEntry => ({ ruleNumber, action: 'allow', direction, protocol: -1, cidr: cidrOfText(text), ports: null, icmp: null, source: source(`NetworkAcls[default].Entries[${i}]`) });
  const defaultAclEntries = [allowAll(100, 'inbound', '0.0.0.0/0', 0), allowAll(100, 'outbound', '0.0.0.0/0', 1), ...(spec.ipv6 ? [allowAll(101, 'inbound', '::/0', 2), allowAll(101, 'outbound', '::/0', 3)] : [])];
  // Only the first NACL may be the VPC's default one.
  const networkAcls: NetworkAcl[] = spec.acls.map(({ isDefault: d, entries }, a) => ({ isDefault: d && a === 0, entries }))
    .map(({ isDefault, entries }, a) => ({
    id: aclIds[a]!,
    vpcId: VPC_ID,
    isDefault,
    subnetIds: subnets.filter((_, k) => spec.subnets[k]!.acl % aclIds.length === a).map((s) => s.id),
    entries: isDefault ? [...defaultAclEntries, ...defaultNaclEntries(spec.ipv6)] : [
      ...entries.flatMap((e, i): NaclEntry[] => {
        const p = peerOf(e.rule.peer);
        // NACL entries take CIDRs only: a group or prefix-list peer becomes the VPC block.
        const cidr = 'kind' in p ? vpc.cidrs4[0]! : p;
        // IPv6 entries only in a VPC with IPv6.
        if (cidr.family === 6 && !spec.ipv6) return [];
        const protocol = icmpFor(e.rule.protocol, cidr.family);
        return [{ ruleNumber: e.ruleNumber, action: e.action, direction: e.egress ? 'outbound' : 'inbound', protocol, ...portPart(protocol, e.rule.ports, e.rule.icmp), cidr, source: source(`NetworkAcls[${a}].Entries[${i}]`) }];
      }),
      ...defaultNaclEntries(spec.ipv6),
    ],
    source: source(`NetworkAcls[${a}]`),
  }));
  const igw: InternetGateway | null = spec.igw ? { id: 'igw-1', vpcIds: [VPC_ID], source: source('InternetGateways[0]') } : null;
  const routeTables: RouteTable[] = [];
  const main: Route[] = localRoutes(vpc);
  for (const r of spec.extraRoutes) {
    if (r.destination.kind !== 'cidr' || !igw) continue;
    const c = r.destination.cidr;
    if ([...vpc.cidrs4, ...vpc.cidrs6].some((v) => overlaps(v, c)) || main.some((x) => x.destination.kind === 'cidr' && x.destination.cidr.text === c.text)) continue;
    main.push({ ...r, source: source(`RouteTables[0].Routes[${main.length}]`) });
  }
  routeTables.push({ id: 'rtb-main', vpcId: VPC_ID, isMain: true, subnetIds: [], gatewayIds: [], routes: main, source: source('RouteTables[0]') });
  const publicSubnets = subnets.filter((_, k) => spec.subnets[k]!.isPublic).map((s) => s.id);
  if (igw && publicSubnets.length > 0) {
    const toIgw = (text: string): Route => ({ destination: { kind: 'cidr', cidr: cidrOfText(text) }, target: { kind: 'igw', id: igw.id }, state: 'active', origin: 'CreateRoute', source: source('RouteTables[1].Routes') });
    routeTables.push({ id: 'rtb-public', vpcId: VPC_ID, isMain: false, subnetIds: publicSubnets, gatewayIds: [], routes: [...localRoutes(vpc), toIgw('0.0.0.0/0'), ...(spec.ipv6 ? [toIgw('::/0')] : [])], source: source('RouteTables[1]') });
  }
  const enis: Eni[] = spec.enis.map((e, i) => {
    const subnet = subnets[e.subnet % subnets.length]!;
    const k = subnets.indexOf(subnet);
    const host = 4 + i; // .0-.3 are AWS's (network, router, DNS, reserved)
    const privateIp = ipOfText(`10.0.${k}.${host}`);
    const six = subnet.cidrs6[0];
    return {
      id: `eni-${i + 1}`,
      subnetId: subnet.id,
      vpcId: VPC_ID,
      interfaceType: 'interface',
      requesterManaged: false,
      sourceDestCheck: true,
      instanceId: `i-${i + 1}`,
      privateIps: [privateIp],
      primaryPrivateIp: privateIp,
      ipv6Addresses: six && e.ipv6 ? [ipOfText(`${formatIpv6(BigInt(six.network)).replace(/::$/, '')}::${host.toString(16)}`)] : [],
      ipv4Prefixes: [],
      ipv6Prefixes: [],
      publicIps: e.publicIp ? [{ publicIp: { family: 4, value: (PUBLIC_IP_BASE.value as number) + i }, privateIp }] : [],
      groupIds: e.groups.map((g) => groupIds[g % groupIds.length]!).filter((g, j, all) => all.indexOf(g) === j),
      source: source(`NetworkInterfaces[${i}]`),
    };
  });
  const instances: Instance[] = enis.map((e, i) => ({ id: e.instanceId!, eniIds: [e.id], source: source(`Reservations[0].Instances[${i}]`) }));
  return {
    ...emptySnapshot(),
    vpcs: [vpc],
    subnets,
    enis,
    securityGroups,
    networkAcls,
    routeTables,
    prefixLists: [prefixList],
    internetGateways: igw ? [igw] : [],
    instances,
    meta: { regions: [], missing: [], files: [] },
  };
}

/** A snapshot and up to `maxFlows` flows over it (flowArb). Uses chain: shrinks the flows, then the snapshot. */
export function snapshotWithFlowsArb(options: SnapshotArbOptions & { maxFlows?: number } = {}): fc.Arbitrary<{ snapshot: Snapshot; flows: Packet[] }> {
  return snapshotArb(options).chain((snapshot) => fc.array(flowArb(snapshot, { family: 4 }), { minLength: 1, maxLength: options.maxFlows ?? 5 }).map((flows) => ({ snapshot, flows })));
}
