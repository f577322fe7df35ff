/**
 * The one place where failures become messages and exit codes (0 success, 1 findings / blocked,
 * 2 bad input or usage). Nothing here prints a stack trace.
 */
import { printable } from '../report/printable.js';
import type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

/** A failure the user can act on: bad input or usage. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_BAD_INPUT) {
    super(message);
  }
}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function reportFatal(err: unknown, io: Pick<Io, 'stderr'>): number {
  if (err instanceof UsageError) {
    io.stderr.write(printable(`vpcwhy: ${err.message.replace(/\n?$/, '\n')}`));
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string };
  if (e && (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED')) return EXIT_OK;
  io.stderr.write(`vpcwhy: internal error: ${e?.message ?? String(err)}\n(please report this with the command you ran; set VPCWHY_DEBUG=1 for details)\n`);
  if (process.env.VPCWHY_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT_BAD_INPUT;
}
