/**
 * One flow-log record, as the rest of the program consumes it.
 *
 * A record is a light wrapper over the text of its line and the start/end offsets of each column: values
 * are sliced and converted only when read, so parsing a line costs one string and one small array. `-`
 * (ref 1.1) and columns the format lacks read as null. `fields()` gives every field under its AWS name,
 * integer fields as numbers (what `explain --format jsonl` prints as `record`).
 *
 * Validation happens once, when the record is built (`parseRecordLine`, `parseRecordBytes`): the token
 * count must equal the format's field count, integer fields must be unsigned integers or `-`, ports are
 * 0-65535 and protocols 0-255, srcaddr / dstaddr / pkt-srcaddr / pkt-dstaddr are IPv4 or IPv6 addresses,
 * `action` is ACCEPT | REJECT | -, `log-status` is OK | NODATA | SKIPDATA | - (ref 1.5, 2.3). Tokens are
 * separated by runs of whitespace (ref 2.6).
 */
import { parseIp } from '../net/ip.js';
import type { FlowLogFormat } from './format.js';

/** A line that is not a record of its format. `line` is 1-based, header lines counted. */
export interface LineError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** The offending line, cut to 200 characters. */
  readonly text: string;
}

export type FlowAction = 'ACCEPT' | 'REJECT';
export type FlowDirection = 'ingress' | 'egress';

const DASH = 45;

/**
 * Sees every valid record of a read in input order, before the consumer does, and may consume it (the
 * reader then yields no record for it). `bytes` gets an ASCII line as bytes and column offsets (relative
 * to `start`), so a consumed line costs no string and no FlowRecord; `record` gets the records built
 * from strings (non-ASCII lines, JSON-unwrapped lines, Parquet rows). Both return -1 to consume the
 * record, or the `mark` to keep it with.
 */
export interface RecordFilter {
  bytes(format: FlowLogFormat, buf: Uint8Array, start: number, offsets: ArrayLike<number>): number;
  record(r: FlowRecord): number;
}

export class FlowRecord {
  /** What a RecordFilter said of the record when it was read (0 without a filter). */
  mark = 0;

  /**
   * @param text the record's text; columns are `text.slice(offsets[2i], offsets[2i + 1])`
   * @param offsets start and end of every column in `text`, `2 * format.fields.length` numbers
   */
  constructor(
    readonly file: string,
    /** 1-based line number, header counted; for Parquet, the 1-based row number; for CloudWatch, the event number. */
    readonly line: number,
    readonly format: FlowLogFormat,
    readonly text: string,
    readonly offsets: ArrayLike<number>,
  ) {}

