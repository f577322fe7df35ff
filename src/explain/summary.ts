/** Counts for the end of an explain run: per verdict, per blocking rule (with top sources and ports). */
import type { BlockedBy } from './hops.js';
import type { Attribution, Verdict } from './attribute.js';
import { formatIpv4, parseIpv4Fast } from '../net/ip.js';
import { type FlowLogFormat, formatWarnings } from '../flowlog/format.js';
import type { FlowLogEvent } from '../flowlog/reader.js';
import type { FlowRecord, LineError } from '../flowlog/record.js';

/** The events of a run that are about files, not records. */
export type FileEvent = Extract<FlowLogEvent, { kind: 'file-start' | 'file-error' | 'file-skipped' }>;

/** Sources / ports tracked per rule (bounded memory, whatever the number of distinct values). */
const TRACKED_KEYS = 1_000;

/**
 * The most frequent values of a stream, in bounded memory: the Space-Saving algorithm (Metwally, Agrawal
 * and El Abbadi, 2005). Up to TRACKED_KEYS distinct values every count is exact. Past that, a new value
 * takes the place of the least counted one and inherits its count as its possible overcount, so any value
 * seen more often than 1 in TRACKED_KEYS times is always tracked, however late it first appears. `top`
 * reports counts that are certain (the count less the possible overcount): exact for every value that
 * never had to take another's place.
 */
export class TopCounter<K extends string | number> {
  /** The tracked values' slots. A slot moves in the heap by its `at` field: no map update per move. */
  private readonly slot = new Map<K, Tracked<K>>();
  /** A min-heap on count once every slot is taken (until then no value is ever replaced, so plain counting does). */
  private readonly slots: Array<Tracked<K>> = [];
  private heap = false;

  constructor(private readonly capacity = TRACKED_KEYS) {}

  add(k: K): void {
    const s = this.slot.get(k);
    if (s !== undefined) {
      s.count++;
      if (this.heap) this.siftDown(s.at);
    } else if (this.slots.length < this.capacity) {
      const fresh: Tracked<K> = { key: k, count: 1, error: 0, at: this.slots.length };
      this.slot.set(k, fresh);
      this.slots.push(fresh);
    } else {
      if (!this.heap) {
        this.heap = true;
        for (let j = (this.slots.length >> 1) - 1; j >= 0; j--) this.siftDown(j);
      }
      // Replace the least counted value (the root): its slot is reused.
      const root = this.slots[0]!;
      this.slot.delete(root.key);
      root.key = k;
      root.error = root.count;
      root.count++;
      this.slot.set(k, root);
      this.siftDown(0);
    }
  }

  /**
   * What Space-Saving guarantees about a value's true count: between the certain count and the count for
   * a tracked value; for an untracked one, at most the least count tracked (undefined: nothing tracked).
   */
  bounds(k: K): readonly [number, number] | undefined {
    const s = this.slot.get(k);
    if (s !== undefined) return [s.count - s.error, s.count];
    if (this.slots.length === 0) return undefined;
    return [0, this.slots.length < this.capacity ? 0 : Math.min(...this.slots.map((x) => x.count))];
  }

  /** The n values of the highest certain counts, each as `show` gives it (ties in the order of that). */
  top(n: number): Array<[K, number]>;
  top<T extends string | number>(n: number, show: (k: K) => T): Array<[T, number]>;
  top(n: number, show: (k: K) => string | number = (k) => k): Array<[string | number, number]> {
    const rows: Array<[string | number, number]> = this.slots.map((x) => [show(x.key), x.count - x.error]);
    // Ties broken by key, so the order does not depend on the order records arrived in.
    return rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
  }

  /** Moves the slot at i down to its place: smaller children move up into the hole, and it goes where the hole ends. */
  private siftDown(i: number): void {
    const slots = this.slots;
    const n = slots.length;
    const moving = slots[i]!;
    const c = moving.count;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && slots[r]!.count < slots[l]!.count ? r : l;
      const child = slots[m]!;
      if (c <= child.count) break;
      slots[i] = child;
      child.at = i;
      i = m;
    }
    slots[i] = moving;
    moving.at = i;
  }
}

/** A tracked value of a TopCounter: its count, the count it may have inherited (overcount), its heap place. */
interface Tracked<K> {
  key: K;
  count: number;
  error: number;
  at: number;
}

export interface RuleGroup {
  readonly blockedBy: BlockedBy;
  readonly rule: string;
  /** Whose addresses `sources` counts: the peers the rule judges, sources inbound, destinations outbound. */
  readonly peers: 'sources' | 'destinations';
  count: number;
  /** Peer addresses; an IPv4 address as its number (topSources gives them all as text). */
  readonly sources: TopCounter<string | number>;
  /** TCP and UDP destination ports. */
  readonly ports: TopCounter<number>;
  /** ICMP and ICMPv6 records, by protocol: flow logs carry no ICMP type or code (ref 2.4), so no port is counted for them. */
  readonly icmp: TopCounter<string>;
}

