/**
 * The snapshot as relational rows for the SQL compiler (compile.ts): every fact attribution
 * (explain/attribute.ts) reads of the configuration, flattened. Addresses are ranges: IPv4 as integers
 * (lo4..hi4), IPv6 as 32-digit lower-case hex strings (lo6..hi6), which compare in address order as text.
 * A row of the other family leaves its two columns NULL, so a range test never matches across families.
 *
 * What is left out never matches in the engine either: NACL entries and SG rules of an unreadable
 * protocol or CIDR, SG rules with an invalid peer.
 */
import type { Cidr, Ip } from '../model/address.js';
import type { NaclEntry, SgRule } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { awsServiceBlocks } from '../engine/aws-services.js';
import { hostCidr } from '../net/ip.js';
import { ICMP, ICMPV6, TCP, UDP } from '../net/protocol.js';

export interface Range {
  readonly lo4: number | null;
  readonly hi4: number | null;
  readonly lo6: string | null;
  readonly hi6: string | null;
}

const MAX6 = (1n << 128n) - 1n;

/** An IPv6 value as the fixed-width form the SQL compares: 32 lower-case hex digits. */
export function hex6(v: bigint): string {
  return v.toString(16).padStart(32, '0');
}

export function rangeOf(c: Cidr): Range {
  if (c.family === 4) {
    const size = 2 ** (32 - c.prefix);
    const lo = c.network - (c.network % size);
    return { lo4: lo, hi4: lo + size - 1, lo6: null, hi6: null };
  }
  const hostBits = BigInt(128 - c.prefix);
  const mask = hostBits === 128n ? MAX6 : (1n << hostBits) - 1n;
  const lo = c.network & ~mask & MAX6;
  return { lo4: null, hi4: null, lo6: hex6(lo), hi6: hex6(lo | mask) };
}

export function rangeOfIp(ip: Ip): Range {
  return rangeOf(hostCidr(ip));
}

/**
 * How a rule's port / ICMP part matches a record's packet (engine/match.ts matchPortPart): `all` always,
 * `ports` on the destination port (unknown port: maybe), `icmp` never certainly (flow-log records carry
 * no ICMP type, so a type-specific rule is always undecided).
 */
export type PortKind = 'all' | 'ports' | 'icmp';

function portKind(protocol: number, ports: { from: number; to: number } | null, icmp: { type: number } | null, icmpv6Types: boolean): PortKind {
  if (protocol === TCP || protocol === UDP) return ports === null || (ports.from <= 0 && ports.to >= 65535) ? 'all' : 'ports';
  if (protocol === ICMP || (protocol === ICMPV6 && icmpv6Types)) return icmp === null || icmp.type === -1 ? 'all' : 'icmp';
  return 'all';
}

export interface EniRow {
  readonly eniId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  /** The subnet's NACL (explicit or the VPC default); null when the snapshot has none for it. */
  readonly naclId: string | null;
  /** The subnet is in the snapshot (the same-subnet skip needs its CIDRs). */
  readonly hasGroups: boolean;
  /** Distinct, sorted, comma-joined: the `ids` of a security-group blocker. */
  readonly groupIds: string;
  /** Some group on the ENI is not in the snapshot (a deny is then uncertain). */
  readonly unknownGroups: boolean;
}

export interface NaclRow extends Range {
  readonly naclId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly ruleNumber: number;
  readonly allow: boolean;
  readonly protocol: number;
  readonly portKind: PortKind;
  readonly portFrom: number | null;
  readonly portTo: number | null;
}

export interface SgRuleRow extends Range {
  readonly groupId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly protocol: number;
  readonly portKind: PortKind;
  readonly portFrom: number | null;
  readonly portTo: number | null;
  /** `cidr`: the rule's own range; `ref`: the ranges of peer_ref in the peer table; `unknown`: a group the snapshot knows nothing of. */
  readonly peerKind: 'cidr' | 'ref' | 'unknown';
  readonly peerRef: string | null;
}

export interface IdRange extends Range {
  readonly id: string;
}

export interface SnapshotTables {
  readonly enis: readonly EniRow[];
  /** Addresses an ENI owns (private IPv4, IPv6, delegated prefixes): direction (ref 8.3). */
  readonly eniAddrs: readonly IdRange[];
  /** (eni, group) pairs, distinct. */
  readonly eniGroups: ReadonlyArray<{ readonly eniId: string; readonly groupId: string }>;
  /** Subnet CIDRs, for the same-subnet skip (ref 8.8). */
  readonly subnetRanges: readonly IdRange[];
  readonly nacl: readonly NaclRow[];
  readonly sgRules: readonly SgRuleRow[];
  /** Ranges of prefix lists (by pl- id) and of referenced groups' members (by sg- id). */
  readonly peerRanges: readonly IdRange[];
  /** AWS service addresses per VPC (id = VPC id): never filtered (ref 3). */
  readonly services: readonly IdRange[];
  /** Every VPC CIDR: the direction of a record of an unknown interface. */
  readonly vpcRanges: readonly Range[];
}

function naclRow(naclId: string, e: NaclEntry): NaclRow | null {
  if (e.protocol === null || e.cidr === null) return null;
  const kind = portKind(e.protocol, e.ports, e.icmp, e.cidr.family === 6);
  return {
    naclId,
    direction: e.direction,
    ruleNumber: e.ruleNumber,
    allow: e.action === 'allow',
    protocol: e.protocol,
    portKind: kind,
    portFrom: kind === 'ports' ? e.ports!.from : null,
    portTo: kind === 'ports' ? e.ports!.to : null,
    ...rangeOf(e.cidr),
  };
}

