/**
 * The per-record work of explain: attribution once per distinct tuple (a bounded cache), the record's
 * output, and the explained side of the summary.
 */
import type { FlowRecord } from '../flowlog/record.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { type Attribution, type AttributionContext, attributeRecord } from './attribute.js';
import { type SlotTemplate, fillSlots, hasSlots, portBoundaries, portClass, splitSlots, withPortSlots } from './ports.js';
import { ExplainSummary } from './summary.js';

export type ExplainFormat = 'text' | 'json' | 'jsonl';

/**
 * Distinct tuples (or port classes, ports.ts) kept at once. An entry holds the summary facts and, for
 * json and jsonl, the encoded output after `record` in a byte slab outside the JS heap (so the collector
 * never copies it); when either is full, both start over. Larger caches were measured: on the bench, an
 * unbounded one saves 12 % of the attributions (47,588 -> 41,937) and raises peak RSS by 80 MB, as the
 * REJECTs of horizontal scans and internet noise are distinct anyway.
 */
const CACHE_LIMIT = 5_000;
const SLAB_BYTES = 8 << 20;
/** Interface-ids whose port classes are kept (unknown ids in a hostile log must not grow memory). */
const BOUNDARIES_LIMIT = 100_000;

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
  /** For text output, the explanation: as is, or (a port template) in `text`. */
  readonly attribution: SlimAttribution;
  /**
   * The encoded tail, in `bytes` (the slab, or a buffer of its own when larger than the slab), as byte
   * ranges `[segs[2i], segs[2i+1])`; between ranges i and i+1 goes the record's port `slots[i]` (0: source).
   */
  readonly bytes: Buffer;
  readonly segs: readonly number[];
  readonly slots: readonly (0 | 1)[];
  /** The explanation of a port template, for text output. */
  readonly text: SlotTemplate | null;
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

/** A key part that no other value's part equals: `~` for a missing value, else length-prefixed. */
function part(s: string | null): string {
  return s === null ? '~' : `${s.length}:${s}`;
}

/**
 * What attribution reads of a record, one key per distinct input. Fields such as reject-reason may hold
 * any text (`|` and `null` included), so every part is delimited by its length.
 */
function cacheKey(r: FlowRecord, reverse: boolean, ports: string): string {
  const f = r.format;
  return `${part(r.raw(f.interfaceId))}${part(r.raw(f.srcaddr))}${part(r.raw(f.dstaddr))}${part(ports)}${part(r.raw(f.protocol))}${part(r.raw(f.tcpFlags))}${part(r.raw(f.flowDirection))}${part(r.raw(f.pktSrcaddr))}${part(r.raw(f.pktDstaddr))}${part(r.raw(f.rejectReason))}${part(r.action)}${reverse ? 1 : 0}`;
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
  /** Attributions computed (cache misses): at most one per distinct tuple or port class still cached. */
  attributions = 0;
  private readonly cache = new Map<string, Cached>();
  private readonly slab: Buffer;
  private slabUsed = 0;
  private readonly fileJson = new Map<string, string>();
  /** Port-class boundaries by interface-id (null: not in the snapshot, ports are keyed as they are). */
  private readonly boundaries = new Map<string, Int32Array | null>();
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

  /**
   * The ports part of the cache key. TCP and UDP records of a known interface are keyed by port class
   * (ports.ts), and their entry is a port template; other protocols do not read ports at all.
   */
  private portsKey(r: FlowRecord): string {
    const p = r.protocol;
    if (p !== 6 && p !== 17) return '*';
    const sp = r.srcport;
    const dp = r.dstport;
    const id = r.interfaceId;
    if (sp === null || dp === null || sp === dp || id === null) return `${sp}|${dp}`;
    let b = this.boundaries.get(id);
    if (b === undefined) {
      const eni = this.ctx.index.eniById.get(id);
      b = eni ? portBoundaries(this.ctx.index, eni) : null;
      if (this.boundaries.size < BOUNDARIES_LIMIT) this.boundaries.set(id, b);
    }
    return b === null ? `${sp}|${dp}` : `c${portClass(b, sp)}|c${portClass(b, dp)}`;
  }

  private attribute(r: FlowRecord, reverse: boolean): Cached {
    let ports = this.portsKey(r);
    let key = cacheKey(r, reverse, ports);
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.reverse = reverse;
    this.attributions++;
    let attribution: Attribution;
    if (ports.charCodeAt(0) === 99 /* c */) {
      attribution = withPortSlots(r.srcport!, r.dstport!, () => attributeRecord(this.ctx, r));
      if (hasSlots(`${attribution.ruleKey}${attribution.ruleLabel}`)) {
        // A port in the summary's rule label would make records of one class count under different
        // labels: such records are attributed one by one.
        attribution = attributeRecord(this.ctx, r);
        ports = `${r.srcport}|${r.dstport}`;
        key = cacheKey(r, reverse, ports);
      }
    } else {
      attribution = attributeRecord(this.ctx, r);
    }
    const text = this.format === 'text';
    const templ = hasSlots(attribution.explanation);
    const tail = text ? '' : `${tailHead(attribution)}${needsEscape(attribution.explanation) ? JSON.stringify(attribution.explanation) : `"${attribution.explanation}"`}}`;
    const parts = text ? null : templ ? splitSlots(tail) : { texts: [tail], slots: [] };
    const textTemplate = text && templ ? splitSlots(attribution.explanation) : null;
    const slimmed = slim(attribution, text && !templ);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const bound = tail.length * 3;
    if (this.cache.size >= CACHE_LIMIT || this.slabUsed + bound > this.slab.length) {
      this.cache.clear();
      this.slabUsed = 0;
    }
    const own = bound > this.slab.length;
    // Larger than the whole slab: written from a buffer of its own, not cached.
    const bytes = own ? Buffer.allocUnsafe(bound) : this.slab;
    let pos = own ? 0 : this.slabUsed;
    const segs: number[] = [];
    for (const t of parts?.texts ?? []) {
      segs.push(pos);
      pos += bytes.write(t, pos);
      segs.push(pos);
    }
    const entry: Cached = { attribution: slimmed, bytes, segs, slots: parts?.slots ?? [], text: textTemplate };
    if (!own) {
      this.slabUsed = pos;
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** Writes the output of one record: a JSON object (json, jsonl) or a paragraph (text). */
  explain(r: FlowRecord, reverse: boolean, out: Writer): void {
    const hit = this.attribute(r, reverse);
    this.summary.addExplained(hit.attribution, r.srcaddr, r.dstport, r.action === 'ACCEPT');
    if (this.format === 'text') {
      const a = hit.text ? { verdict: hit.attribution.verdict, explanation: fillSlots(hit.text, r.srcport!, r.dstport!) } : hit.attribution;
      out.write(this.renderText(r.file, r.line, a));
      return;
    }
    let fj = this.fileJson.get(r.file);
    if (fj === undefined) this.fileJson.set(r.file, (fj = JSON.stringify(r.file)));
    const sep = this.format === 'json' && !this.first ? ',' : '';
    this.first = false;
    out.write(`${sep}{"file":${fj},"line":${r.line},"record":${recordJson(r)},`);
    const segs = hit.segs;
    out.writeBytes(hit.bytes, segs[0]!, segs[1]!);
    for (let i = 0; i < hit.slots.length; i++) {
      out.write(String(hit.slots[i] === 0 ? r.srcport : r.dstport));
      out.writeBytes(hit.bytes, segs[2 * i + 2]!, segs[2 * i + 3]!);
    }
    if (this.format === 'jsonl') out.write('\n');
  }
}