/**
 * The peer a record's summary counts, as its explanation names it (ref 8.4): the packet's source inbound,
 * its destination outbound (pkt-srcaddr / pkt-dstaddr when the record has them: a NAT gateway's records).
 */
export function summaryPeer(r: Pick<FlowRecord, 'srcaddr' | 'dstaddr' | 'pktSrcaddr' | 'pktDstaddr'>, a: Pick<Attribution, 'direction' | 'blockedBy'>): string | null {
  return peerDirection(a) === 'inbound' ? (r.pktSrcaddr ?? r.srcaddr) : (r.pktDstaddr ?? r.dstaddr);
}

/** The direction of the rule that blocks (or of the record, for a blocker without one). */
export function peerDirection(a: Pick<Attribution, 'blockedBy'> & Partial<Pick<Attribution, 'direction'>>): 'inbound' | 'outbound' {
  const b = a.blockedBy;
  return b !== null && 'direction' in b ? b.direction : (a.direction ?? 'inbound');
}

/** The n most frequent sources of a rule group, as text. */
export function topSources(g: RuleGroup, n: number): Array<[string, number]> {
  return g.sources.top(n, (k) => (typeof k === 'number' ? formatIpv4(k) : k));
}

export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface RuleGroupJson {
  blockedBy: BlockedBy;
  rule: string;
  count: number;
  /** Inbound rules: the top sources; outbound rules: the top destinations (topDestinations instead). */
  topSources?: Array<{ address: string; count: number }>;
  topDestinations?: Array<{ address: string; count: number }>;
  topDestinationPorts: Array<{ port: number; count: number }>;
  /** ICMP records by protocol (flow logs carry no ICMP type or code). */
  icmp: Array<{ protocol: string; count: number }>;
}

function ruleGroupJson(g: RuleGroup): RuleGroupJson {
  const peers = topSources(g, 5).map(([address, count]) => ({ address, count }));
  return {
    blockedBy: g.blockedBy,
    rule: g.rule,
    count: g.count,
    ...(g.peers === 'sources' ? { topSources: peers } : { topDestinations: peers }),
    topDestinationPorts: g.ports.top(5).map(([port, count]) => ({ port, count })),
    icmp: g.icmp.top(2).map(([protocol, count]) => ({ protocol, count })),
  };
}

function sortedGroups(groups: Map<string, RuleGroup>): RuleGroup[] {
  return [...groups.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).map(([, g]) => g);
}

export interface SummaryJson {
  records: number;
  explained: number;
  accepted: number;
  rejected: number;
  nodata: number;
  skipdata: number;
  noAction: number;
  verdicts: Record<Verdict, number>;
  blockingRules: RuleGroupJson[];
  /** ACCEPTed records (--all) the current configuration would deny, by the rule that would deny them. */
  configDeniesRules: RuleGroupJson[];
  badLines: number;
  badLineSamples: BadLine[];
  fileErrors: Array<{ file: string; message: string }>;
  files: number;
}

export class ExplainSummary {
  records = 0;
  explained = 0;
  accepted = 0;
  rejected = 0;
  nodata = 0;
  skipdata = 0;
  /** Records with no action (a format without the field, or `-` outside NODATA/SKIPDATA). */
  noAction = 0;
  /** Files whose column order has no `action` field. */
  readonly formatsWithoutAction: string[] = [];
  /** Hidden or metadata entries of walked directories, not read. */
  readonly skippedFiles: string[] = [];
  /** Warnings about the formats read (unknown field names, fields explain needs), each once. */
  readonly formatWarnings: string[] = [];
  files = 0;
  badLines = 0;
  readonly badLineSamples: BadLine[] = [];
  readonly fileErrors: Array<{ file: string; message: string }> = [];
  readonly verdicts: Record<Verdict, number> = { blocked: 0, 'config-denies': 0, 'config-allows': 0, 'unknown-interface': 0, ambiguous: 0 };
  /** Blocked REJECTs by blocking rule. */
  private readonly groups = new Map<string, RuleGroup>();
  /** config-denies ACCEPTs by the rule that would deny them: apart from the REJECTs. */
  private readonly deniedGroups = new Map<string, RuleGroup>();
  private readonly seenFormats = new Set<FlowLogFormat>();
  private readonly seenWarnings = new Set<string>();

