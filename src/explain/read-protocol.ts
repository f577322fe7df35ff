/**
 * Messages between explain's main thread and its read worker (read-worker.ts, read-thread.ts). Records
 * cross as a batch of columns: texts, line numbers, marks and the column offsets of every record, the
 * numbers in transferred typed arrays, so a batch costs one copy of its texts.
 */
import type { FlowLogEvent, FormatSource } from '../flowlog/reader.js';
import { FlowRecord } from '../flowlog/record.js';
import type { FlowLogFormat } from '../flowlog/format.js';

/** Batches the worker may post before the main thread has taken them: bounds the memory in flight. */
export const CREDITS = 4;

export interface ReadWorkerData {
  readonly inputs: readonly string[];
  readonly logFormat: { readonly fields: readonly string[]; readonly label: string } | null;
  readonly strict: boolean;
  readonly consumeAccepts: boolean;
  readonly only: readonly string[] | null;
}

export interface RecordBatch {
  readonly t: 'records';
  readonly files: string[];
  /** Per record: index into `files`, format id, line, mark, and where its offsets start in `offsets`. */
  readonly fileIdx: Uint16Array;
  readonly formats: Uint16Array;
  readonly lines: Float64Array;
  readonly marks: Uint8Array;
  readonly texts: string[];
  readonly offsets: Int32Array;
}

type WireEvent =
  | Exclude<FlowLogEvent, { kind: 'records' } | { kind: 'file-start' }>
  | { readonly kind: 'file-start'; readonly file: string; readonly format: number; readonly formatSource: FormatSource };

export type ToMain =
  | RecordBatch
  | { readonly t: 'format'; readonly id: number; readonly fields: readonly string[]; readonly label: string }
  | { readonly t: 'event'; readonly ev: WireEvent }
  | { readonly t: 'end'; readonly consumed: number }
  | { readonly t: 'error'; readonly message: string };

export function encodeBatch(records: readonly FlowRecord[], formatId: (f: FlowLogFormat) => number): { message: RecordBatch; transfer: ArrayBuffer[] } {
  const n = records.length;
  const files: string[] = [];
  const fileIdx = new Uint16Array(n);
  const formats = new Uint16Array(n);
  const lines = new Float64Array(n);
  const marks = new Uint8Array(n);
  const texts = new Array<string>(n);
  let total = 0;
  for (const r of records) total += r.offsets.length;
  const offsets = new Int32Array(total);
  let o = 0;
  let lastFile = '';
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (files.length === 0 || r.file !== lastFile) {
      lastFile = r.file;
      let k = files.indexOf(r.file);
      if (k < 0) k = files.push(r.file) - 1;
      fileIdx[i] = k;
    } else {
      fileIdx[i] = fileIdx[i - 1]!;
    }
    formats[i] = formatId(r.format);
    lines[i] = r.line;
    marks[i] = r.mark;
    texts[i] = r.text;
    offsets.set(r.offsets, o);
    o += r.offsets.length;
  }
  return {
    message: { t: 'records', files, fileIdx, formats, lines, marks, texts, offsets },
    transfer: [fileIdx.buffer, formats.buffer, lines.buffer, marks.buffer, offsets.buffer] as ArrayBuffer[],
  };
}

export function decodeBatch(b: RecordBatch, formatOf: (id: number) => FlowLogFormat): FlowRecord[] {
  const n = b.texts.length;
  const out = new Array<FlowRecord>(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const format = formatOf(b.formats[i]!);
    const k = format.fields.length * 2;
    const r = new FlowRecord(b.files[b.fileIdx[i]!]!, b.lines[i]!, format, b.texts[i]!, b.offsets.subarray(o, o + k));
    o += k;
    r.mark = b.marks[i]!;
    out[i] = r;
  }
  return out;
}
