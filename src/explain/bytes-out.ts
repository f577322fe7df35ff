/**
 * Strings into byte buffers, for explain's output: the copy both writers use (streamWriter in run.ts,
 * and BytesOut, which the read worker fills with the records' JSON heads).
 */

/** Strings up to this long are copied by hand, longer ones natively (a native call costs more than a short copy). */
export const SHORT = 64;

/**
 * Writes `s.slice(start, end)` as UTF-8 at `pos` (the buffer has room for 3 bytes per code unit) and
 * returns the position after it.
 */
export function putString(buf: Buffer, pos: number, s: string, start: number, end: number): number {
  if (end - start > SHORT) return pos + buf.write(s.slice(start, end), pos);
  let p = pos;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return p + buf.write(s.slice(i, end), p);
    buf[p++] = c;
  }
  return p;
}

/** A writer into one buffer that grows: `bytes()` is what was written. */
export class BytesOut {
  private buf: Buffer;
  private pos = 0;

  constructor(size = 1 << 16) {
    // Not Buffer.allocUnsafe: a pooled buffer shares its memory, and this one is transferred to another thread.
    this.buf = Buffer.from(new ArrayBuffer(size));
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.from(new ArrayBuffer(Math.max(2 * this.buf.length, this.pos + n)));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  write(s: string): void {
    this.writeRange(s, 0, s.length);
  }

  writeRange(s: string, start: number, end: number): void {
    this.room(3 * (end - start));
    this.pos = putString(this.buf, this.pos, s, start, end);
  }

  writeBytes(b: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buf.set(b.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** What was written, in a buffer of its own (transferable). */
  bytes(): Uint8Array {
    return new Uint8Array(this.buf.buffer, 0, this.pos);
  }
}
