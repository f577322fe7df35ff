/**
 * A bounded set of the ACCEPTed tuples seen so far, per ENI, so a REJECT can ask "was the reverse flow
 * accepted on this interface?" (ref 8.5, 8.6). It stores two 32-bit hashes of (interface-id, srcaddr,
 * srcport, dstaddr, dstport, protocol) in a fixed open-addressing table, computed straight from the
 * record text or the line's bytes: no per-record allocation, and memory does not grow with the input
 * (when the table is half full it starts over, forgetting the oldest flows).
 *
 * AcceptFilter runs the index inside the reader (a RecordFilter): it sees every record in input order,
 * so "earlier in the input" keeps its meaning, and ACCEPT lines that only feed the index are consumed
 * as bytes, without a string or a FlowRecord being built for them.
 */
import type { FlowLogFormat } from '../flowlog/format.js';
import type { FlowRecord, RecordFilter } from '../flowlog/record.js';
import { fmix32 } from './hash.js';

/** The index's default size: 2M slots, 16 MB (a smaller one forgets flows sooner and changes answers). */
export const ACCEPT_INDEX_SLOTS = 1 << 21;

/** Mark bits an AcceptFilter gives the records it keeps. */
export const MARK_SEEN = 2;
export const MARK_REVERSE = 1;

type Columns = readonly [number, number, number, number, number, number];

/** The hashed columns in order: interface, one end (address, port), the other end, protocol. */
function columns(f: FlowLogFormat, reversed: boolean): Columns | null {
  if (f.interfaceId < 0 || f.srcaddr < 0 || f.dstaddr < 0 || f.srcport < 0 || f.dstport < 0 || f.protocol < 0) return null;
  return reversed
    ? [f.interfaceId, f.dstaddr, f.dstport, f.srcaddr, f.srcport, f.protocol]
    : [f.interfaceId, f.srcaddr, f.srcport, f.dstaddr, f.dstport, f.protocol];
}

export class AcceptIndex {
  /** Slot i holds the two hashes at 2i and 2i + 1: one cache line per probe, not two. */
  private readonly table: Uint32Array;
  private used = 0;
  private readonly mask: number;

  private h1 = 0;
  private h2 = 0;
  /** The columns of the last format seen (formats change at most per file). */
  private lastFormat: FlowLogFormat | null = null;
  private forward: Columns | null = null;
  private backward: Columns | null = null;

  /**
   * `slots`: a power of two, at least 2; the table starts over when half of them are used, forgetting the
   * flows before (explain/reference.ts states the same bound).
   */
  constructor(readonly slots: number = ACCEPT_INDEX_SLOTS) {
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new Error(`AcceptIndex: slots must be a power of two, got ${slots}`);
    this.table = new Uint32Array(2 * slots);
    this.mask = slots - 1;
  }

  private cols(f: FlowLogFormat, reversed: boolean): Columns | null {
    if (f !== this.lastFormat) {
      this.lastFormat = f;
      this.forward = columns(f, false);
      this.backward = columns(f, true);
    }
    return reversed ? this.backward : this.forward;
  }

