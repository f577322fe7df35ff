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
 *   interface's own prefixes (direction, ref 8.3), and the AWS service addresses of its VPC (ref 3). A peer that is the private address of an interface
 *   is read further: which of the groups those rules reference it is a member of (ref 4.2: a group
 *   reference admits its members' private addresses), and the interface itself, which a security-group
 *   fix names as `<its first group> (a group on <its id>)` when it has groups and is in the VPC of the
 *   record's interface (record-explainer.ts keys that group and slots that id). Its public addresses are
 *   plain peers: group references never match them (ref 4.2, 8.12), and nothing else reads them.
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
import type { Direction, Eni, SgRule } from '../model/snapshot.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { natGatewayOfEni } from '../engine/path.js';
import { awsServiceBlocks } from '../engine/aws-services.js';
import { sgRulesFor } from '../engine/security-group.js';
import { isServicePort } from '../explain/ports.js';
import { pushAll } from '../arrays.js';
import { fmix32 } from './hash.js';

/** Half-open `[lo, hi)` ranges, and the class of any value by the set of ranges that hold it. */
export class Classifier<T extends number | bigint> {
  /**
   * Sorted starts of the elementary intervals of the ranges (the first is the lowest value). Numbers go
   * in a Float64Array: arrays of small integers (ports) and of larger ones (IPv4 addresses past 2^31) have
   * different element kinds, and the search, meeting both, was recompiled for each.
   */
  private readonly starts: Float64Array | readonly bigint[];
  /** The class of each elementary interval: equal for intervals held by the same ranges. */
  private readonly classes: Int32Array;
  /**
   * Bigint values (IPv6). Numbers and bigints go through functions of their own: one function for both
   * would compare mixed types, which V8 cannot optimize (it made building classifiers several times slower).
   */
  private readonly big: boolean;

  constructor(lowest: T, ranges: ReadonlyArray<readonly [T, T]>) {
    this.big = typeof lowest === 'bigint';
    const all: T[] = [lowest];
    for (const [lo, hi] of ranges) all.push(lo, hi);
    this.starts = this.big ? distinctBigints(all as bigint[]) : Float64Array.from(distinctNumbers(all as number[]));
    // Every end is a start: range k holds the intervals from the one of its lo up to the one of its hi.
    const ends: number[] = [];
    for (const [lo, hi] of ranges) ends.push(this.indexOf(lo), this.indexOf(hi));
    this.classes = Int32Array.from(intervalClasses(this.starts.length, ends));
  }

  /** The index of the interval holding v. */
  private indexOf(v: T): number {
    return this.big ? indexOfBigint(this.starts as readonly bigint[], v as bigint) : indexOfNumber(this.starts as Float64Array, v as number);
  }

  classOf(v: T): number {
    return this.classes[this.indexOf(v)]!;
  }
}

function distinctNumbers(all: number[]): number[] {
  if (all.length > 64) all.sort((a, b) => a - b);
  else {
    // Insertion sort: for the few dozen ends of a typical classifier, quicker than calling a comparator.
    for (let i = 1; i < all.length; i++) {
      const v = all[i]!;
      let j = i - 1;
      for (; j >= 0 && all[j]! > v; j--) all[j + 1] = all[j]!;
      all[j + 1] = v;
    }
  }
  return all.filter((v, i) => i === 0 || v !== all[i - 1]);
}

function distinctBigints(all: bigint[]): bigint[] {
  all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return all.filter((v, i) => i === 0 || v !== all[i - 1]);
}

/** The largest start <= v (values below the lowest start take the first interval). */
function indexOfNumber(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** indexOfNumber over bigints: a copy on purpose, not one generic function (see Classifier.big). */
function indexOfBigint(a: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The class of each of n intervals, given each range k as the intervals `[ends[2k], ends[2k+1])`: equal
 * for intervals held by the same ranges, numbered in order of first appearance. (`hash` is for tests,
 * which make every set collide.)
 */
export function intervalClasses(n: number, ends: readonly number[], hash: (x: number) => number = fmix32): number[] {
  const m = ends.length >> 1;
  // Linked lists of the ranges that come in and go out at each interval.
  const firstIn = new Array<number>(n).fill(-1);
  const firstOut = new Array<number>(n).fill(-1);
  const nextIn = new Array<number>(m).fill(-1);
  const nextOut = new Array<number>(m).fill(-1);
  for (let k = 0; k < m; k++) {
    const a = ends[2 * k]!;
    const b = ends[2 * k + 1]!;
    if (a >= b) continue;
    nextIn[k] = firstIn[a]!;
    firstIn[a] = k;
    nextOut[k] = firstOut[b]!;
    firstOut[b] = k;
  }
  // A sweep with the set of ranges that hold the current interval (`active`, `count` of them). The
  // set's hash (an XOR of random values per range, kept as ranges come and go) finds the classes that
  // may have the same set, which are compared with it (a class keeps its ranges in `members`, from
  // `at[c]`, `sizes[c]` of them).
  const active = new Array<number>(m).fill(0);
  let count = 0;
  let h1 = 0;
  let h2 = 0;
  const byHash = new Map<number, number[]>();
  const members: number[] = [];
  const at: number[] = [];
  const sizes: number[] = [];
  const classes = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = firstOut[i]!; k >= 0; k = nextOut[k]!) {
      active[k] = 0;
      count--;
      h1 ^= hash(2 * k + 1);
      h2 ^= hash(2 * k + 2);
    }
    for (let k = firstIn[i]!; k >= 0; k = nextIn[k]!) {
      active[k] = 1;
      count++;
      h1 ^= hash(2 * k + 1);
      h2 ^= hash(2 * k + 2);
    }
    // 30 bits: a small integer (no heap number per interval); equal keys are compared anyway.
    const key = (h1 ^ (h2 << 7)) & 0x3fffffff;
    const candidates = byHash.get(key);
    let id = -1;
    if (candidates !== undefined) {
      for (const c of candidates) {
        if (sizes[c] !== count) continue;
        let same = true;
        for (let j = at[c]!, e = j + count; j < e && same; j++) same = active[members[j]!] === 1;
        if (same) id = c;
      }
    }
    if (id < 0) {
      id = at.length;
      at.push(members.length);
      sizes.push(count);
      for (let k = 0; k < m; k++) if (active[k] === 1) members.push(k);
      if (candidates !== undefined) candidates.push(id);
      else byHash.set(key, [id]);
    }
    classes[i] = id;
  }
  return classes;
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
    return this[role] ?? (this[role] = this.portClassifier(role));
  }

  /** (A method of its own: closures in `ports` would cost an allocation on every call.) */
  private portClassifier(role: PortRole): Classifier<number> {
    const entries = this.index.naclBySubnet.get(this.eni.subnetId)?.entries ?? [];
    const sg = (d: Direction) => sgRulesFor(this.index, this.eni.groupIds, d);
    const nacl = (d: Direction) => entries.filter((e) => e.direction === d);
    const lists = role === 'inDst' ? [nacl('inbound'), sg('inbound')] : role === 'outDst' ? [nacl('outbound'), sg('outbound')] : role === 'outSrc' ? [sg('inbound')] : [entries, sg('inbound'), sg('outbound')];
    return portRanges(lists);
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
  private rules(direction: Direction): SgRule[] {
    const out = [...sgRulesFor(this.index, this.eni.groupIds, direction)];
    if (direction === 'outbound') pushAll(out, sgRulesFor(this.index, this.eni.groupIds, 'inbound'));
    return out;
  }

  /** The groups those rules reference, distinct. */
  private referenced(direction: Direction): readonly string[] {
    const groups = new Set<string>();
    for (const r of this.rules(direction)) if (r.peer.kind === 'group') groups.add(r.peer.groupId);
    return [...groups];
  }

  /** Each IPv4 block as the half-open range of its addresses. */
  private classifier4(direction: Direction): Classifier<number> {
    const ranges: Array<readonly [number, number]> = [];
    for (const b of this.blocks(direction)) if (b.family === 4) ranges.push([b.network, b.network + 2 ** (32 - b.prefix)]);
    return new Classifier(0, ranges);
  }

  private classifier6(direction: Direction): Classifier<bigint> {
    const ranges: Array<readonly [bigint, bigint]> = [];
    for (const b of this.blocks(direction)) if (b.family === 6) ranges.push([b.network, b.network + (1n << BigInt(128 - b.prefix))]);
    return new Classifier(0n, ranges);
  }

  /** The blocks a peer of this direction is compared with (see the file comment). */
  private blocks(direction: Direction): Cidr[] {
    const { index, eni } = this;
    const out: Cidr[] = [];
    const subnet = index.subnetById.get(eni.subnetId);
    if (subnet?.cidr4) out.push(subnet.cidr4);
    pushAll(out, subnet?.cidrs6 ?? []);
    pushAll(out, eni.ipv4Prefixes);
    pushAll(out, eni.ipv6Prefixes);
    // AWS service addresses: attribution says their traffic is not filtered (ref 3).
    pushAll(out, awsServiceBlocks(index, eni.vpcId));
    for (const e of index.naclBySubnet.get(eni.subnetId)?.entries ?? []) if (e.direction === direction && e.cidr) out.push(e.cidr);
    for (const r of this.rules(direction)) {
      const p = r.peer;
      if (p.kind === 'cidr') out.push(p.cidr);
      else if (p.kind === 'prefix-list') pushAll(out, index.prefixListById.get(p.prefixListId)?.entries ?? []);
      else if (p.kind === 'group') pushAll(out, index.groupMemberPrefixes.get(p.groupId) ?? []);
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
