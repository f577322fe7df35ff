/**
 * What a network ACL direction and what an interface's security groups admit, as exact packet sets
 * (issue 15). Each admitted set comes in pieces that carry the entry or rule deciding them, so findings
 * can name rules. The point evaluators of src/engine are the oracle: a packet is in the admitted set
 * exactly when evaluateNacl / evaluateGroupIds allow it (ref 4, 5).
 */
import type { Family } from '../model/address.js';
import type { Direction, NaclEntry, NetworkAcl, SgRule } from '../model/snapshot.js';
import { naclEntriesFor } from '../engine/nacl.js';
import { sgRulesFor } from '../engine/security-group.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { ICMP, ICMPV6, TCP, UDP } from '../net/protocol.js';
import {
  type BoxSpec,
  type Interval,
  type PacketSet,
  addressMax,
  cidrInterval,
  emptySet,
  intersect,
  isEmpty,
  setOf,
  subtract,
  union,
  unionAll,
  universe,
} from '../net/packet-set.js';

/** A part of an admitted set and the entry or rule that decides it. */
export interface NaclPiece {
  readonly set: PacketSet;
  readonly entry: NaclEntry;
}

export interface NaclAdmission {
  readonly aclId: string;
  readonly direction: Direction;
  readonly family: Family;
  /** The union of the pieces. */
  readonly allowed: PacketSet;
  /** Disjoint: each packet the ACL allows lies in the piece of the allow entry that decides it (first match). */
  readonly pieces: readonly NaclPiece[];
}

/** The constraints of a rule's protocol and port part, as matchPortPart reads them (ref 4.2, 5.2, 8.15). */
function portPartSpec(protocol: number, ports: { from: number; to: number } | null, icmp: { type: number; code: number } | null, icmpv6Types: boolean): BoxSpec | null {
  const protocols = protocol === -1 ? undefined : { lo: protocol, hi: protocol };
  const base: BoxSpec = protocols ? { protocols } : {};
  if (protocol === TCP || protocol === UDP) {
    if (ports === null || (ports.from <= 0 && ports.to >= 65535)) return base;
    if (ports.from > ports.to) return null;
    return { ...base, dstPorts: { lo: ports.from, hi: ports.to } };
  }
  if (protocol === ICMP || (protocol === ICMPV6 && icmpv6Types)) {
    if (icmp === null || icmp.type === -1) return base;
    if (icmp.type < 0 || icmp.type > 255) return null;
    const types = { lo: icmp.type, hi: icmp.type };
    if (icmp.code === -1) return { ...base, icmpTypes: types };
    if (icmp.code < 0 || icmp.code > 255) return null;
    return { ...base, icmpTypes: types, icmpCodes: { lo: icmp.code, hi: icmp.code } };
  }
  return base;
}

/** The peer address of a direction: the source inbound, the destination outbound. */
function peerSpec(direction: Direction, peer: Interval<bigint>): BoxSpec {
  return direction === 'inbound' ? { src: peer } : { dst: peer };
}

/** Every packet one NACL entry matches (empty for an unreadable protocol or CIDR, which never match). */
export function naclEntrySet(entry: NaclEntry, family: Family): PacketSet {
  if (entry.cidr === null || entry.protocol === null || entry.cidr.family !== family) return emptySet(family);
  if (entry.protocol < -1 || entry.protocol > 255) return emptySet(family);
  // Protocol 58 with an IPv4 CIDR matches every ICMP type and code (ref 5.2).
  const part = portPartSpec(entry.protocol, entry.ports, entry.icmp, entry.cidr.family === 6);
  if (part === null) return emptySet(family);
  return setOf(family, { ...part, ...peerSpec(entry.direction, cidrInterval(entry.cidr)) });
}

/**
 * What one direction of a NACL admits for one family: entries in ascending rule number, first match wins,
 * whatever no entry matches is denied by the `*` rule (ref 5.1).
 */
export function naclAdmits(acl: NetworkAcl, direction: Direction, family: Family): NaclAdmission {
  let undecided = universe(family);
  const pieces: NaclPiece[] = [];
  for (const entry of naclEntriesFor(acl, direction, family)) {
    if (isEmpty(undecided)) break;
    const matched = naclEntrySet(entry, family);
    if (isEmpty(matched)) continue;
    const decided = intersect(undecided, matched);
    if (isEmpty(decided)) continue;
    if (entry.action === 'allow') pieces.push({ set: decided, entry });
    undecided = subtract(undecided, matched);
  }
  return { aclId: acl.id, direction, family, allowed: unionAll(family, pieces.map((p) => p.set)), pieces };
}


// ---------------------------------------------------------------------------------------------------
// Security groups

export interface SgPiece {
  readonly set: PacketSet;
  /** The first rule (in group order, then rule order) that allows these packets. */
  readonly rule: SgRule;
}

