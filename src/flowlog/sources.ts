/**
 * Where flow-log bytes come from: paths on the command line (files, directories, `-` for stdin) and
 * streams (S3 object bodies, stdin), and how they are decoded (gzip and Parquet are recognised by their
 * magic bytes, never by the file name alone; ref 1.9).
 *
 * Directories are walked depth first, the entries of each directory in code-unit order of their names,
 * so an `AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/` tree or its Hive-style variant
 * (`aws-account-id=…/year=2024/month=01/…`) is read in time order. Hidden entries (`.name`) and Hadoop
 * marker files (`_SUCCESS`, `_common_metadata`) are skipped; every other regular file is read.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';
import { Wakeup } from './wakeup.js';

/** What one command-line input expands to. */
export type InputItem =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' }
  /**
   * An entry of a walked directory that is not read: hidden or metadata (`.name`, `_name`, like Spark's
   * `_SUCCESS`), or not a file (a pipe, socket or device).
   */
  | { readonly kind: 'skipped'; readonly path: string }
  | { readonly kind: 'error'; readonly path: string; readonly message: string };

export type Magic = 'gzip' | 'parquet' | 'text';

export const STDIN_NAME = '<stdin>';

/** The bytes at the start of a gzip member (RFC 1952) and of a Parquet file. */
export function magicOf(head: Uint8Array): Magic {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  return 'text';
}

/** A readable message for an fs / zlib error. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT':
        return 'no such file or directory';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'is a directory';
      case 'Z_BUF_ERROR':
        return `truncated gzip data (${err.message})`;
      case 'Z_DATA_ERROR':
        return `corrupt gzip data (${err.message})`;
      default:
        return err.message;
    }
  }
  return String(err);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function skipped(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

async function* walkDirectory(dir: string, seen: Set<string>): AsyncGenerator<InputItem> {
  let real: string;
  let entries: import('node:fs').Dirent[];
  try {
    real = await fsp.realpath(dir);
    if (seen.has(real)) return; // a symlink loop
    seen.add(real);
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    yield { kind: 'error', path: dir, message: describeError(err) };
    return;
  }
  entries.sort((a, b) => byName(a.name, b.name));
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (skipped(entry.name)) {
      yield { kind: 'skipped', path: p };
      continue;
    }
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = await fsp.stat(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (err) {
        yield { kind: 'error', path: p, message: describeError(err) };
        continue;
      }
    }
    if (isDir) yield* walkDirectory(p, seen);
    else if (isFile) yield { kind: 'file', path: p };
    // A pipe, socket or device met in a walk is not read (a pipe with no writer would wait forever), but named.
    else yield { kind: 'skipped', path: p };
  }
}

/** Expand command-line inputs into files, in order: each path as given, directories walked recursively. */
export async function* expandInputs(inputs: readonly string[]): AsyncGenerator<InputItem> {
  for (const input of inputs) {
    if (input === '-') {
      yield { kind: 'stdin' };
      continue;
    }
    let st: import('node:fs').Stats;
    try {
      st = await fsp.stat(input);
    } catch (err) {
      yield { kind: 'error', path: input, message: describeError(err) };
      continue;
    }
    if (st.isDirectory()) yield* walkDirectory(input, new Set());
    else yield { kind: 'file', path: input };
  }
}

/** The magic of a file, from its first four bytes. */
export async function sniffFile(file: string): Promise<Magic> {
  const fd = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fd.read(head, 0, 4, 0);
    return magicOf(head.subarray(0, bytesRead));
  } finally {
    await fd.close();
  }
}

/** Bytes read from a file at a time. */
const READ_CHUNK = 1 << 18;

/**
 * A file's bytes, read into three buffers in turn, each read issued while the consumer works on the
 * chunk before it. A chunk is overwritten by the read issued when the chunk after next is asked for, so
 * a consumer is done with it (or has copied it) by then. A buffer of its own per read, as
 * createReadStream gives, costs more than the read itself: memory a process has not touched yet faults
 * in at several microseconds a page (reading the bench's 118 MB log took 280 ms that way, 70 ms this way).
 */
export async function* fileChunks(file: string): AsyncGenerator<Buffer> {
  const fh = await fsp.open(file, 'r');
  const buffers = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
  const read = (i: number) => fh.read(buffers[i]!, 0, READ_CHUNK, null);
  let next = read(0);
  try {
    for (let i = 1; ; i = (i + 1) % 3) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) return;
      next = read(i);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A read still under way when the consumer stops must end before the file is closed.
    await next.catch(() => undefined);
    await fh.close();
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`unexpected chunk of type ${typeof chunk}`);
}