  /** A record over already-split values (Parquet rows, tests). Values are joined with single spaces. */
  static fromTokens(file: string, line: number, format: FlowLogFormat, tokens: readonly string[]): FlowRecord {
    const offsets = new Array<number>(tokens.length * 2);
    let pos = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (i > 0) pos++;
      offsets[2 * i] = pos;
      pos += tokens[i]!.length;
      offsets[2 * i + 1] = pos;
    }
    return new FlowRecord(file, line, format, tokens.join(' '), offsets);
  }

  /** The raw column values, `-` included. */
  get tokens(): readonly string[] {
    const n = this.offsets.length >> 1;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.text.slice(this.offsets[2 * i]!, this.offsets[2 * i + 1]!);
    return out;
  }

  /** The value of a column as written; null for `-` and for a column the format lacks (col -1). */
  raw(col: number): string | null {
    const k = this.valueAt(col);
    return k < 0 ? null : this.text.slice(this.offsets[k]!, this.offsets[k + 1]!);
  }

  /**
   * Where raw(col) would be found without slicing it: its start is `offsets[k]`, its end `offsets[k + 1]`
   * for the k returned (`2 * col`), or -1 when raw(col) is null.
   */
  valueAt(col: number): number {
    if (col < 0 || 2 * col >= this.offsets.length) return -1;
    const s = this.offsets[2 * col]!;
    return this.offsets[2 * col + 1]! - s === 1 && this.text.charCodeAt(s) === DASH ? -1 : 2 * col;
  }

  /** The value of a column as an integer; null for `-`, an absent column, or a value that is not an unsigned integer. */
  int(col: number): number | null {
    if (col < 0 || 2 * col >= this.offsets.length) return null;
    const s = this.offsets[2 * col]!;
    const e = this.offsets[2 * col + 1]!;
    if (e <= s) return null;
    const text = this.text;
    let v = 0;
    for (let k = s; k < e; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return v;
  }

  /** The value of a field by name (any field, unknown ones included); int fields as numbers. */
  get(name: string): string | number | null {
    const col = this.format.index.get(name);
    if (col === undefined) return null;
    return this.format.intMask[col] === 1 ? this.int(col) : this.raw(col);
  }

  get interfaceId(): string | null {
    return this.raw(this.format.interfaceId);
  }
  get srcaddr(): string | null {
    return this.raw(this.format.srcaddr);
  }
  get dstaddr(): string | null {
    return this.raw(this.format.dstaddr);
  }
  get srcport(): number | null {
    return this.int(this.format.srcport);
  }
  get dstport(): number | null {
    return this.int(this.format.dstport);
  }
  get protocol(): number | null {
    return this.int(this.format.protocol);
  }
  get action(): FlowAction | null {
    const col = this.format.action;
    if (col < 0) return null;
    const s = this.offsets[2 * col]!;
    if (this.offsets[2 * col + 1]! - s !== 6) return null;
    if (this.text.startsWith('REJECT', s)) return 'REJECT';
    if (this.text.startsWith('ACCEPT', s)) return 'ACCEPT';
    return null;
  }
  get logStatus(): string | null {
    return this.raw(this.format.logStatus);
  }
  get tcpFlags(): number | null {
    return this.int(this.format.tcpFlags);
  }
  get flowDirection(): FlowDirection | null {
    const v = this.raw(this.format.flowDirection);
    return v === 'ingress' || v === 'egress' ? v : null;
  }
  get pktSrcaddr(): string | null {
    return this.raw(this.format.pktSrcaddr);
  }
  get pktDstaddr(): string | null {
    return this.raw(this.format.pktDstaddr);
  }
  get rejectReason(): string | null {
    return this.raw(this.format.rejectReason);
  }
  get type(): string | null {
    return this.raw(this.format.type);
  }
  get version(): number | null {
    return this.int(this.format.version);
  }
  get start(): number | null {
    return this.int(this.format.start);
  }
  get end(): number | null {
    return this.int(this.format.end);
  }
  get packets(): number | null {
    return this.int(this.format.packets);
  }
  get bytes(): number | null {
    return this.int(this.format.bytes);
  }
  get subnetId(): string | null {
    return this.raw(this.format.subnetId);
  }
  get vpcId(): string | null {
    return this.raw(this.format.vpcId);
  }

  /** Every field under its AWS name: int fields as numbers, the others as strings, `-` as null. */
  fields(): Record<string, string | number | null> {
    const out: Record<string, string | number | null> = {};
    const { fields, intMask } = this.format;
    for (let i = 0; i < fields.length; i++) out[fields[i]!] = intMask[i] === 1 ? this.int(i) : this.raw(i);
    return out;
  }

  toString(): string {
    return this.text;
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12;
}

/** Start/end offsets of the whitespace-separated tokens of `text`. */
export function tokenOffsets(text: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isWs(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i++;
    while (i < n && !isWs(text.charCodeAt(i))) i++;
    out.push(s, i);
  }
  return out;
}

function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Why the columns of `text` are not a record of `format`, or null when they are. `offsets` holds exactly
 * `2 * count` numbers when `count` is at most the field count.
 */
export function checkColumns(format: FlowLogFormat, text: string, offsets: ArrayLike<number>, count: number): string | null {
  const n = format.fields.length;
  if (count !== n) return `expected ${n} field${n === 1 ? '' : 's'} (${format.label}), got ${count}`;
  const mask = format.intMask;
  for (let col = 0; col < n; col++) {
    if (mask[col] !== 1) continue;
    const s = offsets[2 * col]!;
    const e = offsets[2 * col + 1]!;
    if (e - s === 1 && text.charCodeAt(s) === DASH) continue;
    let ok = e - s <= 20; // unsigned 64-bit at most
    for (let k = s; ok && k < e; k++) {
      const c = text.charCodeAt(k);
      if (c < 48 || c > 57) ok = false;
    }
    if (!ok) return `${format.fields[col]} (field ${col + 1}) is not an integer: "${cutValue(text.slice(s, e))}"`;
  }
  const range = rangeProblem(format, text, offsets);
  if (range !== null) return range;
  for (const col of addressColumns(format)) {
    const s = offsets[2 * col]!;
    const e = offsets[2 * col + 1]!;
    if (e - s === 1 && text.charCodeAt(s) === DASH) continue;
    const v = text.slice(s, e);
    if (parseIp(v) === null) return `${format.fields[col]} (field ${col + 1}) is not an IPv4 or IPv6 address: "${cutValue(v)}"`;
  }
  const mixed = mixedFamilies(format, (col) => {
    const st = offsets[2 * col]!;
    const e = offsets[2 * col + 1]!;
    if (e - st === 1 && text.charCodeAt(st) === DASH) return 0;
    return text.slice(st, e).includes(':') ? 6 : 4;
  });
  if (mixed !== null) return mixed;
  if (format.action >= 0) {
    const s = offsets[2 * format.action]!;
    const e = offsets[2 * format.action + 1]!;
    const len = e - s;
    const ok =
      (len === 1 && text.charCodeAt(s) === DASH) ||
      (len === 6 && (text.startsWith('ACCEPT', s) || text.startsWith('REJECT', s)));
    if (!ok) return `action (field ${format.action + 1}) must be ACCEPT, REJECT or -, got "${cutValue(text.slice(s, e))}"`;
  }
  if (format.logStatus >= 0) {
    const s = offsets[2 * format.logStatus]!;
    const e = offsets[2 * format.logStatus + 1]!;
    const len = e - s;
    const ok =
      (len === 1 && text.charCodeAt(s) === DASH) ||
      (len === 2 && text.startsWith('OK', s)) ||
      (len === 6 && text.startsWith('NODATA', s)) ||
      (len === 8 && text.startsWith('SKIPDATA', s));
    if (!ok) {
      return `log-status (field ${format.logStatus + 1}) must be OK, NODATA, SKIPDATA or -, got "${cutValue(text.slice(s, e))}"`;
    }
  }
  return null;
}

/** Integer columns with a range: ports 0-65535, protocol 0-255 (an IANA protocol number, ref 1.5). */
const rangedCache = new WeakMap<FlowLogFormat, ReadonlyArray<readonly [number, number, string]>>();

function rangedColumns(format: FlowLogFormat): ReadonlyArray<readonly [number, number, string]> {
  let cols = rangedCache.get(format);
  if (!cols) {
    const all: Array<readonly [number, number, string]> = [
      [format.srcport, 65535, 'a port number (0-65535)'],
      [format.dstport, 65535, 'a port number (0-65535)'],
      [format.protocol, 255, 'a protocol number (0-255)'],
    ];
    rangedCache.set(format, (cols = all.filter(([c]) => c >= 0)));
  }
  return cols;
}

const addressCache = new WeakMap<FlowLogFormat, readonly number[]>();

/** The columns that hold addresses: srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr. */
function addressColumns(format: FlowLogFormat): readonly number[] {
  let cols = addressCache.get(format);
  if (!cols) addressCache.set(format, (cols = [format.srcaddr, format.dstaddr, format.pktSrcaddr, format.pktDstaddr].filter((c) => c >= 0)));
  return cols;
}

/** Why a port or protocol column is out of range (digits already checked), or null. */
function rangeProblem(format: FlowLogFormat, text: string, offsets: ArrayLike<number>): string | null {
  for (const [col, max, what] of rangedColumns(format)) {
    const s = offsets[2 * col]!;
    const e = offsets[2 * col + 1]!;
    if (e - s === 1 && text.charCodeAt(s) === DASH) continue;
    const v = text.slice(s, e);
    if (Number(v) > max) return `${format.fields[col]} (field ${col + 1}) is not ${what}: ${cutValue(v)}`;
  }
  return null;
}

/** A decimal column of `buf` at most `max` (its digits are checked already). */
function bytesAtMost(buf: Uint8Array, s: number, e: number, max: number): boolean {
  if (e - s === 1 && buf[s] === DASH) return true;
  let v = 0;
  for (let k = s; k < e; k++) {
    v = v * 10 + buf[k]! - 48;
    if (v > max) return false;
  }
  return true;
}

/** A canonical dotted-quad IPv4 address (no leading zeros); anything else is left to parseIp. */
function canonicalIpv4(buf: Uint8Array, s: number, e: number): boolean {
  let parts = 0;
  let i = s;
  while (i < e) {
    const start = i;
    let v = 0;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) v = v * 10 + buf[i++]! - 48;
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && buf[start] === 48)) return false;
    parts++;
    if (i === e) break;
    if (buf[i] !== 46 || parts === 4) return false;
    i++;
    if (i === e) return false;
  }
  return parts === 4;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * A plain IPv6 address: groups of 1-4 hex digits, at most 8, one `::` at most. Embedded IPv4 and other
 * forms are left to parseIp.
 */
