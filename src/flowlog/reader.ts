/**
 * The streaming flow-log reader: inputs in, events out.
 *
 * - Per file, the column order comes from a header line (ref 1.9) when the first line is one, else from
 *   `logFormat` (a CreateFlowLogs LogFormat, ref 1.4), else the default format (ref 1.3). A header line
 *   later in the file (concatenated S3 files) switches the format from there on.
 * - A bad line never stops the run: it comes out in a `bad-lines` event in its place (consecutive bad lines share one) and reading goes on.
 *   (`strict` is for the caller, which treats the first bad line as fatal.)
 * - A truncated or corrupt gzip, or an unreadable file, comes out as a `file-error` after every record
 *   read before the damage; an incomplete last line before the damage is dropped (and counted in the message).
 * - Records come in batches; memory does not grow with the input: bytes are split into lines by hand on
 *   Buffers, and each batch holds at most one read chunk of records.
 * - Empty lines are skipped but counted, so `line` is the line number in the file (1-based, header counted).
 * - NODATA / SKIPDATA lines are records (ref 2.3); their action is null.
 * - A line of the form `{"message": "<record>"}` (CloudWatch Logs / Firehose JSON exports) is unwrapped.
 */
import { E } from '../fp.js';
import { DEFAULT_FORMAT, formatFromHeader, isHeaderLine, looksLikeFieldName, type FlowLogFormat } from './format.js';
import { filterRecord, isLineError, parseRecordBytes, parseRecordLine, recordFromTokens, type FlowRecord, type LineError, type RecordFilter } from './record.js';
import { STDIN_NAME, asBuffers, decodeSource, describeError, expandInputs, fileChunks, sniffFile } from './sources.js';
import type { AsyncBuffer } from 'hyparquet';
import { promises as fsp } from 'node:fs';

export interface ReadOptions {
  /** The column order for files without a header line (a parsed CreateFlowLogs LogFormat). */
  readonly logFormat?: FlowLogFormat;
  /** Informational: the caller stops at the first bad line. The reader reports every bad line either way. */
  readonly strict?: boolean;
  /** Largest number of records in one `records` event (default 4096). */
  readonly batchSize?: number;
  /** Sees every record in input order before it is yielded, and may consume it (see RecordFilter). */
  readonly filter?: RecordFilter;
  /** The stream read for the input `-` (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>;
}

export type FormatSource = 'header' | 'option' | 'default' | 'parquet-schema';

export type FlowLogEvent =
  | { readonly kind: 'records'; readonly records: FlowRecord[] }
  /** Lines that are not records, in order: consecutive ones in one event (a wrong format makes every line bad). */
  | { readonly kind: 'bad-lines'; readonly errors: LineError[] }
  | { readonly kind: 'file-start'; readonly file: string; readonly format: FlowLogFormat; readonly formatSource: FormatSource }
  | { readonly kind: 'file-error'; readonly file: string; readonly message: string }
  /** An entry of a walked directory that is not read: hidden or metadata (`.name`, `_name`), or a pipe, socket or device. */
  | { readonly kind: 'file-skipped'; readonly file: string };

const DEFAULT_BATCH = 4096;
/** A line longer than this is reported as bad and skipped without being held in memory. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Turns the lines of one source into events. Synchronous; the async drivers below feed it and drain
 * `take()` after every chunk.
 */
class LineSink {
  private format: FlowLogFormat;
  private formatSource: FormatSource;
  private started = false;
  private lineNo = 0;
  private batch: FlowRecord[] = [];
  private out: FlowLogEvent[] = [];
  private carry: Buffer[] = [];
  private carryLen = 0;
  private skippingLongLine = false;
  private readonly batchSize: number;
  private readonly filter: RecordFilter | undefined;

