/**
 * The per-record work of explain: attribution once per distinct tuple (a bounded cache), the record's
 * output, and the explained side of the summary.
 */
import type { FlowRecord } from '../flowlog/record.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type Attribution, type AttributionContext, attributeRecord } from './attribute.js';
import { ExplainSummary } from './summary.js';

export type ExplainFormat = 'text' | 'json' | 'jsonl';

/**
 * Distinct tuples kept at once. Each entry holds only the output text and the summary facts (about
 * 2 KB), so the cache stays near 10 MB; when full it starts over. Larger caches were measured: they raise
 * peak RSS without making the bench faster (most REJECT tuples of a scan are distinct).
 */
const CACHE_LIMIT = 5_000;

/** JSON of an attribution after `record`, computed once per distinct tuple. */
function tailJson(a: Attribution): string {
  const o: Record<string, unknown> = {
    direction: a.direction,
    traffic: a.traffic,
    trafficEvidence: a.trafficEvidence,
    verdict: a.verdict,
  };
  if (a.blockedBy) o['blockedBy'] = a.blockedBy;
  o['alsoBlockedBy'] = a.alsoBlockedBy;
  if (a.candidates) o['candidates'] = a.candidates;
  o['explanation'] = a.explanation;
  return JSON.stringify(o).slice(1);
}

/** What the loop needs of an attribution: no evidence graph, so memory stays flat. */
interface Cached {
  readonly attribution: SlimAttribution;
  readonly tail: string;
}

type SlimAttribution = Pick<Attribution, 'verdict' | 'blockedBy' | 'ruleKey' | 'ruleLabel' | 'explanation' | 'direction'>;

function slim(a: Attribution): SlimAttribution {
  return { verdict: a.verdict, blockedBy: a.blockedBy, ruleKey: a.ruleKey, ruleLabel: a.ruleLabel, explanation: a.explanation, direction: a.direction };
}

const keyPrefixes = new WeakMap<FlowRecord['format'], string[]>();

function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** `JSON.stringify(r.fields())` without building the object: the hot path of JSONL output. */
export function recordJson(r: FlowRecord): string {
  const f = r.format;
  let keys = keyPrefixes.get(f);
  if (!keys) keyPrefixes.set(f, (keys = f.fields.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`)));
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    out += keys[i];
    if (f.intMask[i] === 1) {
      const v = r.int(i);
      out += v === null ? 'null' : String(v);
    } else {
      const v = r.raw(i);
      out += v === null ? 'null' : needsEscape(v) ? JSON.stringify(v) : `"${v}"`;
    }
  }
  return keys.length === 0 ? '{}' : `${out}}`;
}

function cacheKey(r: FlowRecord, reverse: boolean): string {
  const f = r.format;
  return `${r.raw(f.interfaceId)}|${r.raw(f.srcaddr)}|${r.raw(f.dstaddr)}|${r.raw(f.srcport)}|${r.raw(f.dstport)}|${r.raw(f.protocol)}|${r.raw(f.tcpFlags)}|${r.raw(f.flowDirection)}|${r.raw(f.pktSrcaddr)}|${r.raw(f.pktDstaddr)}|${r.raw(f.rejectReason)}|${r.action}|${reverse ? 1 : 0}`;
}

/** Renders one record in the run's format (without separators). */
export type RenderText = (file: string, line: number, a: Pick<Attribution, 'verdict' | 'explanation'>) => string;

/**
 * The per-record work of explain: attribution (once per distinct tuple, through a bounded cache), the
 * output text of the record, and the explained-side counts of the summary.
 */
export class RecordExplainer {
  readonly summary = new ExplainSummary();
  private readonly cache = new Map<string, Cached>();
  private readonly fileJson = new Map<string, string>();
  private reverse = false;
  private readonly ctx: AttributionContext;

  constructor(
    index: SnapshotIndex,
    private readonly format: ExplainFormat,
    private readonly renderText: RenderText,
    snapshotTime?: string,
  ) {
    this.ctx = { index, reverseAccepted: () => this.reverse, ...(snapshotTime ? { snapshotTime } : {}) };
  }

  /** The output of one record: a JSON object (json, jsonl) or a paragraph (text). */
  explain(r: FlowRecord, reverse: boolean): string {
    this.reverse = reverse;
    const key = cacheKey(r, reverse);
    let hit = this.cache.get(key);
    if (!hit) {
      const attribution = attributeRecord(this.ctx, r);
      hit = { attribution: slim(attribution), tail: this.format === 'text' ? '' : tailJson(attribution) };
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, hit);
    }
    this.summary.addExplained(hit.attribution, r.srcaddr, r.dstport);
    if (this.format === 'text') return this.renderText(r.file, r.line, hit.attribution);
    let fj = this.fileJson.get(r.file);
    if (fj === undefined) this.fileJson.set(r.file, (fj = JSON.stringify(r.file)));
    return `{"file":${fj},"line":${r.line},"record":${recordJson(r)},${hit.tail}`;
  }
}

/** Joins record outputs the way the format wants: lines for jsonl, array elements for json. */
export class OutputJoiner {
  private first = true;
  constructor(private readonly format: ExplainFormat) {}
  piece(s: string): string {
    if (this.format === 'jsonl') return `${s}\n`;
    if (this.format === 'text') return s;
    const out = this.first ? s : `,${s}`;
    this.first = false;
    return out;
  }
}