function plainIpv6(buf: Uint8Array, s: number, e: number): boolean {
  let groups = 0;
  let gap = false;
  let i = s;
  if (e - s >= 2 && buf[s] === 58 && buf[s + 1] === 58) {
    gap = true;
    i = s + 2;
    if (i === e) return true; // "::"
  } else if (buf[s] === 58) return false;
  while (i < e) {
    const start = i;
    while (i < e && isHex(buf[i]!)) i++;
    const len = i - start;
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === e) break;
    if (buf[i] !== 58) return false;
    i++;
    if (i < e && buf[i] === 58) {
      if (gap) return false;
      gap = true;
      i++;
      if (i === e) break;
    } else if (i === e) return false;
  }
  return gap ? groups <= 7 : groups === 8;
}

/** The checked columns of the last format the byte path saw (formats change at most per file). */
let checkedFormat: FlowLogFormat | null = null;
let rangedCols: number[] = [];
let rangedMax: number[] = [];
let addressCols: readonly number[] = [];

/** The ranged and address columns of an ASCII line are valid (else the string path words the error). */
function valuesValid(format: FlowLogFormat, buf: Buffer, start: number, offsets: readonly number[]): boolean {
  if (format !== checkedFormat) {
    checkedFormat = format;
    rangedCols = rangedColumns(format).map(([c]) => c);
    rangedMax = rangedColumns(format).map(([, m]) => m);
    addressCols = addressColumns(format);
  }
  for (let k = 0; k < rangedCols.length; k++) {
    const col = rangedCols[k]!;
    if (!bytesAtMost(buf, start + offsets[2 * col]!, start + offsets[2 * col + 1]!, rangedMax[k]!)) return false;
  }
  for (let k = 0; k < addressCols.length; k++) {
    const col = addressCols[k]!;
    const s = start + offsets[2 * col]!;
    const e = start + offsets[2 * col + 1]!;
    if ((e - s === 1 && buf[s] === DASH) || canonicalIpv4(buf, s, e) || plainIpv6(buf, s, e)) continue;
    if (parseIp(buf.toString('latin1', s, e)) === null) return false;
  }
  // No closure here: this runs for every line (the string path words the error).
  if (format.srcaddr >= 0 && format.dstaddr >= 0 && familiesDiffer(byteFamily(buf, start, offsets, format.srcaddr), byteFamily(buf, start, offsets, format.dstaddr))) return false;
  if (format.pktSrcaddr >= 0 && format.pktDstaddr >= 0 && familiesDiffer(byteFamily(buf, start, offsets, format.pktSrcaddr), byteFamily(buf, start, offsets, format.pktDstaddr))) return false;
  return true;
}

