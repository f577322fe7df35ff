/**
 * Replay of past flow logs against a change (`vpcwhy diff ... logs`, issue 16): every record is judged
 * under the before and the after configuration with the reference attribution (attributeRecord, the
 * reverse-flow evidence read from the ACCEPTs before it, as explain does), and
 *
 * - an ACCEPTed record that the before configuration lets through and the after configuration blocks
 *   "breaks";
 * - a REJECTed record that the before configuration blocks and the after configuration lets through is
 *   "newly allowed".
 *
 * The record's own interface decides first (flow logs are per interface). A TCP or UDP record whose request
 * is known (a request, or the response of one) is also traced over the whole path (tracePath, the point
 * evaluator the sets agree with): an ACCEPT whose connection connects before and not after breaks there
 * too (a group or NACL at the other end, a route), and a REJECT is newly allowed only if its connection
 * connects after.
 *
 * Records are not kept: they are counted in groups (interface, direction, request or response, peer /24 or
 * /64, protocol and service port, the blocking rule), a bounded map. Records whose reading is unsure are
 * counted, never guessed into a group: an ACCEPT the after configuration may or may not block (ambiguous),
 * an ACCEPT the before configuration already blocks (the snapshot does not describe that traffic).
 */
import type { Direction } from '../model/snapshot.js';
import type { Packet, Traffic } from '../model/flow.js';
import { resolveEndpoint, reversePacket, tracePath } from '../engine/path.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { FlowLogEvent } from '../flowlog/reader.js';
import type { FlowRecord } from '../flowlog/record.js';
import { formatIp, parseIp } from '../net/ip.js';
import { TCP, UDP } from '../net/protocol.js';
import { type Attribution, type RecordFacts, attributeRecord } from './attribute.js';
import { type BlockedBy, blockedByOf } from './hops.js';
import { AcceptedTuples } from './reference.js';
import { ExplainSummary } from './summary.js';

export interface ReplayGroup {
  readonly eniId: string;
  /** Relative to the interface (the record's direction as attribution reads it). */
  readonly direction: Direction;
  /** Whether the records are the requests of their connections or the responses. */
  readonly traffic: Traffic;
  /** The other end of the records (the source inbound, the destination outbound), as its /24 (IPv4) or /64 (IPv6). */
  readonly peer: string;
  readonly protocol: number;
  /** The service port: the destination port of a request, the source port of a response; null without ports. */
  readonly port: number | null;
  /** Breaks: what blocks the records after. Newly allowed: what blocked them before. Null: the interface is gone after. */
  readonly blockedBy: BlockedBy | null;
  /** The rule in words (attribution's label), or why there is none. */
  readonly rule: string;
  /** Who found it: the record's own interface (attribution) or the whole path of its connection (trace). */
  readonly via: 'interface' | 'path';
  records: number;
  /** Where the first record of the group is. */
  readonly first: { readonly file: string; readonly line: number };
}

export interface ReplayResult {
  /** ACCEPTed records the after configuration blocks (and the before one lets through), grouped; most records first. */
  readonly breaks: readonly ReplayGroup[];
  /** REJECTed records the before configuration blocks and the after one lets through, grouped; most records first. */
  readonly newlyAllowed: readonly ReplayGroup[];
  /** Every record read (NODATA and SKIPDATA included). */
  readonly records: number;
  readonly counts: {
    readonly breaks: number;
    readonly newlyAllowed: number;
    /** ACCEPTed records whose after reading is ambiguous (they may break: explain lists the readings). */
    readonly ambiguous: number;
    /** ACCEPTed records the before configuration already blocks: the snapshot does not explain them, so no verdict on the change. */
    readonly unexplainedAccepts: number;
    /** Records of interfaces in neither configuration. */
    readonly unknownInterface: number;
    /** REJECTs the record's interface lets through after, whose connection is still blocked elsewhere on the path. */
    readonly stillDeniedOnPath: number;
    /** Records in groups beyond the bound on groups (counted in breaks / newlyAllowed, not in a group). */
    readonly ungrouped: number;
  };
}

