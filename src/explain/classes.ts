/**
 * Classes of records that attribution cannot tell apart, so that explain evaluates a port scan, internet
 * noise or a sweep across many interfaces once per class (record-explainer.ts caches one attribution
 * per class and fills its slots, slots.ts, with each record's own values).
 *
 * What attribution reads of a record, when the record's interface and direction are known:
 * - of the interface, its policy: subnet (network ACL, subnet CIDRs, VPC), security groups, whether it
 *   belongs to an instance or a NAT gateway, its delegated prefixes. Its id, name and the record's address
 *   of it are only written (slots). Interfaces with the same policy share classes.
 * - of the peer address (the source of an inbound record, the destination of an outbound one): whether
 *   CIDR blocks hold it, namely the subnet's CIDRs (the same-subnet skip, ref 8.8), the network ACL
 *   entries of the direction (ref 5), the CIDR, prefix-list and delegated-prefix peers of the security
 *   group rules of the direction (ref 4.2) and, for an outbound record, of the inbound rules (the
 *   served check: do the groups admit a connection from the peer to the record's source port?), and the
 *   interface's own prefixes (direction, ref 8.3). A peer that is the private address of an interface
 *   is read further: which of the groups those rules reference it is a member of (ref 4.2: a group
 *   reference admits its members' private addresses), and the interface itself, which a security-group
 *   fix names as `<its first group> (a group on <its id>)` when it has groups and is in the VPC of the
 *   record's interface (record-explainer.ts keys that group and slots that id).
 * - of the ports: whether rule port ranges hold them. The evaluators compare a rule's range with the
 *   packet's destination port only (engine/match.ts; ref 5.3: replies need the clients' ephemeral
 *   ports open as destinations). So the destination port of an inbound record meets the inbound entries
 *   and rules, that of an outbound record the outbound ones, the source port of an outbound record the
 *   inbound SG rules (the served check), the source port of an inbound record none. Whether a port is a
 *   service port is read too.
 * Two values belong to one class when exactly the same blocks hold them (a membership signature, not
 * just an interval: the gaps between unrelated rules are one class).
 */
import type { Cidr, Ip } from '../model/address.js';
import type { Direction, Eni } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { natGatewayOfEni } from '../engine/path.js';
import { sgRulesFor } from '../engine/security-group.js';
import { isServicePort } from './ports.js';

/** Half-open `[lo, hi)` ranges, and the class of any value by the set of ranges that hold it. */
export class Classifier<T extends number | bigint> {
  /** Sorted starts of the elementary intervals of the ranges (the first is the lowest value). */
  private readonly starts: T[];
  /** The class of each elementary interval: equal for intervals held by the same ranges. */
  private readonly classes: Int32Array;

  constructor(lowest: T, ranges: ReadonlyArray<readonly [T, T]>) {
    const cuts = new Set<T>([lowest]);
    for (const [lo, hi] of ranges) cuts.add(lo).add(hi);
    const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.starts = starts;
    // The signature of each interval: the indexes of the ranges that hold it, each range appended to
    // the intervals it spans (found by binary search), in range order.
    const sigs = new Array<string>(starts.length).fill('');
    for (let k = 0; k < ranges.length; k++) {
      const [lo, hi] = ranges[k]!;
      for (let i = this.indexOf(lo); i < starts.length && starts[i]! < hi; i++) sigs[i] += `${k},`;
    }
    this.classes = new Int32Array(starts.length);
    const ids = new Map<string, number>();
    for (let i = 0; i < starts.length; i++) {
      let id = ids.get(sigs[i]!);
      if (id === undefined) ids.set(sigs[i]!, (id = ids.size));
      this.classes[i] = id;
    }
  }

  /** The index of the interval holding v. */
  private indexOf(v: T): number {
    const a = this.starts;
    let lo = 0;
    let hi = a.length - 1;
    // The largest start <= v (values below the lowest start take the first interval).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  classOf(v: T): number {
    return this.classes[this.indexOf(v)]!;
  }
}

type Ranged = { readonly ports: { readonly from: number; readonly to: number } | null };

function portRanges(lists: ReadonlyArray<readonly Ranged[]>): Classifier<number> {
  // Record ports are 0-65535: range ends beyond (a snapshot may hold any number) change nothing.
  const clamp = (p: number) => Math.min(65536, Math.max(0, p));
  const ranges: Array<readonly [number, number]> = [];
  for (const list of lists) for (const { ports: r } of list) if (r) ranges.push([clamp(r.from), clamp(r.to + 1)]);
  return new Classifier(0, ranges);
}

/** The class of a port: twice its range class, plus 1 for a service port (null classifier: no ranges). */
export function portClass(c: Classifier<number> | null, port: number): number {
  return 2 * (c === null ? 0 : c.classOf(port)) + (isServicePort(port) ? 1 : 0);
}

/** What of an interface attribution reads, besides its id, name and addresses (which are only written). */
function policyKey(index: SnapshotIndex, eni: Eni): string {
  // Lists stay arrays in the JSON: ids that hold a comma cannot make two policies one.
  const prefixes = [...eni.ipv4Prefixes, ...eni.ipv6Prefixes].map((c) => c.text);
  const groups = [...new Set(eni.groupIds)].sort();
  return JSON.stringify([eni.subnetId, eni.vpcId, groups, eni.instanceId ? 1 : 0, natGatewayOfEni(index, eni), prefixes]);
}