/** A rule whose peer the snapshot cannot resolve: its packets are neither admitted nor denied for sure. */
export interface UnknownPeer {
  readonly rule: SgRule;
  readonly reason: 'prefix-list-without-entries' | 'prefix-list-missing' | 'group-unknown';
  /** What the rule would admit if its peer held every address (an upper bound for reporting). */
  readonly upTo: PacketSet;
}

export interface SgAdmission {
  readonly direction: Direction;
  readonly family: Family;
  readonly groupIds: readonly string[];
  /** No security group on the interface: nothing is filtered (NAT gateway, TGW interfaces). */
  readonly noGroups: boolean;
  readonly allowed: PacketSet;
  /** Disjoint; empty when noGroups. */
  readonly pieces: readonly SgPiece[];
  /** Rules whose peers are unknown: reported, never guessed (they admit nothing in `allowed`). */
  readonly unknown: readonly UnknownPeer[];
  /** Groups on the interface that the snapshot does not describe. */
  readonly unknownGroups: readonly string[];
}

/** The peer addresses of a security-group rule: CIDR, prefix-list entries, members of a referenced group. */
export function sgPeerIntervals(index: SnapshotIndex, rule: SgRule, family: Family): { intervals: Interval<bigint>[]; unknown: UnknownPeer['reason'] | null } {
  const peer = rule.peer;
  switch (peer.kind) {
    case 'cidr':
      return { intervals: peer.cidr.family === family ? [cidrInterval(peer.cidr)] : [], unknown: null };
    case 'prefix-list': {
      const pl = index.prefixListById.get(peer.prefixListId);
      if (!pl) return { intervals: [], unknown: 'prefix-list-missing' };
      if (pl.entries === null) return { intervals: [], unknown: 'prefix-list-without-entries' };
      return { intervals: pl.entries.filter((c) => c.family === family).map(cidrInterval), unknown: null };
    }
    case 'group': {
      const out: Interval<bigint>[] = [];
      for (const v of index.groupMemberIps.get(peer.groupId) ?? []) {
        if ((family === 4) === (typeof v === 'number')) out.push({ lo: BigInt(v), hi: BigInt(v) });
      }
      for (const c of index.groupMemberPrefixes.get(peer.groupId) ?? []) if (c.family === family) out.push(cidrInterval(c));
      const known = index.groupById.has(peer.groupId) || index.groupMemberIps.has(peer.groupId) || index.groupMemberPrefixes.has(peer.groupId);
      return { intervals: out, unknown: known ? null : 'group-unknown' };
    }
    case 'invalid':
      return { intervals: [], unknown: null };
  }
}

/** Every packet one security-group rule allows (for its direction's peer), and whether its peer is unknown. */
export function sgRuleSet(index: SnapshotIndex, rule: SgRule, family: Family): { set: PacketSet; unknown: UnknownPeer | null } {
  if (rule.protocol === null || rule.protocol < -1 || rule.protocol > 255) return { set: emptySet(family), unknown: null };
  const part = portPartSpec(rule.protocol, rule.ports, rule.icmp, true);
  if (part === null) return { set: emptySet(family), unknown: null };
  const { intervals, unknown } = sgPeerIntervals(index, rule, family);
  const set = unionAll(family, intervals.map((iv) => setOf(family, { ...part, ...peerSpec(rule.direction, iv) })));
  const upTo = setOf(family, { ...part, ...peerSpec(rule.direction, { lo: 0n, hi: addressMax(family) }) });
  return { set, unknown: unknown === null ? null : { rule, reason: unknown, upTo } };
}

const sgCache = new WeakMap<SnapshotIndex, Map<string, SgAdmission>>();

/**
 * What the security groups `groupIds` admit in one direction for one family: the union of their rules
 * (ref 4.1). Cached per snapshot index and (sorted groups, direction, family).
 */
export function sgAdmits(index: SnapshotIndex, groupIds: readonly string[], direction: Direction, family: Family): SgAdmission {
  const sorted = [...new Set(groupIds)].sort();
  const key = `${sorted.join(',')}|${direction}|${family}`;
  let cache = sgCache.get(index);
  if (!cache) sgCache.set(index, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const unknownGroups = sorted.filter((g) => !index.groupById.has(g));
  let result: SgAdmission;
  if (sorted.length === 0) {
    result = { direction, family, groupIds: sorted, noGroups: true, allowed: universe(family), pieces: [], unknown: [], unknownGroups };
  } else {
    let allowed = emptySet(family);
    const pieces: SgPiece[] = [];
    const unknown: UnknownPeer[] = [];
    for (const rule of sgRulesFor(index, groupIds, direction)) {
      const r = sgRuleSet(index, rule, family);
      if (r.unknown) unknown.push(r.unknown);
      const fresh = subtract(r.set, allowed);
      if (isEmpty(fresh)) continue;
      pieces.push({ set: fresh, rule });
      allowed = union(allowed, fresh);
    }
    result = { direction, family, groupIds: sorted, noGroups: false, allowed, pieces, unknown, unknownGroups };
  }
  cache.set(key, result);
  return result;
}