  constructor(
    private readonly name: string,
    opts: ReadOptions,
    /** Look for header lines (text files and streams; CloudWatch events have none but allowing it is harmless). */
    private readonly headers = true,
  ) {
    this.format = opts.logFormat ?? DEFAULT_FORMAT;
    this.formatSource = opts.logFormat !== undefined ? 'option' : 'default';
    this.batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    this.filter = opts.filter;
  }

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Events produced so far, oldest first. */
  take(): FlowLogEvent[] {
    this.flush();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** A bad line, after the records before it: joins the previous event when that holds bad lines too. */
  private pushBad(error: LineError): void {
    this.flush();
    const last = this.out[this.out.length - 1];
    if (last?.kind === 'bad-lines' && last.errors.length < this.batchSize) last.errors.push(error);
    else this.out.push({ kind: 'bad-lines', errors: [error] });
  }

  private flush(): void {
    if (this.batch.length > 0) {
      this.out.push({ kind: 'records', records: this.batch });
      this.batch = [];
    }
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.out.push({ kind: 'file-start', file: this.name, format: this.format, formatSource: this.formatSource });
  }

  /** A record built from a string: through the filter first. */
  private recordFiltered(rec: FlowRecord | LineError): void {
    this.record(this.filter ? filterRecord(this.filter, rec) : rec);
  }

  private record(rec: FlowRecord | LineError | null): void {
    if (rec === null) return; // consumed by the filter
    if (isLineError(rec)) {
      this.pushBad(rec);
      return;
    }
    this.batch.push(rec);
    if (this.batch.length >= this.batchSize) this.flush();
  }

  private badLine(message: string, text: string): void {
    this.start();
    this.pushBad({ file: this.name, line: this.lineNo, message, text: text.length > 200 ? `${text.slice(0, 197)}...` : text });
  }

  /** A header line: the format for the lines after it. */
  private header(text: string): void {
    const first = !this.started;
    const parsed = formatFromHeader(text, `header line ${this.lineNo}`);
    if (E.isLeft(parsed)) {
      this.badLine(`header line: ${parsed.left.message}`, text);
      return;
    }
    this.format = parsed.right;
    this.formatSource = 'header';
    if (first) this.start();
  }

  /** One line as a string (CloudWatch events, JSON-unwrapped lines, lines with a header candidate). */
  lineString(raw: string, counted = false, unwrapped = false): void {
    if (!counted) this.lineNo++;
    let text = raw;
    if (this.lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let s = 0;
    while (s < text.length && isWs(text.charCodeAt(s))) s++;
    if (s === text.length) return; // empty line: skipped, counted
    const c = text.charCodeAt(s);
    if (c === 123 /* { */ && !unwrapped) {
      const msg = unwrapJsonMessage(text);
      if (msg !== null) {
        this.lineString(msg, true, true);
        return;
      }
    }
    if (this.headers && c >= 97 && c <= 122 && isHeaderLine(text)) {
      this.header(text);
      return;
    }
    this.start();
    this.recordFiltered(parseRecordLine(this.format, text, this.name, this.lineNo));
  }

  /** One line as bytes `buf[s, e)`, without its newline. The hot path. */
  private lineBytes(buf: Buffer, s: number, e: number): void {
    this.lineNo++;
    if (e > s && buf[e - 1] === 13) e--; // CRLF
    let i = s;
    while (i < e && isWs(buf[i]!)) i++;
    if (i === e) return;
    const c = buf[i]!;
    if (c === 123 || c >= 0x80 || (this.headers && c >= 97 && c <= 122 && this.firstTokenLooksLikeName(buf, i, e))) {
      this.lineString(buf.toString('utf8', s, e), true);
      return;
    }
    this.start();
    this.record(parseRecordBytes(this.format, buf, s, e, this.name, this.lineNo, this.filter));
  }

  private firstTokenLooksLikeName(buf: Buffer, s: number, e: number): boolean {
    let j = s;
    while (j < e && !isWs(buf[j]!)) j++;
    return looksLikeFieldName(buf.toString('latin1', s, j));
  }

  /** Feed the next chunk of bytes. */
  pushChunk(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    if (this.skippingLongLine || this.carryLen > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.holdPartial(chunk);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
      } else if (this.carryLen + nl > MAX_LINE_BYTES) {
        this.longLine(chunk.subarray(0, nl));
        this.skippingLongLine = false;
      } else {
        this.carry.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.carry);
        this.carry = [];
        this.carryLen = 0;
        this.lineBytes(line, 0, line.length);
      }
      pos = nl + 1;
    }
    while (pos < n) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.holdPartial(chunk.subarray(pos));
        break;
      }
      if (nl - pos > MAX_LINE_BYTES) {
        this.longLine(chunk.subarray(pos, nl));
        this.skippingLongLine = false;
      } else {
        this.lineBytes(chunk, pos, nl);
      }
      pos = nl + 1;
    }
  }

  /** Report the line held in `carry` plus `part` as too long, and skip the rest of it. */
  private longLine(part: Buffer): void {
    this.lineNo++;
    const first = this.carry[0] ?? part;
    const head = first.toString('utf8', 0, Math.min(first.length, 80));
    this.carry = [];
    this.carryLen = 0;
    this.skippingLongLine = true;
    this.badLine(`line is longer than ${MAX_LINE_BYTES} bytes; skipped`, head);
  }

  private holdPartial(part: Buffer): void {
    if (this.skippingLongLine) return;
    if (this.carryLen + part.length > MAX_LINE_BYTES) {
      this.longLine(part);
      return;
    }
    // Copy: the chunk it belongs to can then be freed.
    this.carry.push(Buffer.from(part));
    this.carryLen += part.length;
  }

  /** The source ended normally: the last line needs no newline. */
  end(): void {
    if (this.carryLen > 0) {
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.carryLen = 0;
      this.lineBytes(line, 0, line.length);
    }
    this.start();
  }

  /** The source failed: drop an incomplete last line, report the failure after what was read. */
  fail(message: string): void {
    let msg = message;
    if (this.carryLen > 0) {
      msg += `; the incomplete line ${this.lineNo + 1} (${this.carryLen} bytes) before the damage was dropped`;
      this.carry = [];
      this.carryLen = 0;
    }
    this.flush();
    this.out.push({ kind: 'file-error', file: this.name, message: msg });
  }

  /** Parquet rows (tokens in schema order); `row` is the 1-based row number of the first. */
  rows(rows: readonly string[][], firstRow: number): void {
    this.start();
    for (let i = 0; i < rows.length; i++) this.recordFiltered(recordFromTokens(this.format, rows[i]!, this.name, firstRow + i));
  }

  startParquet(format: FlowLogFormat): void {
    this.format = format;
    this.formatSource = 'parquet-schema';
    this.start();
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12;
}