type PortRole = 'inDst' | 'outDst' | 'outSrc' | 'all';

/**
 * The classes of the interfaces that share a policy, each classifier built when a record first needs it
 * (from the interface the policy was first met with: all of them read the same).
 */
export class Policy {
  private inDst: Classifier<number> | null = null;
  private outDst: Classifier<number> | null = null;
  private outSrc: Classifier<number> | null = null;
  private all: Classifier<number> | null = null;
  private in4: Classifier<number> | null = null;
  private out4: Classifier<number> | null = null;
  private in6: Classifier<bigint> | null = null;
  private out6: Classifier<bigint> | null = null;
  private inGroups: readonly string[] | null = null;
  private outGroups: readonly string[] | null = null;

  constructor(
    readonly id: number,
    private readonly index: SnapshotIndex,
    private readonly eni: Eni,
  ) {}

  /**
   * Port classes by the port's role (see the file comment): the destination port of an inbound or an
   * outbound record, the source port of an outbound one, and `all` for a record whose direction is unknown.
   */
  ports(role: PortRole): Classifier<number> {
    const c = this[role];
    if (c !== null) return c;
    const entries = this.index.naclBySubnet.get(this.eni.subnetId)?.entries ?? [];
    const sg = (d: Direction) => sgRulesFor(this.index, this.eni.groupIds, d);
    const nacl = (d: Direction) => entries.filter((e) => e.direction === d);
    const lists = role === 'inDst' ? [nacl('inbound'), sg('inbound')] : role === 'outDst' ? [nacl('outbound'), sg('outbound')] : role === 'outSrc' ? [sg('inbound')] : [entries, sg('inbound'), sg('outbound')];
    return (this[role] = portRanges(lists));
  }

  /** The class of the peer address of a record of this direction. */
  peerClass(direction: Direction, peer: Ip): number {
    if (peer.family === 4) {
      const c = direction === 'inbound' ? (this.in4 ??= this.classifier4(direction)) : (this.out4 ??= this.classifier4(direction));
      return c.classOf(peer.value);
    }
    const c = direction === 'inbound' ? (this.in6 ??= this.classifier6(direction)) : (this.out6 ??= this.classifier6(direction));
    return c.classOf(peer.value);
  }

  /**
   * The class of an interface's private address as a peer of this direction, beyond its block class: the
   * referenced groups (of the rules its blocks come from) that it is a member of, as their indexes.
   */
  memberClass(direction: Direction, peer: Ip): string {
    const groups = direction === 'inbound' ? (this.inGroups ??= this.referenced(direction)) : (this.outGroups ??= this.referenced(direction));
    let sig = '';
    for (let i = 0; i < groups.length; i++) if (this.index.groupMemberIps.get(groups[i]!)?.has(peer.value)) sig += `${i},`;
    return sig;
  }

  /** The security-group rules a peer of this direction is compared with (see the file comment). */
  private rules(direction: Direction) {
    return (direction === 'inbound' ? (['inbound'] as const) : (['outbound', 'inbound'] as const)).flatMap((d) => sgRulesFor(this.index, this.eni.groupIds, d));
  }

  /** The groups those rules reference, distinct. */
  private referenced(direction: Direction): readonly string[] {
    return [...new Set(this.rules(direction).flatMap((r) => (r.peer.kind === 'group' ? [r.peer.groupId] : [])))];
  }

  /** Each IPv4 block as the half-open range of its addresses. */
  private classifier4(direction: Direction): Classifier<number> {
    return new Classifier(0, this.blocks(direction).flatMap((b) => (b.family === 4 ? [[b.network, b.network + 2 ** (32 - b.prefix)] as const] : [])));
  }

  private classifier6(direction: Direction): Classifier<bigint> {
    return new Classifier(0n, this.blocks(direction).flatMap((b) => (b.family === 6 ? [[b.network, b.network + (1n << BigInt(128 - b.prefix))] as const] : [])));
  }

  /** The blocks a peer of this direction is compared with (see the file comment). */
  private blocks(direction: Direction): Cidr[] {
    const { index, eni } = this;
    const out: Cidr[] = [];
    const subnet = index.subnetById.get(eni.subnetId);
    if (subnet?.cidr4) out.push(subnet.cidr4);
    out.push(...(subnet?.cidrs6 ?? []), ...eni.ipv4Prefixes, ...eni.ipv6Prefixes);
    for (const e of index.naclBySubnet.get(eni.subnetId)?.entries ?? []) if (e.direction === direction && e.cidr) out.push(e.cidr);
    for (const r of this.rules(direction)) {
      const p = r.peer;
      if (p.kind === 'cidr') out.push(p.cidr);
      else if (p.kind === 'prefix-list') out.push(...(index.prefixListById.get(p.prefixListId)?.entries ?? []));
      else if (p.kind === 'group') out.push(...(index.groupMemberPrefixes.get(p.groupId) ?? []));
    }
    return out;
  }
}

/** The policies of a snapshot's interfaces, each built once. */
export class Policies {
  private readonly byKey = new Map<string, Policy>();
  constructor(private readonly index: SnapshotIndex) {}

  of(eni: Eni): Policy {
    const key = policyKey(this.index, eni);
    let p = this.byKey.get(key);
    if (p === undefined) this.byKey.set(key, (p = new Policy(this.byKey.size, this.index, eni)));
    return p;
  }
}
