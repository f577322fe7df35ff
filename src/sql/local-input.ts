/**
 * Local flow-log files as DuckDB reads them: the files in vpcwhy's order (flowlog/sources.ts
 * expandInputs: directories walked, hidden and metadata files left out), each one's kind, and the format
 * from the first file's header line (or --log-format, or the default format).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { type FlowLogFormat, DEFAULT_FORMAT, formatFromHeader, isHeaderLine } from '../flowlog/format.js';
import { expandInputs, sniffFile } from '../flowlog/sources.js';
import { E } from '../fp.js';

export interface LocalInput {
  readonly file: string;
  readonly kind: 'text' | 'gzip' | 'parquet';
  readonly header: boolean;
  readonly format: FlowLogFormat;
  readonly formatSource: 'header' | 'option' | 'default';
  /** Entries of walked directories not read (hidden, metadata, not files) just before this file. */
  readonly skippedBefore: readonly string[];
  readonly bytes: number;
}

export type LocalInputs =
  | { readonly ok: true; readonly files: readonly LocalInput[]; readonly skippedAfter: readonly string[] }
  | { readonly ok: false; readonly message: string };

async function firstLine(file: string, gzip: boolean): Promise<string> {
  const raw = createReadStream(file, { start: 0, end: gzip ? undefined : 1 << 16 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += chunk.toString('latin1');
      const nl = text.indexOf('\n');
      if (nl >= 0) return text.slice(0, nl).replace(/\r$/, '');
      if (text.length > 1 << 16) break;
    }
  } catch {
    // A truncated gzip member still has its first line.
  } finally {
    raw.destroy();
  }
  return text.replace(/\r$/, '');
}

/** The local files of `inputs`, or why DuckDB cannot read them (stdin, a missing path). */
export async function localInputs(inputs: readonly string[], given: FlowLogFormat | undefined): Promise<LocalInputs> {
  const files: LocalInput[] = [];
  let skipped: string[] = [];
  const source = given ? 'option' : 'default';
  for await (const item of expandInputs(inputs)) {
    if (item.kind === 'stdin') return { ok: false, message: 'stdin is not read by DuckDB' };
    if (item.kind === 'error') return { ok: false, message: `${item.path}: ${item.message}` };
    if (item.kind === 'skipped') {
      skipped.push(item.path);
      continue;
    }
    const magic = await sniffFile(item.path);
    const bytes = (await stat(item.path)).size;
    const skippedBefore = skipped;
    skipped = [];
    if (magic === 'parquet') {
      files.push({ file: item.path, kind: 'parquet', header: false, format: given ?? DEFAULT_FORMAT, formatSource: source, skippedBefore, bytes });
      continue;
    }
    const line = await firstLine(item.path, magic === 'gzip');
    const header = isHeaderLine(line);
    let format = given ?? DEFAULT_FORMAT;
    if (header) {
      const f = formatFromHeader(line, 'header line 1');
      if (E.isRight(f)) format = f.right;
    }
    files.push({ file: item.path, kind: magic === 'gzip' ? 'gzip' : 'text', header, format, formatSource: header ? 'header' : source, skippedBefore, bytes });
  }
  return { ok: true, files, skippedAfter: skipped };
}
