/** Shared helpers for the flow-log tests (not a test file). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowLogEvent, FlowRecord, LineError } from '../../src/flowlog/index.js';

/** ../shared next to the repository (override with VPCWHY_SHARED_DIR). */
export const SHARED_DIR = process.env['VPCWHY_SHARED_DIR'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');

export function corpus(...parts: string[]): string {
  return path.join(CORPUS_DIR, ...parts);
}

export function hasCorpus(...parts: string[]): boolean {
  return existsSync(corpus(...parts));
}


export interface Collected {
  readonly events: FlowLogEvent[];
  readonly records: FlowRecord[];
  readonly badLines: LineError[];
  readonly fileErrors: { file: string; message: string }[];
  readonly starts: Extract<FlowLogEvent, { kind: 'file-start' }>[];
}

export async function collect(events: AsyncIterable<FlowLogEvent>): Promise<Collected> {
  const out: Collected = { events: [], records: [], badLines: [], fileErrors: [], starts: [] };
  for await (const ev of events) {
    out.events.push(ev);
    switch (ev.kind) {
      case 'records':
        out.records.push(...ev.records);
        break;
      case 'bad-lines':
        out.badLines.push(...ev.errors);
        break;
      case 'file-error':
        out.fileErrors.push({ file: ev.file, message: ev.message });
        break;
      case 'file-start':
        out.starts.push(ev);
        break;
    }
  }
  return out;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-flowlog-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An async iterable that yields `buf` in pieces cut at `cuts` (offsets, any order, out-of-range ignored). */
export async function* chunked(buf: Uint8Array, cuts: readonly number[]): AsyncGenerator<Buffer> {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) yield Buffer.from(buf.subarray(prev, p));
    prev = p;
  }
}

/** The event kinds in order, with consecutive `records` batches merged (batching is not part of the contract). */
export function eventShape(events: readonly FlowLogEvent[]): string[] {
  const out: string[] = [];
  for (const ev of events) {
    if (ev.kind === 'bad-lines') {
      // Grouping consecutive bad lines is not part of the contract either: one entry per line.
      for (const e of ev.errors) out.push(`bad-line:${e.line}`);
      continue;
    }
    if (ev.kind === 'records' && out[out.length - 1] === 'records') continue;
    out.push(ev.kind);
  }
  return out;
}