function unwrapJsonMessage(text: string): string | null {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && 'message' in v && typeof (v as { message: unknown }).message === 'string') {
      return (v as { message: string }).message;
    }
  } catch {
    // not JSON: an ordinary bad line
  }
  return null;
}

/** The Parquet reader (hyparquet) is loaded only when a Parquet input shows up: it is costly to load. */
function parquet(): Promise<typeof import('./parquet.js')> {
  return import('./parquet.js');
}

async function* readParquetSource(name: string, file: AsyncBuffer, opts: ReadOptions): AsyncGenerator<FlowLogEvent> {
  const sink = new LineSink(name, opts, false);
  let opened;
  try {
    opened = await (await parquet()).openParquet(file);
  } catch (err) {
    yield { kind: 'file-error', file: name, message: `unreadable Parquet file (${describeError(err)})` };
    return;
  }
  if (E.isLeft(opened)) {
    yield { kind: 'file-error', file: name, message: `Parquet schema: ${opened.left.message}` };
    return;
  }
  sink.startParquet(opened.right.format);
  let row = 1;
  try {
    for await (const rows of opened.right.rowGroups()) {
      for (let i = 0; i < rows.length; i += DEFAULT_BATCH) {
        sink.rows(rows.slice(i, i + DEFAULT_BATCH), row + i);
        yield* sink.take();
      }
      row += rows.length;
    }
  } catch (err) {
    sink.fail(`Parquet data unreadable after row ${row - 1} (${describeError(err)})`);
  }
  yield* sink.take();
}