/** The family of an address column of a line's bytes: 6 with a colon, 4 without, 0 for `-`. */
function byteFamily(buf: Buffer, start: number, offsets: readonly number[], col: number): 0 | 4 | 6 {
  const s = start + offsets[2 * col]!;
  const e = start + offsets[2 * col + 1]!;
  if (e - s === 1 && buf[s] === DASH) return 0;
  for (let k = s; k < e; k++) if (buf[k] === 58 /* : */) return 6;
  return 4;
}

function familiesDiffer(a: 0 | 4 | 6, b: 0 | 4 | 6): boolean {
  return a !== 0 && b !== 0 && a !== b;
}

/**
 * A record whose source and destination are of different address families (IPv4 and IPv6) describes no
 * packet (ref 8.13: the families are independent everywhere): a bad line, not a record to attribute.
 * `family` gives a column's family, 0 for `-`.
 */
function mixedFamilies(format: FlowLogFormat, family: (col: number) => 0 | 4 | 6): string | null {
  for (const [a, b] of [[format.srcaddr, format.dstaddr], [format.pktSrcaddr, format.pktDstaddr]] as const) {
    if (a < 0 || b < 0) continue;
    const fa = family(a);
    const fb = family(b);
    if (familiesDiffer(fa, fb)) {
      return `${format.fields[a]} (field ${a + 1}) is IPv${fa} and ${format.fields[b]} (field ${b + 1}) IPv${fb}: a packet's addresses are of one family`;
    }
  }
  return null;
}