const NO_RANGE: Range = { lo4: null, hi4: null, lo6: null, hi6: null };

function sgRow(index: SnapshotIndex, r: SgRule): SgRuleRow | null {
  if (r.protocol === null || r.peer.kind === 'invalid') return null;
  const kind = portKind(r.protocol, r.ports, r.icmp, true);
  const base = {
    groupId: r.groupId,
    direction: r.direction,
    protocol: r.protocol,
    portKind: kind,
    portFrom: kind === 'ports' ? r.ports!.from : null,
    portTo: kind === 'ports' ? r.ports!.to : null,
  };
  switch (r.peer.kind) {
    case 'cidr':
      return { ...base, peerKind: 'cidr', peerRef: null, ...rangeOf(r.peer.cidr) };
    case 'prefix-list': {
      // A prefix list without its entries: whether the peer is in it is unknown (undecided, as a group of unknown members).
      const unknown = (index.prefixListById.get(r.peer.prefixListId)?.entries ?? null) === null;
      return { ...base, peerKind: unknown ? 'unknown' : 'ref', peerRef: r.peer.prefixListId, ...NO_RANGE };
    }
    case 'group': {
      const g = r.peer.groupId;
      const unknown = !index.groupById.has(g) && !index.groupMemberIps.has(g) && !index.groupMemberPrefixes.has(g);
      return { ...base, peerKind: unknown ? 'unknown' : 'ref', peerRef: g, ...NO_RANGE };
    }
  }
}

export function snapshotTables(index: SnapshotIndex): SnapshotTables {
  const snap = index.snapshot;
  const enis: EniRow[] = [];
  const eniAddrs: IdRange[] = [];
  const eniGroups: Array<{ eniId: string; groupId: string }> = [];
  for (const eni of index.eniById.values()) {
    const groups = [...new Set(eni.groupIds)].sort();
    enis.push({
      eniId: eni.id,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      naclId: index.naclBySubnet.get(eni.subnetId)?.id ?? null,
      hasGroups: groups.length > 0,
      groupIds: groups.join(','),
      unknownGroups: groups.some((g) => !index.groupById.has(g)),
    });
    for (const ip of [...eni.privateIps, ...eni.ipv6Addresses]) eniAddrs.push({ id: eni.id, ...rangeOfIp(ip) });
    for (const p of [...eni.ipv4Prefixes, ...eni.ipv6Prefixes]) eniAddrs.push({ id: eni.id, ...rangeOf(p) });
    for (const g of groups) eniGroups.push({ eniId: eni.id, groupId: g });
  }
  const subnetRanges: IdRange[] = [];
  for (const s of index.subnetById.values()) {
    if (s.cidr4) subnetRanges.push({ id: s.id, ...rangeOf(s.cidr4) });
    for (const c of s.cidrs6) subnetRanges.push({ id: s.id, ...rangeOf(c) });
  }
  const nacl: NaclRow[] = [];
  for (const acl of index.naclById.values()) {
    for (const e of acl.entries) {
      const row = naclRow(acl.id, e);
      if (row) nacl.push(row);
    }
  }
  const sgRules: SgRuleRow[] = [];
  const refs = new Set<string>();
  for (const g of index.groupById.values()) {
    for (const r of [...g.inbound, ...g.outbound]) {
      const row = sgRow(index, r);
      if (!row) continue;
      sgRules.push(row);
      if (row.peerKind === 'ref' && row.peerRef !== null) refs.add(row.peerRef);
    }
  }
  const peerRanges: IdRange[] = [];
  for (const ref of [...refs].sort()) {
    if (ref.startsWith('pl-') || index.prefixListById.has(ref)) {
      for (const c of index.prefixListById.get(ref)?.entries ?? []) peerRanges.push({ id: ref, ...rangeOf(c) });
    }
    for (const v of index.groupMemberIps.get(ref) ?? []) {
      peerRanges.push(typeof v === 'number' ? { id: ref, lo4: v, hi4: v, lo6: null, hi6: null } : { id: ref, lo4: null, hi4: null, lo6: hex6(v), hi6: hex6(v) });
    }
    for (const c of index.groupMemberPrefixes.get(ref) ?? []) peerRanges.push({ id: ref, ...rangeOf(c) });
  }
  const services: IdRange[] = [];
  for (const vpc of index.vpcById.values()) {
    const seen = new Set<string>();
    for (const c of awsServiceBlocks(index, vpc.id)) {
      if (seen.has(c.text)) continue;
      seen.add(c.text);
      services.push({ id: vpc.id, ...rangeOf(c) });
    }
  }
  // ENIs of VPCs the snapshot lacks still meet the fixed service addresses.
  for (const c of awsServiceBlocks(index, '')) services.push({ id: '*', ...rangeOf(c) });
  const vpcRanges: Range[] = [];
  for (const vpc of snap.vpcs) for (const c of [...vpc.cidrs4, ...vpc.cidrs6]) vpcRanges.push(rangeOf(c));
  return { enis, eniAddrs, eniGroups, subnetRanges, nacl, sgRules, peerRanges, services, vpcRanges };
}
