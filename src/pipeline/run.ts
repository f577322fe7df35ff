/**
 * The fast path of `vpcwhy explain` (src/pipeline/): flow-log events in, one output record per REJECT (or
 * every record with `all`) and the summary out, at hundreds of thousands of records a second: a bounded
 * cache of one attribution per class of records (classes.ts, record-explainer.ts, slots.ts), output
 * written as bytes in place (writer.ts), the reverse-flow index fed inside the reader or on a read worker
 * (accept-index.ts, read-thread.ts). Output goes through a `Writer` that respects back-pressure.
 *
 * What it must equal: for every snapshot, log, format, option, bound and thread count, its stdout and
 * summary are byte for byte what explain/reference.ts (explainReference: one attributeRecord per record,
 * no cache) yields rendered by report/explain.ts (explainRenderers). test/equivalence/ checks it.
 */
import type { FlowLogEvent } from '../flowlog/reader.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { ACCEPT_INDEX_SLOTS, AcceptFilter, AcceptIndex, MARK_REVERSE, MARK_SEEN } from './accept-index.js';
import { type ExplainFormat, type ExplainerLimits, type RenderText, RecordExplainer } from './record-explainer.js';
import type { Writer } from './writer.js';
import type { ExplainSummary } from '../explain/summary.js';

export { type ExplainFormat, type RenderText, RecordExplainer, recordJson } from './record-explainer.js';
export { type Writer, streamWriter } from './writer.js';

export interface ExplainRunOptions {
  readonly format: ExplainFormat;
  readonly all: boolean;
  readonly strict: boolean;
  readonly snapshotTime?: string;
  /** Only records of these interfaces. */
  readonly interfaceIds?: ReadonlySet<string>;
  /**
   * The filter the reader of `events` was given (see explainFilter): records it marked are not indexed
   * again, and the ACCEPTs it consumed are counted. Records it did not see take the in-loop path.
   */
  readonly filter?: AcceptFilter;
  /**
   * Called after the snapshot is in (`force`) and between batches: the CLI passes its heap trimmer
   * (cli/heap.ts); the library itself sets no V8 flag and forces no collection.
   */
  readonly trimHeap?: (force?: boolean) => void;
  /** The class cache's bounds (defaults: record-explainer.ts). */
  readonly limits?: Partial<ExplainerLimits>;
  /** Slots of the reverse-flow index of records no filter marked (AcceptIndex; default ACCEPT_INDEX_SLOTS). */
  readonly reverseSlots?: number;
}

/**
 * The reverse-flow index as a reader filter for a run with these options: give it to the reader
 * (ReadOptions.filter) and to runExplain. ACCEPTs are consumed in the reader unless they are explained
 * (`all`) or a strict run must count records only up to its first bad line.
 */
export function explainFilter(opts: Pick<ExplainRunOptions, 'all' | 'strict' | 'interfaceIds'>, slots = ACCEPT_INDEX_SLOTS): AcceptFilter {
  return new AcceptFilter(new AcceptIndex(slots), { consumeAccepts: !opts.all && !opts.strict, only: opts.interfaceIds });
}

export interface ExplainRunResult {
  readonly summary: ExplainSummary;
  /** Set when --strict stopped the run at a bad line. */
  readonly strictFailure: string | null;
  /** An input that failed part-way (an S3 permission, ...): the output up to it is complete and closed. */
  readonly failure: Error | null;
}

export async function runExplain(
  index: SnapshotIndex,
  events: AsyncIterable<FlowLogEvent>,
  opts: ExplainRunOptions,
  out: Writer,
  renderText: RenderText,
): Promise<ExplainRunResult> {
  const explainer = new RecordExplainer(index, opts.format, renderText, opts.snapshotTime, opts.limits);
  const summary = explainer.summary;
  const trimHeap = opts.trimHeap ?? (() => {});
  trimHeap(true);
  const accepts = opts.filter?.index ?? new AcceptIndex(opts.reverseSlots);
  if (opts.format === 'json') out.write('{"records":[');
  let strictFailure: string | null = null;
  let failure: Error | null = null;
  const only = opts.interfaceIds;
  const all = opts.all;

  try {
    outer: for await (const ev of events) {
      switch (ev.kind) {
        case 'records':
          for (const r of ev.records) {
            if (only && !only.has(r.interfaceId ?? '')) continue;
            const explained = summary.countRecord(r, all);
            if (r.action === 'ACCEPT' && (r.mark & MARK_SEEN) === 0) accepts.add(r);
            if (!explained) continue;
            const reverse = (r.mark & MARK_SEEN) !== 0 ? (r.mark & MARK_REVERSE) !== 0 : accepts.hasReverse(r);
            explainer.explain(r, reverse, out);
          }
          await out.flush();
          trimHeap();
          break;
        case 'bad-lines':
          strictFailure = summary.addBadLines(ev.errors, opts.strict);
          if (strictFailure !== null) break outer;
          break;
        default:
          summary.addFileEvent(ev);
      }
    }
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  summary.addConsumedAccepts(opts.filter?.consumed ?? 0);
  if (opts.format === 'json') out.write(`],"summary":${JSON.stringify(summary.toJson())}}\n`);
  await out.flush();
  return { summary, strictFailure, failure };
}