function cutValue(v: string): string {
  return v.length > 40 ? `${v.slice(0, 37)}...` : v;
}

/** Parse one line of text as a record of `format`. Runs of whitespace separate the fields (ref 2.6). */
export function parseRecordLine(format: FlowLogFormat, text: string, file: string, line: number): FlowRecord | LineError {
  const offsets = tokenOffsets(text);
  const problem = checkColumns(format, text, offsets, offsets.length >> 1);
  if (problem !== null) return { file, line, message: problem, text: cut(text) };
  return new FlowRecord(file, line, format, text, offsets);
}

/** A record over values that are already split (Parquet), with the same validation as a text line. */
export function recordFromTokens(format: FlowLogFormat, tokens: readonly string[], file: string, line: number): FlowRecord | LineError {
  const rec = FlowRecord.fromTokens(file, line, format, tokens);
  const problem = checkColumns(format, rec.text, rec.offsets, tokens.length);
  return problem === null ? rec : { file, line, message: problem, text: cut(rec.text) };
}

interface FastSlice {
  latin1Slice?(start: number, end: number): string;
}

let scratch: number[] = new Array<number>(64).fill(0);

const ACCEPT_BYTES = [65, 67, 67, 69, 80, 84];
const REJECT_BYTES = [82, 69, 74, 69, 67, 84];
const OK_BYTES = [79, 75];
const NODATA_BYTES = [78, 79, 68, 65, 84, 65];
const SKIPDATA_BYTES = [83, 75, 73, 80, 68, 65, 84, 65];

function bytesAre(buf: Uint8Array, s: number, e: number, word: readonly number[]): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

/**
 * The hot path: parse the bytes `buf[start, end)` (one line, no newline) as a record of `format`.
 * An ASCII line is tokenised and validated on its bytes and decoded once. A line with a non-ASCII byte,
 * or one that fails validation, takes the string path (`parseRecordLine`), which also words the error.
 */
