/**
 * The explain loop: flow-log events in, one attribution per REJECT (or every record with `all`) out,
 * plus the summary. Identical tuples are attributed once (a bounded cache); ACCEPTs only feed the
 * reverse-flow index. Output goes through a `Writer` that respects back-pressure.
 */
import type { FlowLogEvent } from '../flowlog/reader.js';
import { type FlowLogFormat, formatWarnings } from '../flowlog/format.js';
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import { AcceptFilter, AcceptIndex, MARK_REVERSE, MARK_SEEN } from './accept-index.js';
import { type ExplainFormat, type RenderText, RecordExplainer } from './record-explainer.js';
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
}

/**
 * The reverse-flow index as a reader filter for a run with these options: give it to the reader
 * (ReadOptions.filter) and to runExplain. ACCEPTs are consumed in the reader unless they are explained
 * (`all`) or a strict run must count records only up to its first bad line.
 */
export function explainFilter(opts: Pick<ExplainRunOptions, 'all' | 'strict' | 'interfaceIds'>): AcceptFilter {
  return new AcceptFilter(new AcceptIndex(), { consumeAccepts: !opts.all && !opts.strict, only: opts.interfaceIds });
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
  const explainer = new RecordExplainer(index, opts.format, renderText, opts.snapshotTime);
  const summary = explainer.summary;
  const trimHeap = opts.trimHeap ?? (() => {});
  trimHeap(true);
  const accepts = opts.filter?.index ?? new AcceptIndex();
  if (opts.format === 'json') out.write('{"records":[');
  let strictFailure: string | null = null;
  let failure: Error | null = null;
  const only = opts.interfaceIds;
  const seenFormats = new Set<FlowLogFormat>();
  const seenWarnings = new Set<string>();

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
              if ((r.mark & MARK_SEEN) === 0) accepts.add(r);
              if (!opts.all) continue;
            } else {
              summary.rejected++;
            }
            const reverse = (r.mark & MARK_SEEN) !== 0 ? (r.mark & MARK_REVERSE) !== 0 : accepts.hasReverse(r);
            explainer.explain(r, reverse, out);
          }
          await out.flush();
          trimHeap();
          break;
        case 'bad-lines':
          for (const e of ev.errors) {
            summary.addBadLine({ file: e.file, line: e.line, message: e.message });
            if (opts.strict) {
              strictFailure = `${e.file}:${e.line}: ${e.message}`;
              break outer;
            }
          }
          break;
        case 'file-start':
          summary.files++;
          if (ev.format.action < 0) summary.formatsWithoutAction.push(ev.file);
          if (!seenFormats.has(ev.format)) {
            seenFormats.add(ev.format);
            // Each warning once, with the first file it came from (a header repeats in every S3 file).
            for (const w of formatWarnings(ev.format)) {
              if (seenWarnings.has(w)) continue;
              seenWarnings.add(w);
              summary.formatWarnings.push(`${ev.file}: ${w}`);
            }
          }
          break;
        case 'file-error':
          summary.fileErrors.push({ file: ev.file, message: ev.message });
          break;
        case 'file-skipped':
          summary.skippedFiles.push(ev.file);
          break;
      }
    }
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  const consumed = opts.filter?.consumed ?? 0;
  summary.records += consumed;
  summary.accepted += consumed;
  if (opts.format === 'json') out.write(`],"summary":${JSON.stringify(summary.toJson())}}\n`);
  await out.flush();
  return { summary, strictFailure, failure };
}
