/**
 * The explain loop: flow-log events in, one attribution per REJECT (or every record with `all`) out,
 * plus the summary. Identical tuples are attributed once (a bounded cache); ACCEPTs only feed the
 * reverse-flow index. Output goes through a `Writer` that respects back-pressure.
 */
import type { FlowLogEvent } from '../flowlog/reader.js';
import type { FlowRecord } from '../flowlog/record.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { AcceptIndex } from './accept-index.js';
import { type Attribution, type AttributionContext, attributeRecord } from './attribute.js';
import { trimHeap } from './memory.js';
import { ExplainSummary } from './summary.js';

export type ExplainFormat = 'text' | 'json' | 'jsonl';

export interface ExplainRunOptions {
  readonly format: ExplainFormat;
  readonly all: boolean;
  readonly strict: boolean;
  readonly snapshotTime?: string;
  /** Only records of these interfaces. */
  readonly interfaceIds?: ReadonlySet<string>;
}

export interface Writer {
  write(s: string): void;
  /** Resolves when buffered output has been handed to the stream. */
  flush(): Promise<void>;
}

export interface ExplainRunResult {
  readonly summary: ExplainSummary;
  /** Set when --strict stopped the run at a bad line. */
  readonly strictFailure: string | null;
  /** An input that failed part-way (an S3 permission, ...): the output up to it is complete and closed. */
  readonly failure: Error | null;
}

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
 * output text of the record, and the explained-side counts of the summary. The same code runs in the
 * main thread or in the explain worker.
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

export async function runExplain(
  index: SnapshotIndex,
  events: AsyncIterable<FlowLogEvent>,
  opts: ExplainRunOptions,
  out: Writer,
  renderText: RenderText,
): Promise<ExplainRunResult> {
  const explainer = new RecordExplainer(index, opts.format, renderText, opts.snapshotTime);
  const summary = explainer.summary;
  trimHeap(true);
  const accepts = new AcceptIndex();
  const joiner = new OutputJoiner(opts.format);
  if (opts.format === 'json') out.write('{"records":[');
  let strictFailure: string | null = null;
  let failure: Error | null = null;
  const only = opts.interfaceIds;

  try {
    outer: for await (const ev of events) {
      switch (ev.kind) {
        case 'records':
          for (const r of ev.records) {
            if (only && !only.has(r.interfaceId ?? '')) continue;
            summary.records++;
            const action = r.action;
            if (action === null) {
              const status = r.logStatus;
              if (status === 'NODATA') summary.nodata++;
              else if (status === 'SKIPDATA') summary.skipdata++;
              else summary.noAction++;
              // A record whose format has no action (or `-`) cannot be told REJECT from ACCEPT: only --all explains it.
              if (!opts.all || status === 'NODATA' || status === 'SKIPDATA') continue;
            } else if (action === 'ACCEPT') {
              summary.accepted++;
              accepts.add(r);
              if (!opts.all) continue;
            } else {
              summary.rejected++;
            }
            out.write(joiner.piece(explainer.explain(r, accepts.hasReverse(r))));
          }
          await out.flush();
          trimHeap();
          break;
        case 'bad-line':
          summary.addBadLine({ file: ev.error.file, line: ev.error.line, message: ev.error.message });
          if (opts.strict) {
            strictFailure = `${ev.error.file}:${ev.error.line}: ${ev.error.message}`;
            break outer;
          }
          break;
        case 'file-start':
          summary.files++;
          if (ev.format.action < 0) summary.formatsWithoutAction.push(ev.file);
          break;
        case 'file-error':
          summary.fileErrors.push({ file: ev.file, message: ev.message });
          break;
      }
    }
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  if (opts.format === 'json') out.write(`],"summary":${JSON.stringify(summary.toJson())}}\n`);
  await out.flush();
  return { summary, strictFailure, failure };
}

/** A Writer over a Node stream: accumulates output into large chunks, waits for 'drain' when asked. */
export function streamWriter(stream: NodeJS.WritableStream, chunkSize = 1 << 16): Writer {
  let buf = '';
  const push = async () => {
    const chunk = buf;
    buf = '';
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
  return {
    write(s: string) {
      buf += s;
      if (buf.length >= chunkSize * 4) {
        // Hand a large chunk over without waiting; flush() waits for drain.
        stream.write(buf);
        buf = '';
      }
    },
    async flush() {
      if (buf.length > 0) await push();
    },
  };
}
