/**
 * Independent oracles for the engine properties, written from the AWS description (ref 4, 5, 6.1, 8.13-8.15)
 * and not from src/: nothing here imports src/engine or src/net. Addresses are compared with ipaddr.js.
 *
 * NACL and security-group oracles work over the small universe (test/arbitraries/universe.ts): each entry or
 * rule is EXPANDED into the explicit set of universe points (peer address, protocol, port or ICMP type/code)
 * it covers; a NACL verdict is then the action of the lowest-numbered entry whose set holds the packet's
 * point (else deny by 32767 / 32768), and a security group allows the union of its rules' sets.
 */
import ipaddr from 'ipaddr.js';
import type { IcmpMatch, Ip, PortRange } from '../../src/model/address.js';
import type { Packet } from '../../src/model/flow.js';
import type { Direction, NaclEntry, NetworkAcl, PrefixList, Route, RouteTable, SgRule, Snapshot } from '../../src/model/snapshot.js';
import {
  ALL_ADDRESSES,
  type Detail,
  type IpaddrAddress,
  PACKET_PROTOCOLS,
  addressKey,
  detailsOf,
  ipaddrOf,
  ipaddrOfIp,
} from '../arbitraries/universe.js';

// ---------------------------------------------------------------------------------------------------
// The universe as sets of string keys

interface UniverseAddress {
  readonly key: string;
  readonly addr: IpaddrAddress;
}

const UNIVERSE: readonly UniverseAddress[] = ALL_ADDRESSES.map((t) => {
  const addr = ipaddrOf(t);
  return { key: addressKey(addr), addr };
});

function detailKey(d: Detail): string {
  return d.kind === 'port' ? `port ${d.port}` : d.kind === 'icmp' ? `icmp ${d.type}/${d.code}` : 'no ports';
}

function pointKey(addressKeyText: string, protocol: number, d: Detail): string {
  return `${addressKeyText} proto ${protocol} ${detailKey(d)}`;
}

const ALL_POINT_KEYS: ReadonlySet<string> = new Set(
  UNIVERSE.flatMap((a) => PACKET_PROTOCOLS.flatMap((p) => detailsOf(p).map((d) => pointKey(a.key, p, d)))),
);

/** Is the address in the block? Families never mix: 0.0.0.0/0 holds no IPv6 address and ::/0 no IPv4 (ref 8.13). */
export function inBlock(addr: IpaddrAddress, cidrText: string): boolean {
  const [net, len] = ipaddr.parseCIDR(cidrText);
  return net.kind() === addr.kind() && addr.match(net, len);
}

function universeIn(cidrText: string): UniverseAddress[] {
  return UNIVERSE.filter((a) => inBlock(a.addr, cidrText));
}

/**
 * The universe point of a packet as a rule of `direction` sees it: the peer is the source of inbound traffic
 * and the destination of outbound traffic (ref 4.2, 5.1); ports are destination ports. Throws for a packet
 * outside the universe (the oracle would silently answer "no rule covers it").
 */
export function pointKeyOf(packet: Packet, direction: Direction): string {
  const peer = direction === 'inbound' ? packet.src : packet.dst;
  const key = addressKey(ipaddrOfIp(peer));
  const p = packet.protocol;
  const d: Detail =
    p === 6 || p === 17
      ? { kind: 'port', port: packet.dstPort ?? NaN }
      : p === 1 || p === 58
        ? { kind: 'icmp', type: packet.icmpType ?? NaN, code: packet.icmpCode ?? NaN }
        : { kind: 'none' };
  const k = pointKey(key, p, d);
  if (!ALL_POINT_KEYS.has(k)) throw new Error(`oracle: packet outside the universe: ${k}`);
  return k;
}

/**
 * The details of protocol `p` a rule covers (ref 4.2, 5.2, 8.15): protocol -1 covers everything; tcp/udp
 * rules cover the destination ports in their inclusive range (null: all); icmp rules the type/code pairs
 * their match allows (null or type -1: all; code -1: every code of the type); every other protocol ignores
 * ports and types. `typesApply` is false for a NACL protocol-58 entry with an IPv4 CIDR (ref 5.2).
 */
function coveredDetails(p: number, ruleProtocol: number, ports: PortRange | null, icmp: IcmpMatch | null, typesApply: boolean): Detail[] {
  const all = detailsOf(p);
  if (ruleProtocol === -1) return [...all];
  if (p === 6 || p === 17) return all.filter((d) => ports === null || (d.kind === 'port' && ports.from <= d.port && d.port <= ports.to));
  if ((p === 1 || p === 58) && typesApply) {
    return all.filter(
      (d) => icmp === null || icmp.type === -1 || (d.kind === 'icmp' && d.type === icmp.type && (icmp.code === -1 || d.code === icmp.code)),
    );
  }
  return [...all];
}

