/**
 * A one-line progress display on stderr for long remote reads (S3 objects and bytes, CloudWatch events).
 *
 * Shown only when stderr is a terminal, and not when stdout is the same kind of terminal (the records
 * printed there are the progress, and a redrawn line would tear them). Nothing is drawn during the first
 * `delayMs` (short reads stay silent); the line is redrawn at most every 100 ms and erased at the end, so
 * it never mixes with the messages printed after the read.
 */
import type { ProgressListener, RemoteProgress } from '../aws/remote-common.js';

export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  write(text: string): boolean;
}

export interface ProgressDisplayOptions {
  /** The stream the results go to; no display when it is a terminal too. */
  readonly stdout?: { readonly isTTY?: boolean | undefined } | undefined;
  /** Quiet time before the first draw (default 1000 ms). */
  readonly delayMs?: number | undefined;
  /** The clock (tests). */
  readonly now?: (() => number) | undefined;
}

const CLEAR = '\r\x1b[2K';

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `532 B`, `35.2 KB`, `1.4 GB` (powers of 1024). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The text of the progress line (without the terminal control codes), cut to `width`. */
export function renderProgress(p: RemoteProgress, elapsedMs: number, width = 100): string {
  const parts =
    p.source === 's3'
      ? [`${count(p.objectsRead)}/${count(p.objectsListed)} objects`, formatBytes(p.bytes), `${count(p.records)} records`]
      : [`${count(p.records)} events`, `${count(p.pages)} pages`, formatBytes(p.bytes)];
  const head = `vpcwhy: ${p.source === 's3' ? 'S3' : 'CloudWatch Logs'} ${elapsed(elapsedMs)} · ${parts.join(' · ')}`;
  const room = width - head.length - 3;
  if (room < 10 || p.current === '') return head.slice(0, Math.max(0, width));
  const cur = p.current.length > room ? `…${p.current.slice(p.current.length - room + 1)}` : p.current;
  return `${head} · ${cur}`;
}

/** A progress display on `stderr`, or undefined when it should stay silent (not a terminal). */
export function createProgress(stderr: ProgressStream, opts: ProgressDisplayOptions = {}): ProgressListener | undefined {
  if (stderr.isTTY !== true) return undefined;
  if (opts.stdout?.isTTY === true) return undefined;
  const now = opts.now ?? Date.now;
  const started = now();
  const delay = opts.delayMs ?? 1000;
  let drawn = false;
  let lastDraw = 0;
  return {
    update(p: RemoteProgress): void {
      const t = now();
      if (t - started < delay || t - lastDraw < 100) return;
      lastDraw = t;
      const width = Math.max(20, (stderr.columns ?? 80) - 1);
      stderr.write(`${CLEAR}${renderProgress(p, t - started, width)}`);
      drawn = true;
    },
    /** Erase the line; a later read may draw it again (one display can serve several inputs). */
    done(): void {
      if (drawn) stderr.write(CLEAR);
      drawn = false;
    },
  };
}
