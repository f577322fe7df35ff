/**
 * A bounded set of the ACCEPTed tuples seen so far, per ENI, so a REJECT can ask "was the reverse flow
 * accepted on this interface?" (ref 8.5, 8.6). It stores two 32-bit hashes of (interface-id, srcaddr,
 * srcport, dstaddr, dstport, protocol) in a fixed open-addressing table, computed straight from the
 * record text: no per-record allocation, and memory does not grow with the input (when the table is half
 * full it starts over, forgetting the oldest flows).
 */
import type { FlowRecord } from '../flowlog/record.js';

const SLOTS = 1 << 21; // 2M slots, 16 MB

function mix(h: number, text: string, s: number, e: number): number {
  for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return Math.imul(h ^ 32, 16777619);
}

function mix2(h: number, text: string, s: number, e: number): number {
  for (let i = s; i < e; i++) h = Math.imul(h + text.charCodeAt(i), 2654435761) ^ (h >>> 15);
  return Math.imul(h + 31, 2654435761);
}

export class AcceptIndex {
  private readonly a = new Uint32Array(SLOTS);
  private readonly b = new Uint32Array(SLOTS);
  private used = 0;

  /** Field columns in tuple order; `reversed` swaps the endpoints. */
  private hashes(r: FlowRecord, reversed: boolean): [number, number] | null {
    const f = r.format;
    const cols = reversed
      ? [f.interfaceId, f.dstaddr, f.dstport, f.srcaddr, f.srcport, f.protocol]
      : [f.interfaceId, f.srcaddr, f.srcport, f.dstaddr, f.dstport, f.protocol];
    let h1 = 2166136261;
    let h2 = 0x9e3779b9;
    const o = r.offsets;
    for (const c of cols) {
      if (c < 0) return null;
      const s = o[2 * c]!;
      const e = o[2 * c + 1]!;
      h1 = mix(h1, r.text, s, e);
      h2 = mix2(h2, r.text, s, e);
    }
    return [h1 >>> 0 || 1, h2 >>> 0];
  }

  add(r: FlowRecord): void {
    const h = this.hashes(r, false);
    if (!h) return;
    if (this.used * 2 >= SLOTS) {
      this.a.fill(0);
      this.b.fill(0);
      this.used = 0;
    }
    let i = h[0] & (SLOTS - 1);
    for (;;) {
      const cur = this.a[i]!;
      if (cur === 0) {
        this.a[i] = h[0];
        this.b[i] = h[1];
        this.used++;
        return;
      }
      if (cur === h[0] && this.b[i] === h[1]) return;
      i = (i + 1) & (SLOTS - 1);
    }
  }

  /** Was the reverse of this record's tuple accepted on the same interface? */
  hasReverse(r: FlowRecord): boolean {
    const h = this.hashes(r, true);
    if (!h) return false;
    let i = h[0] & (SLOTS - 1);
    for (;;) {
      const cur = this.a[i]!;
      if (cur === 0) return false;
      if (cur === h[0] && this.b[i] === h[1]) return true;
      i = (i + 1) & (SLOTS - 1);
    }
  }
}
