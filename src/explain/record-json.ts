/**
 * The JSON of a flow-log record as explain writes it (`record`, every field under its AWS name, integer
 * fields as numbers), written piece by piece from the record's text, and the head of its output line.
 * No dependency on the snapshot or the engine: the read worker writes heads too.
 */
import type { FlowRecord } from '../flowlog/record.js';

/** What these functions write to (explain's Writer, or BytesOut). */
export interface JsonOut {
  write(s: string): void;
  /** `write(s.slice(start, end))`, without the slice. */
  writeRange(s: string, start: number, end: number): void;
  writeBytes(b: Uint8Array, start: number, end: number): void;
}

const keyPrefixes = new WeakMap<FlowRecord['format'], string[]>();

/** `JSON.stringify(r.fields())` without building the object (what writeRecordJson writes, as a string). */
export function recordJson(r: FlowRecord): string {
  let out = '';
  writeRecordJson(r, { write: (t) => (out += t), writeRange: (t, start, end) => (out += t.slice(start, end)) });
  return out;
}

/**
 * What goes before each field's value, by whether a string value before it is still open (its closing
 * quote owed) and whether this value is written as a string: `keys[4i + 2 * owed + opens]`; the last
 * four hold the closing brace (with the quote owed, or not).
 */
function jsonKeys(fields: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i <= fields.length; i++) {
    for (const owed of ['', '"']) {
      for (const opens of ['', '"']) keys.push(i === fields.length ? `${owed}}` : `${owed}${i === 0 ? '{' : ','}${JSON.stringify(fields[i])}:${opens}`);
    }
  }
  return keys;
}

/** Writes the record's JSON piece by piece, values straight from its text (no string per record). */
function writeRecordJson(r: FlowRecord, out: Pick<JsonOut, 'write' | 'writeRange'>): void {
  const f = r.format;
  let keys = keyPrefixes.get(f);
  if (!keys) keyPrefixes.set(f, (keys = jsonKeys(f.fields)));
  const n = f.fields.length;
  if (n === 0) {
    out.write('{}');
    return;
  }
  const text = r.text;
  const offsets = r.offsets;
  let owed = 0;
  for (let i = 0; i < n; i++) {
    const k = 4 * i + 2 * owed;
    const s = offsets[2 * i]!;
    const e = offsets[2 * i + 1]!;
    owed = 0;
    if (f.intMask[i] === 1) {
      out.write(keys[k]!);
      // Digits without a leading zero, short enough to be exact, are their own JSON.
      if (plainDigits(text, s, e)) {
        out.writeRange(text, s, e);
      } else {
        const v = r.int(i);
        out.write(v === null ? 'null' : String(v));
      }
    } else if (2 * i >= offsets.length || (e - s === 1 && text.charCodeAt(s) === 45 /* - */)) {
      out.write(keys[k]!);
      out.write('null');
    } else if (rangeNeedsEscape(text, s, e)) {
      out.write(keys[k]!);
      out.write(JSON.stringify(text.slice(s, e)));
    } else {
      // The closing quote goes out with what follows.
      out.write(keys[k + 1]!);
      out.writeRange(text, s, e);
      owed = 1;
    }
  }
  out.write(keys[4 * n + 2 * owed]!);
}

/**
 * Writes the start of a record's explain JSON, `{"file":...,"line":...,"record":{...},`: on the main
 * thread, or on the read worker, which sends it with the record (FlowRecord.head).
 */
export class RecordHeads {
  /** `{"file":<its name>,"line":` per file, encoded. */
  private readonly files = new Map<string, Buffer>();

  write(r: FlowRecord, out: JsonOut): void {
    let head = this.files.get(r.file);
    if (head === undefined) {
      // Files come one after another: the map holds a few (a directory of thousands must not grow it).
      if (this.files.size >= 64) this.files.clear();
      this.files.set(r.file, (head = Buffer.from(`{"file":${JSON.stringify(r.file)},"line":`)));
    }
    out.writeBytes(head, 0, head.length);
    out.write(String(r.line));
    out.write(',"record":');
    writeRecordJson(r, out);
    out.write(',');
  }
}

/** 1-15 ASCII digits, the first not 0 unless alone: `String(Number(x))` is x. */
function plainDigits(t: string, s: number, e: number): boolean {
  const n = e - s;
  if (!(n >= 1 && n <= 15) || (n > 1 && t.charCodeAt(s) === 48)) return false;
  for (let k = s; k < e; k++) {
    const c = t.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function rangeNeedsEscape(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}