  /**
   * Counts a record of the selected interfaces; true when explain explains it: a REJECT, and with `all`
   * an ACCEPT or a record without an action (never a NODATA or SKIPDATA one).
   */
  countRecord(r: Pick<FlowRecord, 'action' | 'logStatus'>, all: boolean): boolean {
    this.records++;
    const action = r.action;
    if (action === null) {
      const status = r.logStatus;
      if (status === 'NODATA') this.nodata++;
      else if (status === 'SKIPDATA') this.skipdata++;
      else this.noAction++;
      // A record whose format has no action (or `-`) cannot be told REJECT from ACCEPT: only --all explains it.
      return all && status !== 'NODATA' && status !== 'SKIPDATA';
    }
    if (action === 'ACCEPT') {
      this.accepted++;
      return all;
    }
    this.rejected++;
    return true;
  }

  /** ACCEPT records a reader filter consumed without passing them on: counted as records and as accepted. */
  addConsumedAccepts(n: number): void {
    this.records += n;
    this.accepted += n;
  }

  /** Adds bad lines; with `strict` only the first, and returns it as `file:line: message` (the run stops there). */
  addBadLines(errors: readonly LineError[], strict: boolean): string | null {
    for (const e of errors) {
      this.addBadLine({ file: e.file, line: e.line, message: e.message });
      if (strict) return `${e.file}:${e.line}: ${e.message}`;
    }
    return null;
  }

  addFileEvent(ev: FileEvent): void {
    switch (ev.kind) {
      case 'file-start':
        this.files++;
        if (ev.format.action < 0) this.formatsWithoutAction.push(ev.file);
        if (!this.seenFormats.has(ev.format)) {
          this.seenFormats.add(ev.format);
          // Each warning once, with the first file it came from (a header repeats in every S3 file).
          for (const w of formatWarnings(ev.format)) {
            if (this.seenWarnings.has(w)) continue;
            this.seenWarnings.add(w);
            this.formatWarnings.push(`${ev.file}: ${w}`);
          }
        }
        break;
      case 'file-error':
        this.fileErrors.push({ file: ev.file, message: ev.message });
        break;
      case 'file-skipped':
        this.skippedFiles.push(ev.file);
        break;
    }
  }

  /**
   * `peer` (summaryPeer) as written, or an IPv4 address as its number (counted as its text: an IPv4
   * address of a record is its canonical dotted quad). `accepted`: the record itself was ACCEPTed (--all),
   * so it is not counted under the blocking rules (a config-denies is counted apart).
   */
  addExplained(a: Pick<Attribution, 'verdict' | 'ruleKey' | 'blockedBy' | 'ruleLabel'> & Partial<Pick<Attribution, 'direction'>>, peer: string | number | null, dstport: number | null, accepted = false, protocol: number | null = null): void {
    this.explained++;
    this.verdicts[a.verdict]++;
    if (!a.ruleKey || !a.blockedBy) return;
    const groups = a.verdict === 'blocked' && !accepted ? this.groups : a.verdict === 'config-denies' ? this.deniedGroups : null;
    if (groups === null) return;
    let g = groups.get(a.ruleKey);
    if (!g) {
      g = { blockedBy: a.blockedBy, rule: a.ruleLabel ?? a.ruleKey, peers: peerDirection(a) === 'inbound' ? 'sources' : 'destinations', count: 0, sources: new TopCounter(), ports: new TopCounter(), icmp: new TopCounter() };
      groups.set(a.ruleKey, g);
    }
    g.count++;
    if (typeof peer === 'number') {
      g.sources.add(peer);
    } else if (peer) {
      const v4 = parseIpv4Fast(peer);
      g.sources.add(v4 >= 0 ? v4 : peer);
    }
    if (protocol === 1 || protocol === 58) g.icmp.add(protocol === 1 ? 'icmp' : 'icmpv6');
    else if (dstport !== null && (protocol === null || protocol === 6 || protocol === 17)) g.ports.add(dstport);
  }

  addBadLine(b: BadLine): void {
    this.badLines++;
    if (this.badLineSamples.length < 100) this.badLineSamples.push(b);
  }

  ruleGroups(): RuleGroup[] {
    return sortedGroups(this.groups);
  }

  /** The config-denies ACCEPTs by rule. */
  configDeniesGroups(): RuleGroup[] {
    return sortedGroups(this.deniedGroups);
  }

  toJson(): SummaryJson {
    return {
      records: this.records,
      explained: this.explained,
      accepted: this.accepted,
      rejected: this.rejected,
      nodata: this.nodata,
      skipdata: this.skipdata,
      noAction: this.noAction,
      verdicts: { ...this.verdicts },
      blockingRules: this.ruleGroups().map(ruleGroupJson),
      configDeniesRules: this.configDeniesGroups().map(ruleGroupJson),
      badLines: this.badLines,
      badLineSamples: [...this.badLineSamples],
      fileErrors: [...this.fileErrors],
      files: this.files,
    };
  }
}
