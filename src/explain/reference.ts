/**
 * The reference explain: what `vpcwhy explain` answers, stated plainly. Records are taken in input order;
 * every REJECT (every record with `all`) is attributed on its own (attributeRecord, no cache), with the
 * reverse-flow evidence read from the ACCEPTs before it, and counted in the summary. report/ renders what
 * this yields (explainRenderers); src/pipeline/ must write exactly the same bytes, which
 * test/equivalence/ checks over random snapshots, logs, formats, limits and thread counts.
 */
import type { SnapshotIndex } from '../engine/snapshot-index.js';
import type { FlowLogEvent } from '../flowlog/reader.js';
import type { FlowRecord } from '../flowlog/record.js';
import { attributeRecord } from './attribute.js';
import { type ExplainRecordV1, explainRecordOf } from './record.js';
import { ExplainSummary, summaryPeer } from './summary.js';

export interface ReferenceOptions {
  readonly all: boolean;
  readonly strict: boolean;
  /** Only records of these interfaces. */
  readonly interfaceIds?: ReadonlySet<string> | undefined;
  readonly snapshotTime?: string | undefined;
  /**
   * The reverse-flow evidence is bounded: it holds the distinct accepted tuples since it last started over,
   * and starts over, before adding one, when it holds `reverseCapacity / 2` (what the pipeline's index of
   * that many slots does). Default: 2^21.
   */
  readonly reverseCapacity?: number | undefined;
}

/** The tuple a record's reverse must match: interface, source, destination and protocol, as written. */
function tupleKey(r: FlowRecord, reversed: boolean): string | null {
  const f = r.format;
  if (f.interfaceId < 0 || f.srcaddr < 0 || f.dstaddr < 0 || f.srcport < 0 || f.dstport < 0 || f.protocol < 0) return null;
  const a = [r.raw(f.srcaddr), r.raw(f.srcport)];
  const b = [r.raw(f.dstaddr), r.raw(f.dstport)];
  return JSON.stringify([r.raw(f.interfaceId), ...(reversed ? [...b, ...a] : [...a, ...b]), r.raw(f.protocol)]);
}

/** The accepted tuples seen so far (ref 8.5, 8.6), bounded as ReferenceOptions.reverseCapacity says. */
export class AcceptedTuples {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity: number) {}

  add(r: FlowRecord): void {
    const k = tupleKey(r, false);
    if (k === null) return;
    if (this.seen.size * 2 >= this.capacity) this.seen.clear();
    this.seen.add(k);
  }

  hasReverse(r: FlowRecord): boolean {
    const k = tupleKey(r, true);
    return k !== null && this.seen.has(k);
  }
}

/**
 * Explains the events of a run: yields the contract record of each explained record, fills `summary`, and
 * returns the bad line that stopped a strict run (null otherwise).
 */
export function* explainReference(
  index: SnapshotIndex,
  events: Iterable<FlowLogEvent>,
  opts: ReferenceOptions,
  summary: ExplainSummary = new ExplainSummary(),
): Generator<ExplainRecordV1, { strictFailure: string | null }> {
  const accepted = new AcceptedTuples(opts.reverseCapacity ?? 1 << 21);
  const only = opts.interfaceIds;
  for (const ev of events) {
    if (ev.kind === 'bad-lines') {
      const stop = summary.addBadLines(ev.errors, opts.strict);
      if (stop !== null) return { strictFailure: stop };
      continue;
    }
    if (ev.kind !== 'records') {
      summary.addFileEvent(ev);
      continue;
    }
    for (const r of ev.records) {
      if (only && !only.has(r.interfaceId ?? '')) continue;
      const explained = summary.countRecord(r, opts.all);
      if (r.action === 'ACCEPT') accepted.add(r);
      if (!explained) continue;
      const reverse = accepted.hasReverse(r);
      const a = attributeRecord({ index, reverseAccepted: () => reverse, ...(opts.snapshotTime ? { snapshotTime: opts.snapshotTime } : {}) }, r);
      summary.addExplained(a, summaryPeer(r, a), r.dstport, r.action === 'ACCEPT', r.protocol);
      yield explainRecordOf(r, a);
    }
  }
  return { strictFailure: null };
}

/** explainReference run to its end: the records, the summary and the strict failure. */
export function runReference(
  index: SnapshotIndex,
  events: Iterable<FlowLogEvent>,
  opts: ReferenceOptions,
): { records: ExplainRecordV1[]; summary: ExplainSummary; strictFailure: string | null } {
  const summary = new ExplainSummary();
  const records: ExplainRecordV1[] = [];
  const it = explainReference(index, events, opts, summary);
  for (;;) {
    const step = it.next();
    if (step.done) return { records, summary, strictFailure: step.value.strictFailure };
    records.push(step.value);
  }
}