/** At most this many groups per kind: records past it are counted as ungrouped. */
export const MAX_REPLAY_GROUPS = 10_000;
/** The distinct record readings remembered (cleared when full). */
const CACHE_LIMIT = 1 << 15;

/** What the replay keeps of an attribution (the explanations are not needed, and a cache of them is heavy). */
type Reading = Pick<Attribution, 'verdict' | 'direction' | 'traffic' | 'trafficEvidence' | 'blockedBy' | 'ruleKey' | 'ruleLabel'>;

const reading = (a: Attribution): Reading => ({ verdict: a.verdict, direction: a.direction, traffic: a.traffic, trafficEvidence: a.trafficEvidence, blockedBy: a.blockedBy, ruleKey: a.ruleKey, ruleLabel: a.ruleLabel });

interface Judged {
  readonly before: Reading;
  readonly after: Reading;
  /** The whole path of the record's connection before and after; null when it cannot be traced. */
  path?: { readonly before: PathVerdict; readonly after: PathVerdict } | null;
}

export interface PathVerdict {
  readonly reachable: boolean;
  /** The first hop that blocks (trace's blockedBy, with its path leg); null when reachable or unnamed. */
  readonly blockedBy: BlockedBy | null;
}

/** What trace says of one packet: null when an end does not resolve. */
export function traceVerdict(index: SnapshotIndex, packet: Packet): (PathVerdict & { readonly message?: never }) | { readonly reachable: null; readonly message: string } {
  const src = resolveEndpoint(index, formatIp(packet.src), parseIp);
  if (!src.ok) return { reachable: null, message: src.message };
  const dst = resolveEndpoint(index, formatIp(packet.dst), parseIp);
  if (!dst.ok) return { reachable: null, message: dst.message };
  const t = tracePath(index, { src: src.endpoint, dst: dst.endpoint, packet });
  return { reachable: t.reachable, blockedBy: t.blockingHop ? blockedByOf(t.blockingHop, true) : null };
}

/** The request of a TCP or UDP record's connection (the record itself, or the reverse of a response); null when unknown. */
function requestOf(traffic: Traffic, r: RecordFacts): Packet | null {
  if ((r.protocol !== TCP && r.protocol !== UDP) || traffic === 'unknown' || r.srcport === null || r.dstport === null) return null;
  const src = r.srcaddr === null ? null : parseIp(r.srcaddr);
  const dst = r.dstaddr === null ? null : parseIp(r.dstaddr);
  if (src === null || dst === null || src.family !== dst.family) return null;
  const packet: Packet = { protocol: r.protocol, src, dst, srcPort: r.srcport, dstPort: r.dstport, icmpType: null, icmpCode: null };
  return traffic === 'response' ? reversePacket(packet) : packet;
}

/** A blocker in words: `network ACL acl-1 inbound rule 90`, `security group sg-1 outbound (on the return path)`. */
export function blockedByText(b: BlockedBy): string {
  const path = b.path === 'return' ? ' (on the return path)' : '';
  switch (b.component) {
    case 'network-acl':
      return `network ACL ${b.id} ${b.direction} rule ${b.rule}${path}`;
    case 'security-group':
      return `security group${b.ids.length > 1 ? 's' : ''} ${b.ids.join(', ')} ${b.direction}${path}`;
    case 'route':
      return `route table ${b.id} (${b.reason})${path}`;
    case 'block-public-access':
      return `VPC Block Public Access (${b.direction})${path}`;
  }
}

function peerOf(a: Reading, r: RecordFacts): string {
  const text = a.direction === 'inbound' ? r.srcaddr : r.dstaddr;
  const ip = text === null ? null : parseIp(text);
  if (ip === null) return text ?? '-';
  if (ip.family === 4) {
    const n = ip.value & 0xffffff00;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
  }
  const hi = ip.value >> 64n;
  const groups: string[] = [];
  for (let i = 3; i >= 0; i--) groups.push(((hi >> BigInt(i * 16)) & 0xffffn).toString(16));
  return `${groups.join(':')}::/64`;
}