async function* readTextChunks(name: string, chunks: AsyncIterable<Buffer>, opts: ReadOptions): AsyncGenerator<FlowLogEvent> {
  const sink = new LineSink(name, opts);
  try {
    for await (const chunk of chunks) {
      sink.pushChunk(chunk);
      const events = sink.take();
      for (const ev of events) yield ev;
    }
    sink.end();
  } catch (err) {
    sink.fail(`${describeError(err)} after line ${sink.linesSeen}`);
  }
  yield* sink.take();
}

/**
 * Read one byte stream: a file body, an S3 object body, stdin. gzip and Parquet are recognised by their
 * magic bytes (a Parquet stream is held in memory whole, as Parquet needs random access).
 */
export async function* readFlowLogStream(
  name: string,
  stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>,
  opts: ReadOptions = {},
): AsyncGenerator<FlowLogEvent> {
  let decoded;
  try {
    decoded = await decodeSource(asBuffers(stream));
  } catch (err) {
    yield { kind: 'file-error', file: name, message: describeError(err) };
    return;
  }
  if (decoded.kind === 'parquet') yield* readParquetSource(name, (await parquet()).bufferToAsyncBuffer(decoded.bytes), opts);
  else yield* readTextChunks(name, decoded.chunks, opts);
}

/**
 * Lines that are already split, one record each: CloudWatch Logs events (no header, ref 1.10). `line`
 * in the events is the 1-based position in the sequence.
 */
export async function* parseFlowLogLines(
  name: string,
  lines: AsyncIterable<string> | Iterable<string>,
  opts: ReadOptions = {},
): AsyncGenerator<FlowLogEvent> {
  const sink = new LineSink(name, opts);
  let sinceTake = 0;
  for await (const line of lines) {
    sink.lineString(line);
    if (++sinceTake >= (opts.batchSize ?? DEFAULT_BATCH)) {
      sinceTake = 0;
      yield* sink.take();
    }
  }
  sink.end();
  yield* sink.take();
}

async function* readFile(file: string, opts: ReadOptions): AsyncGenerator<FlowLogEvent> {
  let magic;
  try {
    // A pipe (a FIFO, bash's <(zcat ...), /dev/stdin) cannot be sniffed and reopened: it is read as a
    // stream, as stdin is (gzip and Parquet are still recognised by their first bytes).
    magic = (await fsp.stat(file)).isFile() ? await sniffFile(file) : 'stream';
  } catch (err) {
    yield { kind: 'file-error', file, message: describeError(err) };
    return;
  }
  if (magic === 'parquet') {
    let buf: AsyncBuffer;
    try {
      buf = await (await parquet()).parquetFile(file);
    } catch (err) {
      yield { kind: 'file-error', file, message: describeError(err) };
      return;
    }
    yield* readParquetSource(file, buf, opts);
    return;
  }
  yield* readFlowLogStream(file, fileChunks(file), opts);
}

/**
 * Read flow logs from paths: files (plain, gzip, Parquet), directories (walked recursively in sorted
 * order, hidden files skipped) and `-` for stdin. Every file starts with a `file-start` event (unless it
 * cannot be opened at all, which gives a lone `file-error`).
 */
export async function* readFlowLogs(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<FlowLogEvent> {
  for await (const item of expandInputs(inputs)) {
    switch (item.kind) {
      case 'error':
        yield { kind: 'file-error', file: item.path, message: item.message };
        break;
      case 'skipped':
        yield { kind: 'file-skipped', file: item.path };
        break;
      case 'stdin':
        yield* readFlowLogStream(STDIN_NAME, opts.stdin ?? process.stdin, opts);
        break;
      case 'file':
        yield* readFile(item.path, opts);
        break;
    }
  }
}
