/**
 * The one equivalence property of explain: over random snapshots, logs (bad lines among them), formats,
 * options, limits of the fast path (slab bytes, cache entries, views, reverse-flow index slots, batch
 * size) and thread counts, what src/pipeline/ writes and counts equals, byte for byte, what the
 * reference (explain/reference.ts: one attribution per record, no cache) yields rendered by report/.
 * It replaces the fast-vs-slow checks that were spread over the pipeline's tests (classes-random and
 * the per-record comparisons); test/pipeline/ keeps the targeted cases of the encoders and the cache.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertDistFresh } from '../dist-fresh.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runReference } from '../../src/explain/reference.js';
import type { FlowLogEvent } from '../../src/flowlog/reader.js';
import { readFlowLogs } from '../../src/flowlog/reader.js';
import { startReadWorker } from '../../src/pipeline/read-thread.js';
import { explainFilter, runExplain } from '../../src/pipeline/run.js';
import { MemoryWriter } from '../../src/pipeline/writer.js';
import { renderRecordText, renderSummaryText } from '../../src/report/explain-text.js';
import { type ExplainFormat, renderExplain } from '../../src/report/explain.js';
import { fcParams } from '../arbitraries/fc-params.js';
import { buildSnapshot, fullFormat, ownAddr, peerAddr, pooledArb, snapArb } from '../arbitraries/explain-world.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built read worker (the pipeline's second thread runs compiled code). */
const WORKER = path.join(ROOT, 'dist', 'src', 'pipeline', 'read-worker.js');

beforeAll(() => assertDistFresh(ROOT, [WORKER]));

const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-equivalence-'));
let files = 0;

const GARBAGE = ['not a record', 'eni-0 10.0.1.10 10.0.1.11 99999 22 6 REJECT - - - - -', ''];

const caseArb = fc.record({
  format: fc.constantFrom<ExplainFormat>('text', 'json', 'jsonl'),
  all: fc.boolean(),
  strict: fc.constantFrom(false, false, true),
  only: fc.constantFrom<null | readonly string[]>(null, null, ['eni-0'], ['eni-1', 'eni-9']),
  bad: fc.array(fc.tuple(fc.nat(100), fc.constantFrom(...GARBAGE)), { maxLength: 2 }),
  limits: fc.record({ slabBytes: fc.constantFrom(64, 4096, 1 << 20), cacheEntries: fc.constantFrom(1, 3, 12_000), views: fc.constantFrom(0, 2, 48_000) }),
  reverseSlots: fc.constantFrom(2, 8, 1 << 21),
  batchSize: fc.constantFrom(1, 7, 4096),
  path: fc.constantFrom('loop', 'filter', 'filter', 'thread'),
});

async function collect(events: AsyncIterable<FlowLogEvent>): Promise<FlowLogEvent[]> {
  const out: FlowLogEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

async function* replay(events: readonly FlowLogEvent[]): AsyncGenerator<FlowLogEvent> {
  yield* events;
}

describe('explain: the pipeline equals the reference rendered by report/', () => {
  it('writes the same bytes and the same summary, whatever the snapshot, the log, the format, the options, the limits and the threads (ref 4, 5, 8.3-8.9, 8.12)', async () => {
    await fc.assert(
      fc.asyncProperty(snapArb, pooledArb, caseArb, async (s, specs, c) => {
        const snap = buildSnapshot(s);
        const lines = specs.map((x) => {
          const k = x.eni % snap.enis.length;
          const e = snap.enis[k]!;
          const mine = ownAddr(e, k, x.own);
          const peer = peerAddr(snap.enis, x.peer);
          const src = x.inbound ? peer : mine;
          const dst = x.inbound ? mine : peer;
          const ps = x.pkt === 'none' ? '-' : x.pkt === 'other' && x.inbound ? x.pktPeer : src;
          const pd = x.pkt === 'none' ? '-' : x.pkt === 'other' && !x.inbound ? x.pktPeer : dst;
          return [e.id, src, dst, String(x.sport), String(x.dport), x.proto, x.action, x.flags, x.flowDir, ps, pd, x.reason].join(' ');
        });
        for (const [at, text] of c.bad) lines.splice(at % (lines.length + 1), 0, text);
        const file = path.join(dir, `f${files++}.log`);
        writeFileSync(file, `${lines.join('\n')}\n`);
        const selection = { all: c.all, strict: c.strict, ...(c.only ? { interfaceIds: new Set(c.only) } : {}) };

        const reference = runReference(indexSnapshot(snap), await collect(readFlowLogs([file], { logFormat: fullFormat })), { ...selection, reverseCapacity: c.reverseSlots });
        const expected = renderExplain(c.format, reference.records, reference.summary);

        const index = indexSnapshot(snap);
        const filter = c.path === 'loop' ? undefined : explainFilter(selection, c.reverseSlots);
        let events: AsyncIterable<FlowLogEvent>;
        let close = async () => {};
        if (c.path === 'thread') {
          const worker = startReadWorker([file], { logFormat: fullFormat, strict: c.strict, ...filter!.options }, pathToFileURL(WORKER));
          events = worker.events(filter!);
          close = () => worker.close();
        } else {
          // Events gathered first, then replayed: the reader's filter has then seen the whole input before
          // the loop runs, as a read worker's may.
          events = replay(await collect(readFlowLogs([file], { logFormat: fullFormat, batchSize: c.batchSize, ...(filter ? { filter } : {}) })));
        }
        const out = new MemoryWriter();
        try {
          const result = await runExplain(index, events, { ...selection, format: c.format, limits: c.limits, reverseSlots: c.reverseSlots, ...(filter ? { filter } : {}) }, out, renderRecordText);
          const written = out.bytes().toString('utf8') + (c.format === 'text' ? renderSummaryText(result.summary) : '');
          expect(written).toBe(expected);
          expect(result.summary.toJson()).toEqual(reference.summary.toJson());
          expect(result.strictFailure).toBe(reference.strictFailure);
        } finally {
          await close();
        }
      }),
      fcParams(120),
    );
  }, 120_000);
});
