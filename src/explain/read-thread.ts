/**
 * explain's two-thread read: local flow-log files are read, parsed and run through the reverse-flow
 * filter on a worker thread (read-worker.ts) while the main thread loads the snapshot and then
 * attributes what the worker yields. The events are those readFlowLogs would yield with the same
 * filter, in the same order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FlowLogFormat, makeFormat } from '../flowlog/format.js';
import type { FlowLogEvent } from '../flowlog/reader.js';
import { E } from '../fp.js';
import type { AcceptFilter } from './accept-index.js';
import { type ReadWorkerData, type ToMain, decodeBatch } from './read-protocol.js';

const WORKER_URL = new URL('./read-worker.js', import.meta.url);

/**
 * Text a worker pays off for: starting one costs about 0.2 s of this machine's time (a second Node
 * isolate loading the reader), which parsing on the second core wins back from a few hundred thousand
 * lines on. Gzip files count 8 times their size (flow logs compress about that much).
 */
export const WORKER_MIN_BYTES = 32 << 20;
const GZIP_RATIO = 8;
/** Directory entries looked at before the inputs are taken to be large. */
const WALK_LIMIT = 10_000;

/** Are the inputs at least `min` bytes of text (a cheap, bounded look: stat only)? */
export function inputsAtLeast(inputs: readonly string[], min: number): boolean {
  let total = 0;
  let seen = 0;
  const visit = (p: string): boolean => {
    if (++seen > WALK_LIMIT) return true;
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return false;
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p);
      } catch {
        return false;
      }
      return names.some((n) => visit(path.join(p, n)));
    }
    total += p.endsWith('.gz') ? st.size * GZIP_RATIO : st.size;
    return total >= min;
  };
  return inputs.some(visit);
}

/**
 * Does this run read local files on a worker? VPCWHY_READ_THREADS=1 asks for one thread; 2 requires the
 * worker, whatever the size of the input (an error when this build has none); by default the worker
 * reads inputs of WORKER_MIN_BYTES or more, when its compiled file exists (it does not when the
 * TypeScript sources run, as in the unit tests).
 */
export function useReadWorker(inputs: readonly string[]): boolean {
  const want = process.env['VPCWHY_READ_THREADS'];
  if (want === '1') return false;
  const exists = WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
  if (want === '2') {
    if (!exists) throw new Error(`VPCWHY_READ_THREADS=2: this build has no read worker (${WORKER_URL.href})`);
    return true;
  }
  return exists && inputsAtLeast(inputs, WORKER_MIN_BYTES);
}

export interface ReadWorker {
  /**
   * The events of readFlowLogs(inputs, { logFormat, strict, filter }) for a filter with the options the
   * worker was started with. When the read ends, the ACCEPTs the worker consumed are added to
   * `filter.consumed`. The reverse-flow index stays in the worker: `filter`'s own index does not see
   * these inputs, so nothing is read after them. Call once.
   */
  events(filter: AcceptFilter): AsyncGenerator<FlowLogEvent>;
  /** Stops the worker (whether or not its events were read). */
  close(): Promise<void>;
}

/**
 * Starts reading now, on a worker: until `events` is consumed, the worker reads ahead by at most
 * CREDITS batches of records (its ACCEPT-only stretches cost no memory here).
 */
export function startReadWorker(
  inputs: readonly string[],
  opts: { logFormat?: FlowLogFormat | undefined; strict: boolean; consumeAccepts: boolean; only?: ReadonlySet<string> | undefined },
): ReadWorker {
  const data: ReadWorkerData = {
    inputs,
    logFormat: opts.logFormat ? { fields: opts.logFormat.fields, label: opts.logFormat.label } : null,
    strict: opts.strict,
    consumeAccepts: opts.consumeAccepts,
    only: opts.only ? [...opts.only] : null,
  };
  // The worker's heap holds a batch or two (the reverse-flow index is outside it): a small young
  // generation keeps the process's peak RSS down, at no measurable cost.
  const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 2 }, stdout: false, stderr: false });
  const queue: ToMain[] = [];
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  let closed = false;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: ToMain) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failed = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failed && !closed) failed = new Error(`the read worker stopped with exit code ${code}`);
    notify();
  });

  async function* events(filter: AcceptFilter): AsyncGenerator<FlowLogEvent> {
    const formats = new Map<number, FlowLogFormat>();
    const formatOf = (id: number): FlowLogFormat => formats.get(id)!;
    for (;;) {
      const m = queue.shift();
      if (m === undefined) {
        if (failed) throw failed;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      switch (m.t) {
        case 'format': {
          const given = opts.logFormat;
          // The --log-format keeps its identity (a run warns about each format once).
          const f = given && m.label === given.label && m.fields.join(' ') === given.fields.join(' ') ? E.right(given) : makeFormat(m.fields, m.label, { anyName: true }); // checked in the worker already
          if (E.isLeft(f)) throw new Error(`read worker: ${f.left.message}`);
          formats.set(m.id, f.right);
          break;
        }
        case 'records':
          yield { kind: 'records', records: decodeBatch(m, formatOf) };
          worker.postMessage(0); // a credit back: the batch is done, the worker may read on
          break;
        case 'event':
          yield m.ev.kind === 'file-start' ? { ...m.ev, format: formatOf(m.ev.format) } : m.ev;
          break;
        case 'end':
          filter.consumed += m.consumed;
          return;
        case 'error':
          throw new Error(m.message);
      }
    }
  }

  return {
    events,
    async close() {
      closed = true;
      await worker.terminate();
    },
  };
}
