/**
 * Where explain output goes. Strings are encoded straight into a large byte buffer as they come (one
 * small copy each), instead of growing one huge string that has to be flattened and encoded at once.
 * `room` lets the hottest writer (a record's JSON) fill the buffer in place, with no call per piece.
 */

/** Strings and byte ranges up to this long are copied by hand, longer ones natively. */
const SHORT = 64;

/**
 * Writes `s.slice(start, end)` as UTF-8 into `buf` at `pos` (room for it assumed) and returns the end:
 * ASCII by hand, the rest from the first other character natively. For short strings a native call costs
 * more than the copy.
 */
function encodeInto(buf: Buffer, pos: number, s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return pos + buf.write(s.slice(i, end), pos);
    buf[pos++] = c;
  }
  return pos;
}

export interface Writer {
  write(s: string): void;
  /** `write(s.slice(start, end))`, without the slice. */
  writeRange(s: string, start: number, end: number): void;
  writeBytes(b: Uint8Array, start: number, end: number): void;
  /** `write(String(n))` for a non-negative integer. */
  writeInt(n: number): void;
  /**
   * A buffer with at least `n` bytes free from `at`: the caller writes them in place and moves `at` past
   * what it wrote, before any other call.
   */
  room(n: number): Uint8Array;
  at: number;
  /** Resolves when buffered output has been handed on. */
  flush(): Promise<void>;
}

/** A Writer over one byte buffer; `spill` makes room when it is full (hands it on, or grows it). */
abstract class BufferWriter implements Writer {
  at = 0;
  constructor(protected buf: Buffer) {}

  /** Afterwards at least `n` bytes are free from `at`, or (for n larger than a buffer) none need be. */
  protected abstract spill(n: number): void;
  /** Takes a piece too large for any buffer, as it is. */
  protected abstract large(piece: string | Uint8Array): void;
  abstract flush(): Promise<void>;

  room(n: number): Uint8Array {
    if (this.at + n > this.buf.length) {
      this.spill(n);
      // Only a writer of chunks smaller than that (tests use tiny ones) gets here: a buffer of its own.
      if (this.at + n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    return this.buf;
  }

  write(s: string): void {
    this.writeRange(s, 0, s.length);
  }

  writeRange(s: string, start: number, end: number): void {
    const n = end - start;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.at + n * 3 > this.buf.length) {
      this.spill(n * 3);
      if (this.at + n * 3 > this.buf.length) {
        this.large(s.slice(start, end));
        return;
      }
    }
    this.at = n > SHORT ? this.at + this.buf.write(s.slice(start, end), this.at) : encodeInto(this.buf, this.at, s, start, end);
  }

  writeBytes(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.at + n > this.buf.length) {
      this.spill(n);
      if (this.at + n > this.buf.length) {
        // A copy: the source (the explainer's slab) is overwritten before a stream reads it.
        this.large(Buffer.from(b.subarray(start, end)));
        return;
      }
    }
    const buf = this.buf;
    const at = this.at;
    if (n > SHORT) buf.set(b.subarray(start, end), at);
    else for (let i = 0; i < n; i++) buf[at + i] = b[start + i]!;
    this.at = at + n;
  }

  writeInt(n: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && n === Math.floor(n))) {
      this.write(String(n));
      return;
    }
    const buf = this.room(10);
    // The digits, last first, then reversed in place.
    const from = this.at;
    let p = from;
    do {
      const q = (n / 10) | 0;
      buf[p++] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
    for (let i = from, j = p - 1; i < j; i++, j--) {
      const t = buf[i]!;
      buf[i] = buf[j]!;
      buf[j] = t;
    }
    this.at = p;
  }
}

/** Output buffers kept for reuse. */
const FREE_BUFFERS = 4;

/**
 * A Writer over a Node stream: full buffers are handed to the stream, and flush() waits for 'drain' when
 * the stream asks.
 */
class StreamWriter extends BufferWriter {
  /**
   * Buffers the stream is done with. A buffer handed over goes back here when its write completes, so
   * the run does not leave a trail of dead 1 MB buffers behind it (their memory lives outside the JS
   * heap and returns only when the collector gets to them: tens of MB of peak RSS).
   */
  private readonly free: Buffer[] = [];
  private full = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly chunkSize: number,
  ) {
    super(Buffer.allocUnsafe(chunkSize));
  }

  protected spill(): void {
    if (this.at === 0) return;
    const chunk = this.buf;
    const free = this.free;
    const release = () => {
      if (free.length < FREE_BUFFERS) free.push(chunk);
    };
    if (!this.stream.write(chunk.subarray(0, this.at), release)) this.full = true;
    // The stream may still hold the bytes handed over: continue in another buffer.
    this.buf = free.pop() ?? Buffer.allocUnsafe(this.chunkSize);
    this.at = 0;
  }

  protected large(piece: string | Uint8Array): void {
    if (!this.stream.write(piece)) this.full = true;
  }

  async flush(): Promise<void> {
    this.spill();
    if (this.full && (this.stream as { writableNeedDrain?: boolean }).writableNeedDrain) {
      await new Promise<void>((resolve) => this.stream.once('drain', resolve));
    }
    this.full = false;
  }
}

/** A Writer over a Node stream. `chunkSize`: bytes gathered before they are handed to the stream. */
export function streamWriter(stream: NodeJS.WritableStream, chunkSize = 1 << 20): Writer {
  return new StreamWriter(stream, chunkSize);
}

/** A Writer that keeps everything in one growing buffer: `bytes()` is what was written. */
export class MemoryWriter extends BufferWriter {
  constructor() {
    super(Buffer.allocUnsafe(256));
  }

  protected spill(n: number): void {
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  protected large(): void {
    throw new Error('unreachable: a memory writer always makes room');
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  async flush(): Promise<void> {}
}
