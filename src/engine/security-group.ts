/**
 * Security-group evaluation (ref 4): allow rules only, the union of every rule of every group on the
 * ENI. A peer is a CIDR, a prefix list (its current entries) or a referenced group (the private
 * addresses of the ENIs that carry it, never their public or Elastic IPs). Statefulness is the caller's
 * business: a response of a tracked flow is not evaluated here (see path.ts and explain/).
 */
import type { Ip } from '../model/address.js';
import type { Packet } from '../model/flow.js';
import type { Direction, Eni, SgPeer, SgRule } from '../model/snapshot.js';
import { cidrContains } from '../net/ip.js';
import { type Tri, matchPortPart, matchProtocol } from './match.js';
import { peerAddress } from './nacl.js';
import type { SnapshotIndex } from './snapshot-index.js';
import { pushAll } from '../arrays.js';

export type SgMissReason = 'peer' | 'port' | 'protocol';

export interface SgMiss {
  readonly rule: SgRule;
  readonly reason: SgMissReason;
}

export interface SgDecision {
  readonly direction: Direction;
  readonly allowed: boolean;
  /** Every group on the ENI, sorted (the `ids` of a security-group blocker). */
  readonly groupIds: readonly string[];
  /** The rules that allow the packet (all of them: the union decides). */
  readonly matched: readonly SgRule[];
  /**
   * Rules whose match cannot be decided: it depends on a field the packet does not carry (an ICMP type),
   * or on the members of a referenced group the snapshot does not describe. The deny is then uncertain.
   */
  readonly undecided: readonly SgRule[];
  /** For a deny: rules that miss the packet in exactly one respect (same port from another source, ...). */
  readonly closestMisses: readonly SgMiss[];
  /** Groups on the ENI that the snapshot does not describe (their rules are unknown). */
  readonly unknownGroups: readonly string[];
  /** The ENI has no security groups (NAT gateway, TGW attachment ENIs): nothing is filtered. */
  readonly noGroups: boolean;
  /** True when no group on the ENI has any rule in this direction (RA's SG_HAS_NO_RULES). */
  readonly noRules: boolean;
}

/**
 * A referenced group the snapshot neither describes nor sees on any interface: a group in a peered VPC or
 * another account, whose members' addresses are unknown (a rule that names it is undecided, not a miss).
 */
function unknownGroup(index: SnapshotIndex, groupId: string): boolean {
  return !index.groupById.has(groupId) && !index.groupMemberIps.has(groupId) && !index.groupMemberPrefixes.has(groupId);
}

export function matchSgPeer(index: SnapshotIndex, peer: SgPeer, ip: Ip): boolean {
  switch (peer.kind) {
    case 'cidr':
      return cidrContains(peer.cidr, ip);
    case 'prefix-list': {
      const entries = index.prefixListById.get(peer.prefixListId)?.entries;
      if (!entries) return false;
      for (const c of entries) if (cidrContains(c, ip)) return true;
      return false;
    }
    case 'group': {
      if (index.groupMemberIps.get(peer.groupId)?.has(ip.value)) return true;
      const prefixes = index.groupMemberPrefixes.get(peer.groupId);
      if (prefixes !== undefined) for (const p of prefixes) if (cidrContains(p, ip)) return true;
      return false;
    }
    case 'invalid':
      return false;
  }
}

const MISS_ORDER: Record<SgMissReason, number> = { peer: 0, port: 1, protocol: 2 };

/** The one respect in which a rule misses the packet (null: it matches, or it misses in more than one). */
function missReason(proto: boolean, peer: boolean, port: Tri, rule: SgRule): SgMissReason | null {
  if (proto && port !== 'no' && !peer) return 'peer';
  if (proto && peer && port === 'no') return 'port';
  if (!proto && peer && rule.protocol !== null) return 'protocol';
  return null;
}

/**
 * A rule as the evaluation loop reads it: every field in one fixed shape (rules decoded from JSON come
 * in many shapes, with and without optional fields, and reading those in a loop is several times slower).
 */
interface LoopRule {
  readonly rule: SgRule;
  readonly protocol: number | null;
  /** The protocol part of matchPortPart: the rule's protocol, -1 when unreadable. */
  readonly portProtocol: number;
  readonly ports: SgRule['ports'];
  readonly icmp: SgRule['icmp'];
  readonly direction: Direction;
  readonly peer: SgPeer;
  /**
   * A peer whose addresses are unknown: a group the snapshot knows nothing of (unknownGroup), or a prefix
   * list without its entries. Whether the packet's peer is in it is unknown, so the rule is undecided.
   */
  readonly unknownPeerGroup: boolean;
}

interface CompiledGroups {
  /** Distinct, sorted. */
  readonly groupIds: readonly string[];
  readonly unknownGroups: readonly string[];
  readonly inbound: readonly SgRule[];
  readonly outbound: readonly SgRule[];
  readonly inboundLoop: readonly LoopRule[];
  readonly outboundLoop: readonly LoopRule[];
}

