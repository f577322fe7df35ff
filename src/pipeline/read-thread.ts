/**
 * explain's two-thread read: local flow-log files are read, parsed and run through the reverse-flow
 * filter on a worker thread (read-worker.ts) while the main thread loads the snapshot and then
 * attributes what the worker yields. The events are those readFlowLogs would yield with the same
 * filter, in the same order.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FlowLogFormat, makeFormat } from '../flowlog/format.js';
import type { FlowLogEvent } from '../flowlog/reader.js';
import { E } from '../fp.js';
import { Wakeup } from '../flowlog/wakeup.js';
import { ACCEPT_INDEX_SLOTS, type AcceptFilter } from './accept-index.js';
import { type FormatDef, CREDITS, type ReadWorkerData, type ToMain, decodeBatch, formatDef, unpackBadLines } from './read-protocol.js';

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

/**
 * Are the inputs at least `min` bytes of text? A cheap, bounded look (stat only) that never throws:
 * what it cannot read counts as nothing (the reader reports it), and inside directories symbolic links
 * are not followed (a link to `.` would walk forever).
 */
export function inputsAtLeast(inputs: readonly string[], min: number): boolean {
  let total = 0;
  let seen = 0;
  const visit = (p: string, top: boolean): boolean => {
    if (++seen > WALK_LIMIT) return true;
    let names: string[] | null = null;
    try {
      const st = top ? statSync(p, { throwIfNoEntry: false }) : lstatSync(p, { throwIfNoEntry: false });
      if (!st) return false;
      if (st.isFile()) total += p.endsWith('.gz') ? st.size * GZIP_RATIO : st.size;
      else if (st.isDirectory()) names = readdirSync(p);
    } catch {
      return false;
    }
    if (names) return names.some((n) => visit(path.join(p, n), false));
    return total >= min;
  };
  return inputs.some((p) => visit(p, true));
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
  opts: { logFormat?: FlowLogFormat | undefined; strict: boolean; consumeAccepts: boolean; only?: ReadonlySet<string> | undefined; slots?: number | undefined },
  /** The worker's script (tests give one that fails). */
  workerUrl: URL = WORKER_URL,
): ReadWorker {
  const credits = new Int32Array(new SharedArrayBuffer(4));
  credits[0] = CREDITS;
  const data: ReadWorkerData = {
    credits: credits.buffer as SharedArrayBuffer,
    inputs,
    logFormat: opts.logFormat ? formatDef(opts.logFormat) : null,
    strict: opts.strict,
    consumeAccepts: opts.consumeAccepts,
    only: opts.only ? [...opts.only] : null,
    slots: opts.slots ?? ACCEPT_INDEX_SLOTS,
  };
  // The worker's heap holds a batch or two (the reverse-flow index is outside it): a small young
  // generation keeps the process's peak RSS down, at no measurable cost.
  const worker = new Worker(workerUrl, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 2 }, stdout: false, stderr: false });
  const queue: ToMain[] = [];
  const wake = new Wakeup();
  const notify = wake.notify;
  let failed: Error | null = null;
  let closed = false;
  worker.on('message', (m: ToMain) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failed = e;
    notify();
  });
  // The worker never exits by itself (its port keeps it alive until close()): an exit before its `end`
  // message is a crash, even with code 0, and the run must not end as if the input had.
  worker.on('exit', (code) => {
    if (!failed && !closed) failed = new Error(`the read worker stopped before the end of the input (exit code ${code})`);
    notify();
  });

  /** Formats by their fields and label: records of one format share one object, as on one thread. */
  const formats = new Map<string, FlowLogFormat>();
  const formatFrom = (d: FormatDef): FlowLogFormat => {
    const key = `${d.label}\n${d.fields.join(' ')}`;
    let f = formats.get(key);
    if (f === undefined) {
      const given = opts.logFormat;
      // The --log-format keeps its identity; other formats were checked in the worker already.
      const made = given && d.label === given.label && d.fields.join(' ') === given.fields.join(' ') ? E.right(given) : makeFormat(d.fields, d.label, { anyName: true });
      if (E.isLeft(made)) throw new Error(`read worker: ${made.left.message}`);
      f = made.right;
      // A log of many header lines (concatenated S3 files) must not grow this without bound.
      if (formats.size >= 256) formats.clear();
      formats.set(key, f);
    }
    return f;
  };

  /**
   * The batch is done: the worker may read on. It waits only at 0 credits (and its wait checks the count
   * as it starts), so a notify is needed only from there: each one costs a wake-up of the worker's loop.
   */
  const done = () => {
    if (Atomics.add(credits, 0, 1) <= 0) Atomics.notify(credits, 0);
  };

  async function* events(filter: AcceptFilter): AsyncGenerator<FlowLogEvent> {
    for (;;) {
      const m = queue.shift();
      if (m === undefined) {
        if (failed) throw failed;
        await wake.next();
        continue;
      }
      switch (m.t) {
        case 'records':
          yield { kind: 'records', records: decodeBatch(m, formatFrom) };
          done();
          break;
        case 'events':
          for (const ev of m.events) {
            if (ev.kind === 'file-start') yield { ...ev, format: formatFrom(ev.format) };
            else if (ev.kind === 'bad-lines') yield { kind: 'bad-lines', errors: unpackBadLines(ev) };
            else yield ev;
          }
          done();
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