function servicePort(a: Reading, r: RecordFacts): number | null {
  return a.traffic === 'response' ? r.srcport : r.dstport;
}

const cacheKey = (r: RecordFacts, reverse: boolean): string =>
  `${r.interfaceId}|${r.srcaddr}|${r.dstaddr}|${r.srcport}|${r.dstport}|${r.protocol}|${r.tcpFlags}|${r.flowDirection}|${r.pktSrcaddr}|${r.pktDstaddr}|${r.rejectReason}|${r.action}|${reverse ? 1 : 0}`;

export interface ReplayOptions {
  readonly strict: boolean;
  /** Only records of these interfaces (the others are skipped: the reverse-flow evidence is per interface anyway). */
  readonly interfaceIds?: ReadonlySet<string>;
  /** The reverse-flow evidence's bound, as explain's (ReferenceOptions.reverseCapacity). */
  readonly reverseCapacity?: number;
}

/** Replays flow-log events under two configurations. Feed it events in input order, then read `result()`. */
export class Replay {
  readonly summary = new ExplainSummary();
  private readonly accepted: AcceptedTuples;
  private readonly cache = new Map<string, Judged>();
  private readonly breaks = new Map<string, ReplayGroup>();
  private readonly allowed = new Map<string, ReplayGroup>();
  private counts = { breaks: 0, newlyAllowed: 0, ambiguous: 0, unexplainedAccepts: 0, unknownInterface: 0, stillDeniedOnPath: 0, ungrouped: 0 };

  constructor(
    private readonly before: SnapshotIndex,
    private readonly after: SnapshotIndex,
    private readonly opts: ReplayOptions = { strict: false },
  ) {
    this.accepted = new AcceptedTuples(opts.reverseCapacity ?? 1 << 21);
  }

  /** Takes one event; returns the bad line that stops a strict run (`file:line: message`), else null. */
  add(ev: FlowLogEvent): string | null {
    if (ev.kind === 'bad-lines') return this.summary.addBadLines(ev.errors, this.opts.strict);
    if (ev.kind !== 'records') {
      this.summary.addFileEvent(ev);
      return null;
    }
    for (const r of ev.records) this.record(r);
    return null;
  }

  private judge(r: FlowRecord, reverse: boolean): Judged {
    const k = cacheKey(r, reverse);
    const hit = this.cache.get(k);
    if (hit) return hit;
    const reverseAccepted = () => reverse;
    const j: Judged = { before: reading(attributeRecord({ index: this.before, reverseAccepted }, r)), after: reading(attributeRecord({ index: this.after, reverseAccepted }, r)) };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(k, j);
    return j;
  }

  /** The whole path of the record's connection before and after (traced once per distinct reading). */
  private pathOf(j: Judged, r: FlowRecord): Judged['path'] {
    if (j.path !== undefined) return j.path;
    // Which end opened the connection, as attribution read it with some evidence (never a bare guess).
    const read = [j.after, j.before].find((x) => x.traffic !== 'unknown' && x.trafficEvidence !== 'none');
    const request = read ? requestOf(read.traffic, r) : null;
    const before = request && traceVerdict(this.before, request);
    const after = request && traceVerdict(this.after, request);
    j.path = before && after && before.reachable !== null && after.reachable !== null ? { before, after } : null;
    return j.path;
  }

