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
import { type ReadWorkerData, type ToMain, CREDITS, encodeBatch } from './read-protocol.js';

const data = workerData as ReadWorkerData;
const port = parentPort!;

let credits = CREDITS;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});

const formatIds = new Map<FlowLogFormat, number>();
function formatId(f: FlowLogFormat): number {
  let id = formatIds.get(f);
  if (id === undefined) {
    formatIds.set(f, (id = formatIds.size));
    post({ t: 'format', id, fields: f.fields, label: f.label });
  }
  return id;
}

function post(m: ToMain, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

async function run(): Promise<void> {
  const filter = new AcceptFilter(new AcceptIndex(), { consumeAccepts: data.consumeAccepts, only: data.only ? new Set(data.only) : undefined });
  let logFormat: FlowLogFormat | undefined;
  if (data.logFormat) {
    const f = makeFormat(data.logFormat.fields, data.logFormat.label);
    if (E.isLeft(f)) throw new Error(f.left.message);
    logFormat = f.right;
  }
  for await (const ev of readFlowLogs(data.inputs, { ...(logFormat ? { logFormat } : {}), strict: data.strict, filter })) {
    if (ev.kind === 'records') {
      const batch = encodeBatch(ev.records, formatId);
      post(batch.message, batch.transfer);
      credits--;
      while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    } else if (ev.kind === 'file-start') {
      post({ t: 'event', ev: { kind: 'file-start', file: ev.file, format: formatId(ev.format), formatSource: ev.formatSource } });
    } else {
      post({ t: 'event', ev });
    }
  }
  post({ t: 'end', consumed: filter.consumed });
}

run().catch((e: unknown) => post({ t: 'error', message: e instanceof Error ? e.message : String(e) }));
