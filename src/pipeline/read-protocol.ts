/**
 * Messages between explain's main thread and its read worker (read-worker.ts, read-thread.ts). Records
 * cross as a batch of columns: texts, line numbers, marks and the column offsets of every record, the
 * numbers in transferred typed arrays. Other events (file starts, bad lines, file errors) cross in
 * batches too, so that a log of bad lines (a wrong --log-format) costs one message per few thousand
 * lines, not one per line. Every batch takes a credit the main thread gives back when it is done with
 * it, which bounds what is in flight. Credits are a counter in shared memory (a message back per batch
 * cost the main thread more than a tenth of a second on a million records). Formats travel as their
 * fields and label, so nothing accumulates per format on either side.
 */
import type { FlowLogEvent, FormatSource } from '../flowlog/reader.js';
import { FlowRecord, type LineError } from '../flowlog/record.js';
import type { FlowLogFormat } from '../flowlog/format.js';

/** Batches the worker may post before the main thread has taken them: bounds the memory in flight. */
export const CREDITS = 8;
/** Bad lines (and other events) the worker gathers into one message. */
export const EVENTS_PER_MESSAGE = 4096;

export interface ReadWorkerData {
  readonly inputs: readonly string[];
  readonly logFormat: FormatDef | null;
  readonly strict: boolean;
  readonly consumeAccepts: boolean;
  readonly only: readonly string[] | null;
  /** Slots of the worker's reverse-flow index (AcceptIndex). */
  readonly slots: number;
  /** One Int32 of credits: the worker takes one per batch posted and waits at 0; the main thread adds them back. */
  readonly credits: SharedArrayBuffer;
}

export interface FormatDef {
  readonly fields: readonly string[];
  readonly label: string;
}

export interface RecordBatch {
  readonly t: 'records';
  /** The formats of the batch's records (usually one). */
  readonly formats: FormatDef[];
  readonly files: string[];
  /** Per record: index into `files` and into `formats`, line, mark; offsets are `2 * fields` numbers each. */
  readonly fileIdx: Uint16Array;
  readonly formatIdx: Uint16Array;
  readonly lines: Float64Array;
  readonly marks: Uint8Array;
  readonly texts: string[];
  readonly offsets: Int32Array;
}

export type WireEvent =
  | Exclude<FlowLogEvent, { kind: 'records' } | { kind: 'file-start' } | { kind: 'bad-lines' }>
  | { readonly kind: 'file-start'; readonly file: string; readonly format: FormatDef; readonly formatSource: FormatSource }
  | PackedBadLines;

/**
 * A bad-lines event without the lines' texts (explain reports a bad line by file, line and message) and
 * with each distinct file and message once: a log of bad lines (a wrong --log-format) has a handful.
 */
export interface PackedBadLines {
  readonly kind: 'bad-lines';
  readonly strings: string[];
  /** Per bad line: its file and message as indexes into `strings`, and its line number. */
  readonly files: Uint32Array;
  readonly messages: Uint32Array;
  readonly lines: Float64Array;
}

export function packBadLines(errors: readonly LineError[]): PackedBadLines {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const at = (s: string) => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  const n = errors.length;
  const files = new Uint32Array(n);
  const messages = new Uint32Array(n);
  const lines = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = errors[i]!;
    files[i] = at(e.file);
    messages[i] = at(e.message);
    lines[i] = e.line;
  }
  return { kind: 'bad-lines', strings, files, messages, lines };
}

export function unpackBadLines(p: PackedBadLines): LineError[] {
  const out = new Array<LineError>(p.lines.length);
  for (let i = 0; i < out.length; i++) out[i] = { file: p.strings[p.files[i]!]!, line: p.lines[i]!, message: p.strings[p.messages[i]!]!, text: '' };
  return out;
}

export type ToMain =
  | RecordBatch
  | { readonly t: 'events'; readonly events: WireEvent[] }
  | { readonly t: 'end'; readonly consumed: number }
  | { readonly t: 'error'; readonly message: string };

export function formatDef(f: FlowLogFormat): FormatDef {
  return { fields: f.fields, label: f.label };
}

export function encodeBatch(records: readonly FlowRecord[]): { message: RecordBatch; transfer: ArrayBuffer[] } {
  const n = records.length;
  const formats: FormatDef[] = [];
  const formatOf = new Map<FlowLogFormat, number>();
  const files: string[] = [];
  const fileIdx = new Uint16Array(n);
  const formatIdx = new Uint16Array(n);
  const lines = new Float64Array(n);
  const marks = new Uint8Array(n);
  const texts = new Array<string>(n);
  let total = 0;
  for (const r of records) total += r.offsets.length;
  const offsets = new Int32Array(total);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (i === 0 || r.file !== records[i - 1]!.file) {
      let k = files.indexOf(r.file);
      if (k < 0) k = files.push(r.file) - 1;
      fileIdx[i] = k;
    } else {
      fileIdx[i] = fileIdx[i - 1]!;
    }
    let f = formatOf.get(r.format);
    if (f === undefined) formatOf.set(r.format, (f = formats.push(formatDef(r.format)) - 1));
    formatIdx[i] = f;
    lines[i] = r.line;
    marks[i] = r.mark;
    texts[i] = r.text;
    for (let j = 0; j < r.offsets.length; j++) offsets[o + j] = r.offsets[j]!;
    o += r.offsets.length;
  }
  return {
    message: { t: 'records', formats, files, fileIdx, formatIdx, lines, marks, texts, offsets },
    transfer: [fileIdx.buffer, formatIdx.buffer, lines.buffer, marks.buffer, offsets.buffer] as ArrayBuffer[],
  };
}

export function decodeBatch(b: RecordBatch, formatFrom: (d: FormatDef) => FlowLogFormat): FlowRecord[] {
  const formats = b.formats.map(formatFrom);
  const n = b.texts.length;
  const out = new Array<FlowRecord>(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const format = formats[b.formatIdx[i]!]!;
    const k = format.fields.length * 2;
    // A small array of its own: cheaper to make than a view of the batch's offsets, and it lets the
    // batch's buffer go when the records do not outlive it.
    const offsets = new Array<number>(k);
    for (let j = 0; j < k; j++) offsets[j] = b.offsets[o + j]!;
    const r = new FlowRecord(b.files[b.fileIdx[i]!]!, b.lines[i]!, format, b.texts[i]!, offsets);
    o += k;
    r.mark = b.marks[i]!;
    out[i] = r;
  }
  return out;
}
