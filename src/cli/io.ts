/**
 * Where a command writes. Every command takes an `Io` (`runX(opts, io)`, `registerX(program, setExitCode,
 * io)`) and writes only through it, never to `process.stdout` / `process.stderr` directly: the bin
 * passes the process's streams (processIo), tests and embedders pass memoryIo() and read what was written.
 */
import { Writable } from 'node:stream';

/** A stream a command writes to; `isTTY` as on process.stdout (the progress line looks at it). */
export type IoStream = NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };

export interface Io {
  /** The command's output (records, reports, a snapshot with `-o -`). */
  readonly stdout: IoStream;
  /** Warnings, errors, progress, summaries of side effects (`wrote FILE`). */
  readonly stderr: IoStream;
}

/** The process's own streams: what the bin passes. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr };
}

export interface MemoryIo extends Io {
  /** Everything written to stdout / stderr so far, as UTF-8 text. */
  stdoutText(): string;
  stderrText(): string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      // A copy: a writer may reuse its buffer once the write is done (pipeline/writer.ts does).
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** An Io that keeps what is written in memory (neither stream is a terminal). */
export function memoryIo(): MemoryIo {
  const out = collector();
  const err = collector();
  return { stdout: out.stream, stderr: err.stream, stdoutText: out.text, stderrText: err.text };
}