function loopRule(index: SnapshotIndex, r: SgRule): LoopRule {
  return {
    rule: r,
    protocol: r.protocol,
    portProtocol: r.protocol ?? -1,
    ports: r.ports,
    icmp: r.icmp,
    direction: r.direction,
    peer: r.peer,
    unknownPeerGroup: (r.peer.kind === 'group' && unknownGroup(index, r.peer.groupId)) || (r.peer.kind === 'prefix-list' && (index.prefixListById.get(r.peer.prefixListId)?.entries ?? null) === null),
  };
}

const compiledByIndex = new WeakMap<SnapshotIndex, WeakMap<readonly string[], CompiledGroups>>();

/** The union of the rules of a set of groups, per direction, built once per group list and snapshot. */
function compileGroups(index: SnapshotIndex, groupIdsIn: readonly string[]): CompiledGroups {
  let byList = compiledByIndex.get(index);
  if (!byList) compiledByIndex.set(index, (byList = new WeakMap()));
  let c = byList.get(groupIdsIn);
  if (c) return c;
  const groupIds = [...new Set(groupIdsIn)].sort();
  const inbound: SgRule[] = [];
  const outbound: SgRule[] = [];
  for (const g of groupIds) {
    const group = index.groupById.get(g);
    if (!group) continue;
    pushAll(inbound, group.inbound);
    pushAll(outbound, group.outbound);
  }
  c = {
    groupIds,
    unknownGroups: groupIds.filter((g) => !index.groupById.has(g)),
    inbound,
    outbound,
    inboundLoop: inbound.map((r) => loopRule(index, r)),
    outboundLoop: outbound.map((r) => loopRule(index, r)),
  };
  byList.set(groupIdsIn, c);
  return c;
}

/** The rules of the groups in one direction, in group order then rule order. */
export function sgRulesFor(index: SnapshotIndex, groupIds: readonly string[], direction: Direction): readonly SgRule[] {
  const c = compileGroups(index, groupIds);
  return direction === 'inbound' ? c.inbound : c.outbound;
}

/** Just the verdict, without evidence: does some rule of the groups certainly allow the packet? */
export function sgAllows(index: SnapshotIndex, groupIds: readonly string[], direction: Direction, packet: Packet): boolean {
  if (groupIds.length === 0) return true;
  const c = compileGroups(index, groupIds);
  for (const r of direction === 'inbound' ? c.inboundLoop : c.outboundLoop) {
    if (!matchProtocol(r.protocol, packet)) continue;
    if (!matchSgPeer(index, r.peer, peerAddress(packet, r.direction))) continue;
    if (matchPortPart(r.portProtocol, r.ports, r.icmp, packet) === 'yes') return true;
  }
  return false;
}

export function evaluateSecurityGroups(index: SnapshotIndex, eni: Eni, direction: Direction, packet: Packet): SgDecision {
  return evaluateGroupIds(index, eni.groupIds, direction, packet);
}

export function evaluateGroupIds(
  index: SnapshotIndex,
  groupIdsIn: readonly string[],
  direction: Direction,
  packet: Packet,
): SgDecision {
  const compiled = compileGroups(index, groupIdsIn);
  const { groupIds, unknownGroups } = compiled;
  if (groupIds.length === 0) {
    return { direction, allowed: true, groupIds, matched: [], undecided: [], closestMisses: [], unknownGroups, noGroups: true, noRules: false };
  }
  const rules = direction === 'inbound' ? compiled.inboundLoop : compiled.outboundLoop;
  const matched: SgRule[] = [];
  const undecided: SgRule[] = [];
  const misses: SgMiss[] = [];
  // One pass: each rule's protocol, peer and port parts are matched once, for the verdict and the misses.
  for (const r of rules) {
    const proto = matchProtocol(r.protocol, packet);
    const peer = matchSgPeer(index, r.peer, peerAddress(packet, r.direction));
    const port = proto ? matchPortPart(r.portProtocol, r.ports, r.icmp, packet) : 'no';
    if (proto && peer) {
      if (port === 'yes') matched.push(r.rule);
      else if (port === 'maybe') undecided.push(r.rule);
    } else if (proto && port !== 'no' && r.unknownPeerGroup) {
      // A group the snapshot knows nothing of, or a prefix list without entries: whether the peer is in it is unknown.
      undecided.push(r.rule);
      continue;
    }
    const reason = missReason(proto, peer, port, r.rule);
    if (reason !== null) misses.push({ rule: r.rule, reason });
  }
  const allowed = matched.length > 0;
  let closestMisses: SgMiss[] = [];
  if (!allowed) {
    // Same port from another source first, then same source on another port (the usual fix candidates).
    closestMisses = misses.sort((a, b) => MISS_ORDER[a.reason] - MISS_ORDER[b.reason]).slice(0, 5);
  }
  return {
    direction,
    allowed,
    groupIds,
    matched,
    undecided: allowed ? [] : undecided,
    closestMisses,
    unknownGroups,
    noGroups: false,
    noRules: rules.length === 0,
  };
}
