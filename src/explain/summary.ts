/** Counts for the end of an explain run: per verdict, per blocking rule (with top sources and ports). */
import type { BlockedBy } from './hops.js';
import type { Attribution, Verdict } from './attribute.js';

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
  private readonly slot = new Map<K, number>();
  /**
   * Slots: keys, counts and overcounts. A min-heap on count once every slot is taken (until then no value
   * is ever replaced, so plain counting does).
   */
  private readonly keys: K[] = [];
  private readonly counts: number[] = [];
  private readonly errors: number[] = [];
  private heap = false;

  constructor(private readonly capacity = TRACKED_KEYS) {}

  add(k: K): void {
    const i = this.slot.get(k);
    if (i !== undefined) {
      this.counts[i]!++;
      if (this.heap) this.siftDown(i);
    } else if (this.keys.length < this.capacity) {
      this.slot.set(k, this.keys.length);
      this.keys.push(k);
      this.counts.push(1);
      this.errors.push(0);
    } else {
      if (!this.heap) {
        this.heap = true;
        for (let j = (this.keys.length >> 1) - 1; j >= 0; j--) this.siftDown(j);
      }
      // Replace the least counted value (the root).
      this.slot.delete(this.keys[0]!);
      this.keys[0] = k;
      this.errors[0] = this.counts[0]!;
      this.counts[0]!++;
      this.slot.set(k, 0);
      this.siftDown(0);
    }
  }

  /**
   * What Space-Saving guarantees about a value's true count: between the certain count and the count for
   * a tracked value; for an untracked one, at most the least count tracked (undefined: nothing tracked).
   */
  bounds(k: K): readonly [number, number] | undefined {
    const i = this.slot.get(k);
    if (i !== undefined) return [this.counts[i]! - this.errors[i]!, this.counts[i]!];
    if (this.keys.length === 0) return undefined;
    return [0, this.keys.length < this.capacity ? 0 : Math.min(...this.counts)];
  }

  top(n: number): Array<[K, number]> {
    const rows: Array<[K, number]> = this.keys.map((k, i) => [k, this.counts[i]! - this.errors[i]!]);
    // Ties broken by key, so the order does not depend on the order records arrived in.
    return rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
  }

  /**
   * Moves the value at i down to its place: smaller children move up into the hole, and the value goes
   * where the hole ends (one map update per moved value).
   */
  private siftDown(i: number): void {
    const { keys, counts, errors } = this;
    const n = keys.length;
    const k = keys[i]!;
    const c = counts[i]!;
    const e = errors[i]!;
    const start = i;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && counts[r]! < counts[l]! ? r : l;
      if (c <= counts[m]!) break;
      keys[i] = keys[m]!;
      counts[i] = counts[m]!;
      errors[i] = errors[m]!;
      this.slot.set(keys[i]!, i);
      i = m;
    }
    if (i === start) return;
    keys[i] = k;
    counts[i] = c;
    errors[i] = e;
    this.slot.set(k, i);
  }
}

export interface RuleGroup {
  readonly blockedBy: BlockedBy;
  readonly rule: string;
  count: number;
  readonly sources: TopCounter<string>;
  readonly ports: TopCounter<number>;
}

export interface BadLine {
  readonly file: string;
  readonly line: number;
  readonly message: string;
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
  blockingRules: Array<{ blockedBy: BlockedBy; rule: string; count: number; topSources: Array<{ address: string; count: number }>; topDestinationPorts: Array<{ port: number; count: number }> }>;
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
  readonly verdicts: Record<Verdict, number> = { blocked: 0, 'config-allows': 0, 'unknown-interface': 0, ambiguous: 0 };
  private readonly groups = new Map<string, RuleGroup>();

  /** `accepted`: the record itself was ACCEPTed (--all), so it is not counted under the blocking rules. */
  addExplained(a: Pick<Attribution, 'verdict' | 'ruleKey' | 'blockedBy' | 'ruleLabel'>, srcaddr: string | null, dstport: number | null, accepted = false): void {
    this.explained++;
    this.verdicts[a.verdict]++;
    if (accepted || a.verdict !== 'blocked' || !a.ruleKey || !a.blockedBy) return;
    let g = this.groups.get(a.ruleKey);
    if (!g) {
      g = { blockedBy: a.blockedBy, rule: a.ruleLabel ?? a.ruleKey, count: 0, sources: new TopCounter(), ports: new TopCounter() };
      this.groups.set(a.ruleKey, g);
    }
    g.count++;
    if (srcaddr) g.sources.add(srcaddr);
    if (dstport !== null) g.ports.add(dstport);
  }

  addBadLine(b: BadLine): void {
    this.badLines++;
    if (this.badLineSamples.length < 100) this.badLineSamples.push(b);
  }

  ruleGroups(): RuleGroup[] {
    return [...this.groups.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).map(([, g]) => g);
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
      blockingRules: this.ruleGroups().map((g) => ({
        blockedBy: g.blockedBy,
        rule: g.rule,
        count: g.count,
        topSources: g.sources.top(5).map(([address, count]) => ({ address, count })),
        topDestinationPorts: g.ports.top(5).map(([port, count]) => ({ port, count })),
      })),
      badLines: this.badLines,
      badLineSamples: [...this.badLineSamples],
      fileErrors: [...this.fileErrors],
      files: this.files,
    };
  }
}