/** A stream or async iterable of bytes (or strings) as an async iterable of Buffers. */
export async function* asBuffers(source: NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source as AsyncIterable<unknown>) {
    const b = toBuffer(chunk);
    if (b.length > 0) yield b;
  }
}

/** Decoded content of a source: text bytes, or a whole Parquet file held in memory. */
export type Decoded =
  | { readonly kind: 'text'; readonly chunks: AsyncIterable<Buffer> }
  | { readonly kind: 'parquet'; readonly bytes: Buffer };

/**
 * `head`, then the rest of `rest`. Not a generator: a generator's `finally` does not run when it is
 * closed before its first `next()`, and `rest` (an open file) must be closed whenever this one is.
 */
function prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncIterableIterator<Buffer> {
  let first: Buffer | null = head.length > 0 ? head : null;
  let done = false;
  const close = async (): Promise<IteratorResult<Buffer>> => {
    if (!done) {
      done = true;
      first = null;
      await rest.return?.();
    }
    return { done: true, value: undefined };
  };
  const it: AsyncIterableIterator<Buffer> = {
    async next() {
      if (done) return { done: true, value: undefined };
      if (first) {
        const value = first;
        first = null;
        return { done: false, value };
      }
      let r: IteratorResult<Buffer>;
      try {
        r = await rest.next();
      } catch (err) {
        await close();
        throw err;
      }
      return r.done === true ? close() : r;
    },
    return: close,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** Read at least `n` bytes (or everything, if shorter) from the front of an iterator. */
async function peek(it: AsyncIterator<Buffer>, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const r = await it.next();
    if (r.done === true) break;
    len += r.value.length;
    // A chunk of fileChunks is overwritten by later reads: copied when more are read.
    parts.push(len < n ? Buffer.from(r.value) : r.value);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
}

/** Compressed bytes handed to zlib at a time: at gzip's ~1000:1 worst case, 16 MB of output. */
const INFLATE_SLICE = 16 << 10;

/**
 * Inflate a gzip byte stream. zlib never pauses here (a paused stream that fails drops everything it
 * holds, so the records explained before a truncation used to depend on the consumer's speed); instead
 * compressed bytes go in slices of INFLATE_SLICE, the next one only when the consumer has taken all the
 * output of the previous ones, which bounds memory. When zlib fails (truncation, corruption, trailing
 * garbage), everything decoded from the slices before the failing one has reached the consumer; Node
 * drops what the failing call itself produced (at most one slice's worth).
 */
async function* gunzip(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: READ_CHUNK });
  const out: Buffer[] = [];
  let error: Error | null = null;
  let ended = false;
  const wake = new Wakeup();
  const notify = wake.notify;
  z.on('data', (b: Buffer) => {
    out.push(b);
    notify();
  });
  z.on('error', (e: Error) => {
    error = e;
    notify();
  });
  z.on('end', () => {
    ended = true;
    notify();
  });
  const input = chunks[Symbol.asyncIterator]();
  let inputDone = false;
  /** The part of the last compressed chunk not yet written. */
  let rest: Buffer = Buffer.alloc(0);
  /** A slice is written and zlib has not finished with it. */
  let pending = false;
  const processed = () => {
    pending = false;
    notify();
  };
  try {
    for (;;) {
      while (out.length > 0) yield out.shift()!;
      if (error) throw error;
      if (ended) return;
      if (!pending && !inputDone) {
        if (rest.length === 0) {
          const r = await input.next();
          if (r.done === true) {
            inputDone = true;
            z.end();
            continue;
          }
          rest = r.value;
        }
        const slice = rest.subarray(0, INFLATE_SLICE);
        rest = rest.subarray(slice.length);
        pending = true;
        z.write(slice, processed);
        continue;
      }
      await wake.next();
    }
  } finally {
    z.destroy();
    if (!inputDone) await input.return?.();
  }
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Copies: a chunk of fileChunks is overwritten by later reads.
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/**
 * Decode a byte source by its magic: gzip is inflated (concatenated members included), Parquet (plain or
 * inside gzip) is gathered in memory (Parquet needs random access; a file from disk is read in place by
 * the reader instead), anything else is text.
 */
export async function decodeSource(source: AsyncIterable<Buffer>): Promise<Decoded> {
  const it = source[Symbol.asyncIterator]();
  const head = await peek(it, 4);
  const magic = magicOf(head);
  const rest = prepend(head, it);
  if (magic === 'text') return { kind: 'text', chunks: rest };
  if (magic === 'parquet') return { kind: 'parquet', bytes: await collect(rest) };
  const inflated = gunzip(rest)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const innerHead = await peek(inflated, 4);
  const inner = prepend(innerHead, inflated);
  if (magicOf(innerHead) === 'parquet') return { kind: 'parquet', bytes: await collect(inner) };
  return { kind: 'text', chunks: inner };
}