/** Peer addresses × protocols × covered details. A null (unreadable) protocol covers nothing. */
function expand(peers: readonly UniverseAddress[], protocol: number | null, ports: PortRange | null, icmp: IcmpMatch | null, typesApply: (p: number) => boolean): Set<string> {
  const out = new Set<string>();
  if (protocol === null) return out;
  const protocols = protocol === -1 ? PACKET_PROTOCOLS : PACKET_PROTOCOLS.filter((p) => p === protocol);
  for (const p of protocols) {
    for (const d of coveredDetails(p, protocol, ports, icmp, typesApply(p))) for (const a of peers) out.add(pointKey(a.key, p, d));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Network ACLs (ref 5)

/** The universe points a NACL entry covers; an entry with an unreadable CIDR covers nothing. */
export function expandNaclEntry(e: NaclEntry): Set<string> {
  if (e.cidr === null) return new Set();
  const ipv6Block = ipaddr.parseCIDR(e.cidr.text)[0].kind() === 'ipv6';
  // Protocol 58 with an IPv4 CIDR covers every ICMP type and code (ref 5.2).
  return expand(universeIn(e.cidr.text), e.protocol, e.ports, e.icmp, (p) => p !== 58 || ipv6Block);
}

export interface NaclVerdict {
  readonly action: 'allow' | 'deny';
  readonly ruleNumber: number;
  readonly entry: NaclEntry | null;
}

/**
 * The oracle of one ACL: the lowest-numbered entry of the direction whose set holds the packet decides;
 * nothing holds it: deny by the `*` rule, 32767 for IPv4 and 32768 for IPv6 (ref 5.1, 8.13).
 */
export function naclOracle(acl: NetworkAcl): (direction: Direction, packet: Packet) => NaclVerdict {
  const expanded = acl.entries.map((e) => ({ e, covers: expandNaclEntry(e) }));
  return (direction, packet) => {
    const k = pointKeyOf(packet, direction);
    let best: NaclEntry | null = null;
    for (const { e, covers } of expanded) {
      if (e.direction === direction && covers.has(k) && (best === null || e.ruleNumber < best.ruleNumber)) best = e;
    }
    if (best) return { action: best.action, ruleNumber: best.ruleNumber, entry: best };
    return { action: 'deny', ruleNumber: packet.src.family === 4 ? 32767 : 32768, entry: null };
  };
}

// ---------------------------------------------------------------------------------------------------
// Security groups (ref 4)

export interface SgVerdict {
  readonly allowed: boolean;
  /** Every rule whose set holds the packet. */
  readonly matched: readonly SgRule[];
}

/**
 * The oracle of a snapshot's security groups. A rule's peer set: a CIDR's addresses; the current entries
 * of a prefix list (none when the list or its entries are missing); for a referenced group the private
 * IPv4 and IPv6 addresses of every ENI carrying it, with the addresses of their delegated prefixes, and
 * never their public IPs (ref 4.2); an unreadable peer covers nothing. An ENI with no groups is not filtered;
 * otherwise a packet is allowed when any rule of any of its described groups covers it (union, ref 4.1).
 */
export function sgOracle(snapshot: Snapshot): (groupIds: readonly string[], direction: Direction, packet: Packet) => SgVerdict {
  const keyOfIp = (ip: Ip) => addressKey(ipaddrOfIp(ip));
  const prefixList = (id: string): PrefixList | undefined => snapshot.prefixLists.find((p) => p.id === id);
  const peersOf = (rule: SgRule): UniverseAddress[] => {
    const peer = rule.peer;
    switch (peer.kind) {
      case 'cidr':
        return universeIn(peer.cidr.text);
      case 'prefix-list': {
        const entries = prefixList(peer.prefixListId)?.entries ?? [];
        return UNIVERSE.filter((a) => entries.some((c) => inBlock(a.addr, c.text)));
      }
      case 'group': {
        const members = snapshot.enis.filter((e) => e.groupIds.includes(peer.groupId));
        const own = new Set(members.flatMap((e) => [...e.privateIps, ...e.ipv6Addresses].map(keyOfIp)));
        const prefixes = members.flatMap((e) => [...e.ipv4Prefixes, ...e.ipv6Prefixes]);
        return UNIVERSE.filter((a) => own.has(a.key) || prefixes.some((c) => inBlock(a.addr, c.text)));
      }
      case 'invalid':
        return [];
    }
  };
  const cache = new Map<SgRule, Set<string>>();
  const covers = (rule: SgRule): Set<string> => {
    let s = cache.get(rule);
    if (!s) cache.set(rule, (s = expand(peersOf(rule), rule.protocol, rule.ports, rule.icmp, () => true)));
    return s;
  };
  return (groupIds, direction, packet) => {
    if (groupIds.length === 0) return { allowed: true, matched: [] };
    const k = pointKeyOf(packet, direction);
    const matched: SgRule[] = [];
    for (const id of new Set(groupIds)) {
      const group = snapshot.securityGroups.find((g) => g.id === id);
      if (!group) continue; // undescribed: its rules are unknown
      for (const r of direction === 'inbound' ? group.inbound : group.outbound) if (covers(r).has(k)) matched.push(r);
    }
    return { allowed: matched.length > 0, matched };
  };
}

// ---------------------------------------------------------------------------------------------------
// Routes (ref 6.1)

export const PROPAGATED_ORIGIN = 'EnableVgwRoutePropagation';
/** Targets for which AWS documents that a static route beats a propagated one with the same destination. */
const STATIC_BEATS_PROPAGATED: ReadonlySet<string> = new Set(['igw', 'nat', 'eni', 'instance', 'vpce', 'tgw', 'pcx']);

export interface RouteVerdict {
  readonly prefixLength: number;
  /** The routes AWS may pick (several only where AWS leaves the choice open). Empty: no route. */
  readonly acceptable: readonly Route[];
}

type RouteClass = 'static-cidr' | 'prefix-list' | 'propagated-cidr';

function classOf(r: Route): RouteClass {
  if (r.destination.kind === 'prefix-list') return 'prefix-list';
  return r.origin === PROPAGATED_ORIGIN ? 'propagated-cidr' : 'static-cidr';
}

/**
 * Does `a` win over `b` when both match with the same prefix length? (ref 6.1)
 * - a static CIDR route beats a prefix-list route;
 * - a prefix-list route beats a propagated route;
 * - a static route beats a propagated route with the same destination when its target is an IGW, NAT GW,
 *   ENI, instance, gateway endpoint, TGW or peering connection (other targets: not documented, either may win).
 * Two routes of the same class (overlapping prefix lists, ...) may go either way.
 */
function beats(a: Route, b: Route): boolean {
  const ca = classOf(a);
  const cb = classOf(b);
  if (ca === 'static-cidr' && cb === 'prefix-list') return true;
  if (ca === 'prefix-list' && cb === 'propagated-cidr') return true;
  if (ca === 'static-cidr' && cb === 'propagated-cidr') return STATIC_BEATS_PROPAGATED.has(a.target.kind);
  return false;
}

/**
 * For each route: does it hold the destination, and with which prefix length (a prefix list: its longest
 * entry holding it; a list that is missing or has no entries holds nothing; an unreadable destination
 * holds nothing)? The longest length wins; among
 * routes of that length, those no other route beats.
 */
export function routeOracle(prefixLists: readonly PrefixList[], table: RouteTable, dstText: string): RouteVerdict {
  const dst = ipaddrOf(dstText);
  const lengths = table.routes.map((r) => {
    if (r.destination.kind === 'invalid') return -1; // unreadable: kept, never matches
    if (r.destination.kind === 'cidr') return inBlock(dst, r.destination.cidr.text) ? r.destination.cidr.prefix : -1;
    const id = r.destination.prefixListId;
    const entries = prefixLists.find((p) => p.id === id)?.entries ?? [];
    return Math.max(-1, ...entries.filter((c) => inBlock(dst, c.text)).map((c) => c.prefix));
  });
  const best = Math.max(-1, ...lengths);
  if (best < 0) return { prefixLength: -1, acceptable: [] };
  const candidates = table.routes.filter((_, i) => lengths[i] === best);
  return { prefixLength: best, acceptable: candidates.filter((b) => !candidates.some((a) => a !== b && beats(a, b))) };
}

// ---------------------------------------------------------------------------------------------------
// Text

/** RFC 5952 text of an IPv6 value: lower-case, no leading zeros, the longest run (leftmost on a tie) of two
 * or more zero groups as `::`. Written here so formatIp is not checked against the library it uses. */
export function rfc5952(value: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((value >> BigInt(16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