  /**
   * Hashes the columns of a text into h1/h2 (offsets relative to the text), four characters a step (a
   * step per byte took about 40 % longer; the index is about half of the read worker's time). Each
   * column ends with a step of its last 0-3 characters (so the steps tell where columns end), and both
   * words are mixed at the end, so that the slot index (low bits) depends on every bit.
   */
  private hashText(t: string, o: ArrayLike<number>, cols: Columns): void {
    let h1 = 2166136261;
    let h2 = 0x9e3779b9;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const e = o[2 * c + 1]!;
      let i = o[2 * c]!;
      for (; i + 4 <= e; i += 4) {
        const w = t.charCodeAt(i) | (t.charCodeAt(i + 1) << 8) | (t.charCodeAt(i + 2) << 16) | (t.charCodeAt(i + 3) << 24);
        h1 = Math.imul(h1 ^ w, 16777619);
        h2 = Math.imul(h2 + w, 2654435761) ^ (h2 >>> 15);
      }
      let w = 0;
      for (; i < e; i++) w = (w << 8) | t.charCodeAt(i);
      h1 = Math.imul(h1 ^ w, 16777619);
      h2 = Math.imul(h2 + w, 2654435761) ^ (h2 >>> 15);
    }
    this.h1 = fmix32(h1) || 1;
    this.h2 = fmix32(h2);
  }

  /** The same hash over an ASCII line's bytes (offsets relative to `base`): equal to hashText of its text. */
  private hashBytes(buf: Uint8Array, base: number, o: ArrayLike<number>, cols: Columns): void {
    let h1 = 2166136261;
    let h2 = 0x9e3779b9;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const e = base + o[2 * c + 1]!;
      let i = base + o[2 * c]!;
      for (; i + 4 <= e; i += 4) {
        const w = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
        h1 = Math.imul(h1 ^ w, 16777619);
        h2 = Math.imul(h2 + w, 2654435761) ^ (h2 >>> 15);
      }
      let w = 0;
      for (; i < e; i++) w = (w << 8) | buf[i]!;
      h1 = Math.imul(h1 ^ w, 16777619);
      h2 = Math.imul(h2 + w, 2654435761) ^ (h2 >>> 15);
    }
    this.h1 = fmix32(h1) || 1;
    this.h2 = fmix32(h2);
  }

  private insert(): void {
    const h0 = this.h1;
    const h1 = this.h2;
    const t = this.table;
    if (this.used * 2 >= this.slots) {
      t.fill(0);
      this.used = 0;
    }
    let i = h0 & this.mask;
    for (;;) {
      const cur = t[2 * i]!;
      if (cur === 0) {
        t[2 * i] = h0;
        t[2 * i + 1] = h1;
        this.used++;
        return;
      }
      if (cur === h0 && t[2 * i + 1] === h1) return;
      i = (i + 1) & this.mask;
    }
  }

  private contains(): boolean {
    const h0 = this.h1;
    const h1 = this.h2;
    const t = this.table;
    let i = h0 & this.mask;
    for (;;) {
      const cur = t[2 * i]!;
      if (cur === 0) return false;
      if (cur === h0 && t[2 * i + 1] === h1) return true;
      i = (i + 1) & this.mask;
    }
  }

  add(r: FlowRecord): void {
    const cols = this.cols(r.format, false);
    if (!cols) return;
    this.hashText(r.text, r.offsets, cols);
    this.insert();
  }

  /** Was the reverse of this record's tuple accepted on the same interface? */
  hasReverse(r: FlowRecord): boolean {
    const cols = this.cols(r.format, true);
    if (!cols) return false;
    this.hashText(r.text, r.offsets, cols);
    return this.contains();
  }

  addBytes(f: FlowLogFormat, buf: Uint8Array, base: number, o: ArrayLike<number>): void {
    const cols = this.cols(f, false);
    if (!cols) return;
    this.hashBytes(buf, base, o, cols);
    this.insert();
  }

  hasReverseBytes(f: FlowLogFormat, buf: Uint8Array, base: number, o: ArrayLike<number>): boolean {
    const cols = this.cols(f, true);
    if (!cols) return false;
    this.hashBytes(buf, base, o, cols);
    return this.contains();
  }
}

const DASH = 45;
const A = 65;

/**
 * The reverse-flow index as a RecordFilter. Every record of the selected interfaces feeds it in input
 * order: an ACCEPT is added (and, with `consumeAccepts`, consumed and counted in `consumed`); a kept
 * record is marked MARK_SEEN, plus MARK_REVERSE when the reverse tuple was accepted before it. Records
 * of other interfaces (`only`) are consumed without being counted, as explain skips them.
 */
export class AcceptFilter implements RecordFilter {
  /** ACCEPT records consumed (the caller counts them as records and as accepted). */
  consumed = 0;
  private readonly decoder = new TextDecoder('latin1');

  constructor(
    readonly index: AcceptIndex,
    private readonly opts: { readonly consumeAccepts: boolean; readonly only?: ReadonlySet<string> | undefined },
  ) {}

  /** What a read worker needs to run the same filter: its options and the size of its index. */
  get options(): { readonly consumeAccepts: boolean; readonly only?: ReadonlySet<string> | undefined; readonly slots: number } {
    return { ...this.opts, slots: this.index.slots };
  }

  bytes(f: FlowLogFormat, buf: Uint8Array, base: number, o: ArrayLike<number>): number {
    const only = this.opts.only;
    if (only && !only.has(this.interfaceIdOf(f, buf, base, o))) return -1;
    const a = f.action;
    if (a >= 0 && buf[base + o[2 * a]!] === A) {
      // A validated action that starts with A is ACCEPT.
      this.index.addBytes(f, buf, base, o);
      if (this.opts.consumeAccepts) {
        this.consumed++;
        return -1;
      }
    }
    return MARK_SEEN | (this.index.hasReverseBytes(f, buf, base, o) ? MARK_REVERSE : 0);
  }

  record(r: FlowRecord): number {
    const only = this.opts.only;
    if (only && !only.has(r.interfaceId ?? '')) return -1;
    if (r.action === 'ACCEPT') {
      this.index.add(r);
      if (this.opts.consumeAccepts) {
        this.consumed++;
        return -1;
      }
    }
    return MARK_SEEN | (this.index.hasReverse(r) ? MARK_REVERSE : 0);
  }

  /** The interface-id column as FlowRecord.interfaceId reads it ('' for `-` or no column). */
  private interfaceIdOf(f: FlowLogFormat, buf: Uint8Array, base: number, o: ArrayLike<number>): string {
    const c = f.interfaceId;
    if (c < 0) return '';
    const s = base + o[2 * c]!;
    const e = base + o[2 * c + 1]!;
    if (e - s === 1 && buf[s] === DASH) return '';
    return this.decoder.decode(buf.subarray(s, e));
  }
}
