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
 * Distinct tuples kept at once. An entry holds the summary facts and, for json and jsonl, the encoded
 * output after `record` in a byte slab outside the JS heap (so the collector never copies it); when
 * either is full, both start over. Larger caches were measured: they raise peak RSS without making the
 * bench faster (most REJECT tuples of a scan are distinct).
 */
const CACHE_LIMIT = 5_000;
const SLAB_BYTES = 8 << 20;

/**
 * The JSON of an attribution after `record`, without its explanation: `"direction":...,"explanation":`.
 * The explanation (the bulk of it) is written separately, straight into the slab.
 */
function tailHead(a: Attribution): string {
  let s = `"direction":"${a.direction}","traffic":"${a.traffic}","trafficEvidence":"${a.trafficEvidence}","verdict":"${a.verdict}"`;
  if (a.blockedBy) s += `,"blockedBy":${JSON.stringify(a.blockedBy)}`;
  s += `,"alsoBlockedBy":${a.alsoBlockedBy.length === 0 ? '[]' : JSON.stringify(a.alsoBlockedBy)}`;
  if (a.candidates) s += `,"candidates":${JSON.stringify(a.candidates)}`;
  return `${s},"explanation":`;
}

/** What the loop needs of an attribution: no evidence graph, so memory stays flat. */
interface Cached {
  readonly attribution: SlimAttribution;
  /** The encoded tail, `bytes[start, end)`: in the slab, or (larger than it) in a buffer of its own. */
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

type SlimAttribution = Pick<Attribution, 'verdict' | 'blockedBy' | 'ruleKey' | 'ruleLabel' | 'explanation'>;

/** The fields the summary needs, plus the explanation when text output renders it. */
function slim(a: Attribution, withText: boolean): SlimAttribution {
  return { verdict: a.verdict, blockedBy: a.blockedBy, ruleKey: a.ruleKey, ruleLabel: a.ruleLabel, explanation: withText ? a.explanation : '' };
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

/** Where explain output goes: strings, and bytes copied from a buffer. */
export interface Writer {
  write(s: string): void;
  writeBytes(b: Uint8Array, start: number, end: number): void;
  /** Resolves when buffered output has been handed to the stream. */
  flush(): Promise<void>;
}

/**
 * The per-record work of explain: attribution (once per distinct tuple, through a bounded cache), the
 * output of the record (separators included: a newline after each jsonl line, commas between json
 * array elements), and the explained-side counts of the summary.
 */
export class RecordExplainer {
  readonly summary = new ExplainSummary();
  private readonly cache = new Map<string, Cached>();
  private readonly slab: Buffer;
  private slabUsed = 0;
  private readonly fileJson = new Map<string, string>();
  private reverse = false;
  private first = true;
  private readonly ctx: AttributionContext;

  constructor(
    index: SnapshotIndex,
    private readonly format: ExplainFormat,
    private readonly renderText: RenderText,
    snapshotTime?: string,
    /** Size of the byte slab that holds cached json/jsonl output (tests make it small). */
    slabBytes = SLAB_BYTES,
  ) {
    this.ctx = { index, reverseAccepted: () => this.reverse, ...(snapshotTime ? { snapshotTime } : {}) };
    this.slab = Buffer.allocUnsafe(format === 'text' ? 0 : slabBytes);
  }

  private attribute(r: FlowRecord, reverse: boolean): Cached {
    const key = cacheKey(r, reverse);
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.reverse = reverse;
    const attribution = attributeRecord(this.ctx, r);
    const text = this.format === 'text';
    const head = text ? '' : tailHead(attribution);
    const expl = text ? '' : needsEscape(attribution.explanation) ? JSON.stringify(attribution.explanation) : null;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; 3 more for the quotes and the closing brace.
    const bound = text ? 0 : (head.length + (expl ?? attribution.explanation).length) * 3 + 3;
    if (this.cache.size >= CACHE_LIMIT || this.slabUsed + bound > this.slab.length) {
      this.cache.clear();
      this.slabUsed = 0;
    }
    if (bound > this.slab.length) {
      // Larger than the whole slab: written from a buffer of its own, not cached.
      const bytes = Buffer.from(`${head}${expl ?? JSON.stringify(attribution.explanation)}}`);
      return { attribution: slim(attribution, text), bytes, start: 0, end: bytes.length };
    }
    const start = this.slabUsed;
    if (!text) {
      const slab = this.slab;
      let pos = start + slab.write(head, start);
      if (expl !== null) pos += slab.write(expl, pos);
      else {
        slab[pos++] = 0x22; // "
        pos += slab.write(attribution.explanation, pos);
        slab[pos++] = 0x22;
      }
      slab[pos++] = 0x7d; // }
      this.slabUsed = pos;
    }
    const entry = { attribution: slim(attribution, text), bytes: this.slab, start, end: this.slabUsed };
    this.cache.set(key, entry);
    return entry;
  }

  /** Writes the output of one record: a JSON object (json, jsonl) or a paragraph (text). */
  explain(r: FlowRecord, reverse: boolean, out: Writer): void {
    const hit = this.attribute(r, reverse);
    this.summary.addExplained(hit.attribution, r.srcaddr, r.dstport, r.action === 'ACCEPT');
    if (this.format === 'text') {
      out.write(this.renderText(r.file, r.line, hit.attribution));
      return;
    }
    let fj = this.fileJson.get(r.file);
    if (fj === undefined) this.fileJson.set(r.file, (fj = JSON.stringify(r.file)));
    const sep = this.format === 'json' && !this.first ? ',' : '';
    this.first = false;
    out.write(`${sep}{"file":${fj},"line":${r.line},"record":${recordJson(r)},`);
    out.writeBytes(hit.bytes, hit.start, hit.end);
    if (this.format === 'jsonl') out.write('\n');
  }
}