  private record(r: FlowRecord): void {
    const only = this.opts.interfaceIds;
    if (only && !only.has(r.interfaceId ?? '')) return;
    this.summary.countRecord(r, false);
    const action = r.action;
    if (action === 'ACCEPT') this.accepted.add(r);
    if (action === null) return;
    const judged = this.judge(r, this.accepted.hasReverse(r));
    const { before, after } = judged;
    if (before.verdict === 'unknown-interface' && after.verdict === 'unknown-interface') {
      this.counts.unknownInterface++;
      return;
    }
    if (action === 'ACCEPT') {
      // An ACCEPT the configuration would deny is `config-denies` (the mirror of a REJECT's `blocked`).
      if (before.verdict === 'config-denies') {
        this.counts.unexplainedAccepts++;
        return;
      }
      if (after.verdict === 'config-allows') {
        // The interface still lets it through: the rest of the path may not.
        const path = this.pathOf(judged, r);
        if (path && path.before.reachable && !path.after.reachable) {
          this.counts.breaks++;
          const label = path.after.blockedBy ? blockedByText(path.after.blockedBy) : 'blocked on the path after the change';
          this.group(this.breaks, r, { ...after, blockedBy: path.after.blockedBy, ruleKey: `path|${label}`, ruleLabel: label }, 'path');
        }
        return;
      }
      if (after.verdict === 'ambiguous') {
        this.counts.ambiguous++;
        return;
      }
      // Blocked after, or the interface is gone after (its traffic cannot flow).
      this.counts.breaks++;
      this.group(this.breaks, r, after.verdict === 'config-denies' ? after : { ...before, blockedBy: null, ruleKey: 'removed', ruleLabel: `${r.interfaceId} is not in the after configuration` }, 'interface');
      return;
    }
    if (before.verdict === 'blocked' && after.verdict === 'config-allows') {
      const path = this.pathOf(judged, r);
      if (path && !path.after.reachable) {
        this.counts.stillDeniedOnPath++;
        return;
      }
      this.counts.newlyAllowed++;
      this.group(this.allowed, r, before, 'interface');
    }
  }

  private group(map: Map<string, ReplayGroup>, r: FlowRecord, a: Reading, via: ReplayGroup['via']): void {
    const peer = peerOf(a, r);
    const port = r.protocol === 6 || r.protocol === 17 ? servicePort(a, r) : null;
    const key = `${r.interfaceId}|${a.direction}|${a.traffic}|${peer}|${r.protocol}|${port}|${via}|${a.ruleKey}`;
    const g = map.get(key);
    if (g) {
      g.records++;
      return;
    }
    if (map.size >= MAX_REPLAY_GROUPS) {
      this.counts.ungrouped++;
      return;
    }
    map.set(key, {
      eniId: r.interfaceId ?? '-',
      direction: a.direction,
      traffic: a.traffic,
      peer,
      protocol: r.protocol ?? -1,
      port,
      blockedBy: a.blockedBy,
      rule: a.ruleLabel ?? a.ruleKey ?? 'no rule named',
      via,
      records: 1,
      first: { file: r.file, line: r.line },
    });
  }

  result(): ReplayResult {
    const sorted = (m: Map<string, ReplayGroup>) => [...m.values()].sort((x, y) => y.records - x.records || x.eniId.localeCompare(y.eniId) || x.peer.localeCompare(y.peer) || (x.port ?? -1) - (y.port ?? -1));
    return { breaks: sorted(this.breaks), newlyAllowed: sorted(this.allowed), records: this.summary.records, counts: { ...this.counts } };
  }
}

/** Replays events to their end (or to the bad line that stops a strict run). */
export async function replayFlowLogs(
  before: SnapshotIndex,
  after: SnapshotIndex,
  events: AsyncIterable<FlowLogEvent> | Iterable<FlowLogEvent>,
  opts: ReplayOptions = { strict: false },
): Promise<{ result: ReplayResult; summary: ExplainSummary; strictFailure: string | null }> {
  const replay = new Replay(before, after, opts);
  for await (const ev of events) {
    const stop = replay.add(ev);
    if (stop !== null) return { result: replay.result(), summary: replay.summary, strictFailure: stop };
  }
  return { result: replay.result(), summary: replay.summary, strictFailure: null };
}