export function parseRecordBytes(format: FlowLogFormat, buf: Buffer, start: number, end: number, file: string, line: number): FlowRecord | LineError;
/** With a filter: null when the filter consumes the record. */
export function parseRecordBytes(format: FlowLogFormat, buf: Buffer, start: number, end: number, file: string, line: number, filter: RecordFilter | undefined): FlowRecord | LineError | null;
export function parseRecordBytes(
  format: FlowLogFormat,
  buf: Buffer,
  start: number,
  end: number,
  file: string,
  line: number,
  filter?: RecordFilter,
): FlowRecord | LineError | null {
  const n = format.fields.length;
  const mask = format.intMask;
  // Column offsets go to a reused scratch array, copied only when a record is built (a line the filter
  // consumes allocates nothing).
  if (scratch.length < 2 * n) scratch = new Array<number>(2 * n).fill(0);
  const offsets = scratch;
  let count = 0;
  let high = 0;
  let ok = true;
  let i = start;
  while (i < end) {
    let c = buf[i]!;
    if (c <= 32 && (c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) {
      i++;
      continue;
    }
    const s = i;
    if (count < n && mask[count] === 1) {
      // integer column: digits only, or a lone '-'
      if (c === DASH) {
        i++;
        if (i < end) {
          c = buf[i]!;
          if (!(c <= 32 && (c === 32 || c === 9 || c === 13 || c === 11 || c === 12))) ok = false;
        }
      }
      while (i < end) {
        c = buf[i]!;
        if (c <= 32 && (c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) break;
        if (c < 48 || c > 57) {
          ok = false;
          high |= c;
        }
        i++;
      }
      if (i - s > 20) ok = false;
    } else {
      high |= c;
      i++;
      while (i < end) {
        c = buf[i]!;
        if (c <= 32 && (c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) break;
        high |= c;
        i++;
      }
    }
    if (count < n) {
      offsets[2 * count] = s - start;
      offsets[2 * count + 1] = i - start;
    }
    count++;
  }
  if (ok && count === n) {
    const a = format.action;
    if (a >= 0) {
      const s = start + offsets[2 * a]!;
      const e = start + offsets[2 * a + 1]!;
      ok = bytesAre(buf, s, e, REJECT_BYTES) || bytesAre(buf, s, e, ACCEPT_BYTES) || (e - s === 1 && buf[s] === DASH);
    }
    const l = format.logStatus;
    if (ok && l >= 0) {
      const s = start + offsets[2 * l]!;
      const e = start + offsets[2 * l + 1]!;
      ok =
        bytesAre(buf, s, e, OK_BYTES) ||
        bytesAre(buf, s, e, NODATA_BYTES) ||
        bytesAre(buf, s, e, SKIPDATA_BYTES) ||
        (e - s === 1 && buf[s] === DASH);
    }
  }
  if (ok && count === n && high < 0x80) ok = valuesValid(format, buf, start, offsets);
  if (!ok || count !== n || high >= 0x80) {
    const rec = parseRecordLine(format, buf.toString('utf8', start, end), file, line);
    return filter ? filterRecord(filter, rec) : rec;
  }
  const mark = filter ? filter.bytes(format, buf, start, offsets) : 0;
  if (mark < 0) return null;
  const fast = buf as FastSlice;
  const text = fast.latin1Slice !== undefined ? fast.latin1Slice(start, end) : buf.toString('latin1', start, end);
  const rec = new FlowRecord(file, line, format, text, offsets.slice(0, 2 * n));
  rec.mark = mark;
  return rec;
}

/** A parsed line through a filter: null when the filter consumes it; bad lines pass untouched. */
export function filterRecord(filter: RecordFilter, rec: FlowRecord | LineError): FlowRecord | LineError | null {
  if (isLineError(rec)) return rec;
  const mark = filter.record(rec);
  if (mark < 0) return null;
  rec.mark = mark;
  return rec;
}

export function isLineError(x: FlowRecord | LineError): x is LineError {
  return !(x instanceof FlowRecord);
}
