/**
 * A bounded set of the ACCEPTed tuples seen so far, per ENI, so a REJECT can ask "was the reverse flow
 * accepted on this interface?" (ref 8.5, 8.6). It stores two 32-bit hashes of (interface-id, srcaddr,
 * srcport, dstaddr, dstport, protocol) in a fixed open-addressing table, computed straight from the
 * record text: no per-record allocation, and memory does not grow with the input (when the table is half
 * full it starts over, forgetting the oldest flows).
 */
import type { FlowRecord } from '../flowlog/record.js';

const SLOTS = 1 << 21; // 2M slots, 16 MB

export class AcceptIndex {
  private readonly a = new Uint32Array(SLOTS);
  private readonly b = new Uint32Array(SLOTS);
  private used = 0;

  private h1 = 0;
  private h2 = 0;

  /** Hashes the tuple into h1/h2; `reversed` swaps the endpoints. False when a column is missing. */
  private hash(r: FlowRecord, reversed: boolean): boolean {
    const f = r.format;
    const o = r.offsets;
    const t = r.text;
    if (f.interfaceId < 0 || f.srcaddr < 0 || f.dstaddr < 0 || f.srcport < 0 || f.dstport < 0 || f.protocol < 0) return false;
    const a = reversed ? f.dstaddr : f.srcaddr;
    const ap = reversed ? f.dstport : f.srcport;
    const b = reversed ? f.srcaddr : f.dstaddr;
    const bp = reversed ? f.srcport : f.dstport;
    this.h1 = 2166136261;
    this.h2 = 0x9e3779b9;
    this.mixColumn(t, o, f.interfaceId);
    this.mixColumn(t, o, a);
    this.mixColumn(t, o, ap);
    this.mixColumn(t, o, b);
    this.mixColumn(t, o, bp);
    this.mixColumn(t, o, f.protocol);
    this.h1 = this.h1 >>> 0 || 1;
    this.h2 = this.h2 >>> 0;
    return true;
  }

  private mixColumn(t: string, o: readonly number[], c: number): void {
    const s = o[2 * c]!;
    const e = o[2 * c + 1]!;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = s; i < e; i++) {
      const ch = t.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 16777619);
      h2 = Math.imul(h2 + ch, 2654435761) ^ (h2 >>> 15);
    }
    this.h1 = Math.imul(h1 ^ 32, 16777619);
    this.h2 = Math.imul(h2 + 31, 2654435761);
  }


  add(r: FlowRecord): void {
    if (!this.hash(r, false)) return;
    const h0 = this.h1;
    const h1 = this.h2;
    if (this.used * 2 >= SLOTS) {
      this.a.fill(0);
      this.b.fill(0);
      this.used = 0;
    }
    let i = h0 & (SLOTS - 1);
    for (;;) {
      const cur = this.a[i]!;
      if (cur === 0) {
        this.a[i] = h0;
        this.b[i] = h1;
        this.used++;
        return;
      }
      if (cur === h0 && this.b[i] === h1) return;
      i = (i + 1) & (SLOTS - 1);
    }
  }

  /** Was the reverse of this record's tuple accepted on the same interface? */
  hasReverse(r: FlowRecord): boolean {
    if (!this.hash(r, true)) return false;
    const h0 = this.h1;
    const h1 = this.h2;
    let i = h0 & (SLOTS - 1);
    for (;;) {
      const cur = this.a[i]!;
      if (cur === 0) return false;
      if (cur === h0 && this.b[i] === h1) return true;
      i = (i + 1) & (SLOTS - 1);
    }
  }
}
