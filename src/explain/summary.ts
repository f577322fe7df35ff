/** Counts for the end of an explain run: per verdict, per blocking rule (with top sources and ports). */
import type { BlockedBy } from './hops.js';
import type { Attribution, Verdict } from './attribute.js';

/** Distinct sources / ports counted per rule; later ones are not counted (bounded memory). */
const TRACKED_KEYS = 1_000;

class TopCounter<K> {
  private readonly counts = new Map<K, number>();
  add(k: K): void {
    const c = this.counts.get(k);
    if (c !== undefined) this.counts.set(k, c + 1);
    else if (this.counts.size < TRACKED_KEYS) this.counts.set(k, 1);
  }
  top(n: number): Array<[K, number]> {
    // Ties broken by key, so the order does not depend on the order records arrived in.
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
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
