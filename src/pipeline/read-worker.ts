/**
 * The worker half of explain's two-thread read (read-thread.ts): runs the flow-log reader with the
 * reverse-flow filter on the second core and posts the events it yields. ACCEPT lines end here (they only
 * feed the index), so what crosses to the main thread is mostly REJECTs, already marked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AcceptFilter, AcceptIndex } from './accept-index.js';
import { type FlowLogFormat, makeFormat } from '../flowlog/format.js';
import { readFlowLogs } from '../flowlog/reader.js';
import { E } from '../fp.js';
import { type ReadWorkerData, type ToMain, type WireEvent, EVENTS_PER_MESSAGE, encodeBatch, formatDef, packBadLines } from './read-protocol.js';

const data = workerData as ReadWorkerData;
const port = parentPort!;

const credits = new Int32Array(data.credits);
// A listening port keeps this thread alive until the main thread terminates it (a wait for credits
// alone would not), so the main thread sees `end` before any exit.
port.on('message', () => {});

/** Posts a batch, then waits while the main thread holds all the credits. */
async function send(m: ToMain, transfer: ArrayBuffer[] = []): Promise<void> {
  port.postMessage(m, transfer);
  Atomics.sub(credits, 0, 1);
  for (;;) {
    const c = Atomics.load(credits, 0);
    if (c > 0) return;
    await Atomics.waitAsync(credits, 0, c).value;
  }
}

let pending: WireEvent[] = [];
let pendingWeight = 0;

async function flushEvents(): Promise<void> {
  if (pending.length === 0) return;
  const events = pending;
  pending = [];
  pendingWeight = 0;
  await send({ t: 'events', events });
}

async function run(): Promise<void> {
  const filter = new AcceptFilter(new AcceptIndex(data.slots), { consumeAccepts: data.consumeAccepts, only: data.only ? new Set(data.only) : undefined });
  let logFormat: FlowLogFormat | undefined;
  if (data.logFormat) {
    const f = makeFormat(data.logFormat.fields, data.logFormat.label);
    if (E.isLeft(f)) throw new Error(f.left.message);
    logFormat = f.right;
  }
  for await (const ev of readFlowLogs(data.inputs, { ...(logFormat ? { logFormat } : {}), strict: data.strict, filter })) {
    if (ev.kind === 'records') {
      // In input order: the events before these records go first.
      await flushEvents();
      const batch = encodeBatch(ev.records);
      await send(batch.message, batch.transfer);
      continue;
    }
    pending.push(ev.kind === 'file-start' ? { ...ev, format: formatDef(ev.format) } : ev.kind === 'bad-lines' ? packBadLines(ev.errors) : ev);
    pendingWeight += ev.kind === 'bad-lines' ? ev.errors.length : 1;
    if (pendingWeight >= EVENTS_PER_MESSAGE) await flushEvents();
  }
  await flushEvents();
  port.postMessage({ t: 'end', consumed: filter.consumed } satisfies ToMain);
}

run().catch((e: unknown) => port.postMessage({ t: 'error', message: e instanceof Error ? e.message : String(e) } satisfies ToMain));
