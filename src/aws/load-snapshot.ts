/**
 * Loads a snapshot from files and directories of describe-* JSON (`--snapshot PATH`, repeatable).
 *
 * - A directory is walked recursively, entries sorted (code-point order) for determinism; only `*.json`
 *   files are read, other files are skipped with a warning, dot-files and dot-directories silently.
 * - A file named explicitly is read whatever its extension; if it is not JSON that is an error.
 * - Dispatch is on top-level keys, never on file names (see decode/document.ts).
 * - A region-named directory (Batfish `aws_configs/<region>/`, `accounts/<acct>/<region>/`) or a
 *   `-<region>.json` file-name suffix sets Vpc.region for VPCs that name none.
 * - Every problem of every file is reported together; nothing stops at the first.
 */
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { E } from '../fp.js';
import type { Either, TaskEither } from '../fp.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Warning } from '../model/warning.js';
import { DecodeContext, type Problem } from './decode/common.js';
import { type DocumentContents, readDocument } from './decode/document.js';
import { decodeJsonBytes, parseJsonText } from './decode/json-text.js';
import { mergeDocuments } from './decode/merge.js';
import { pushAll } from '../arrays.js';

export type { Problem as SnapshotProblem } from './decode/common.js';

export interface SnapshotLoadError {
  readonly _tag: 'SnapshotLoadError';
  readonly problems: readonly Problem[];
}

export function snapshotLoadError(problems: readonly Problem[]): SnapshotLoadError {
  return { _tag: 'SnapshotLoadError', problems };
}

/** One line per problem: `file: JSON.path: message` (the path is left out for whole-file problems). */
export function formatSnapshotLoadError(e: SnapshotLoadError): string {
  const n = e.problems.length;
  const head = `cannot load the snapshot: ${n} problem${n === 1 ? '' : 's'}`;
  const lines = e.problems.map((p) => `  ${formatProblem(p)}`);
  return [head, ...lines].join('\n');
}

export function formatProblem(p: Problem): string {
  return p.path === '' ? `${p.file}: ${p.message}` : `${p.file}: ${p.path}: ${p.message}`;
}

/** A JSON value already parsed, with the file it came from (for SourceRefs and messages). */
export interface SnapshotDocument {
  readonly file: string;
  readonly json: unknown;
  /** The region of the file's directory, if any; applies to VPCs without one. */
  readonly region?: string;
}

export interface DecodeDocumentsOptions {
  /** Warnings found before decoding (skipped files), kept first in the snapshot's warnings. */
  readonly warnings?: readonly Warning[];
  /** Problems found before decoding (unreadable files, invalid JSON); reported with the decoding ones. */
  readonly problems?: readonly Problem[];
}

/**
 * Decodes parsed documents into one Snapshot. Pure and total: never throws, whatever the values are;
 * returns every problem of every document, or the snapshot with its warnings.
 */
export function decodeSnapshotDocuments(
  docs: readonly SnapshotDocument[],
  options: DecodeDocumentsOptions = {},
): Either<SnapshotLoadError, Snapshot> {
  const problems: Problem[] = [...(options.problems ?? [])];
  const warnings: Warning[] = [...(options.warnings ?? [])];
  const contents: DocumentContents[] = [];
  for (const doc of docs) {
    const ctx = new DecodeContext(doc.file, doc.region);
    try {
      contents.push(readDocument(ctx, doc.json));
    } catch (e) {
      ctx.error('', `internal error while decoding: ${e instanceof Error ? e.message : String(e)}`);
    }
    pushAll(problems, ctx.problems);
    pushAll(warnings, ctx.warnings);
  }
  if (problems.length > 0) return E.left(snapshotLoadError(problems));
  const directoryRegions = uniqueStrings(docs.flatMap((d) => (d.region === undefined ? [] : [d.region])));
  try {
    return E.right(
      mergeDocuments({ contents, warnings, files: uniqueStrings(docs.map((d) => d.file)), directoryRegions }),
    );
  } catch (e) {
    return E.left(
      snapshotLoadError([{ file: '', path: '', message: `internal error while merging: ${e instanceof Error ? e.message : String(e)}` }]),
    );
  }
}

/** Loads and decodes the given files and directories. */
export function loadSnapshot(paths: readonly string[]): TaskEither<SnapshotLoadError, Snapshot> {
  return () =>
    loadSnapshotAsync(paths).catch((e: unknown) =>
      E.left(
        snapshotLoadError([{ file: '', path: '', message: `internal error while loading: ${e instanceof Error ? e.message : String(e)}` }]),
      ),
    );
}

const REGION = /^[a-z]{2}(-(gov|iso|isob|isoe|isof))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;

export function isRegionName(s: string): boolean {
  return REGION.test(s);
}

/**
 * The region a file belongs to, from its directories (deepest first) or a `-<region>.json` suffix of its
 * name (Batfish `NetworkAcls-us-west-2.json`). `dirs` are the directory names to consider.
 */
export function regionFromPath(dirs: readonly string[], fileName: string): string | undefined {
  const stem = fileName.replace(/\.[^.]*$/, '');
  const m = /-([a-z]{2}(?:-(?:gov|iso|isob|isoe|isof))?-[a-z]+-\d{1,2})$/.exec(stem);
  if (m?.[1] !== undefined && isRegionName(m[1])) return m[1];
  for (let i = dirs.length - 1; i >= 0; i--) {
    const d = dirs[i];
    if (d !== undefined && isRegionName(d)) return d;
  }
  return undefined;
}

interface Candidate {
  /** The path as shown in messages and SourceRefs: the user's path, joined with the walk. */
  readonly file: string;
  readonly region: string | undefined;
}

function errnoMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = String((e as { code: unknown }).code);
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return `cannot read (${code})`;
  }
  return `cannot read (${e instanceof Error ? e.message : String(e)})`;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function walk(
  dir: string,
  dirNames: readonly string[],
  out: Candidate[],
  warnings: Warning[],
  problems: Problem[],
  seenDirs: Set<string>,
): Promise<void> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    problems.push({ file: dir, path: '', message: errnoMessage(e) });
    return;
  }
  if (seenDirs.has(real)) return; // symlink cycle
  seenDirs.add(real);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort(byCodePoint);
  } catch (e) {
    problems.push({ file: dir, path: '', message: errnoMessage(e) });
    return;
  }
  for (const name of names) {
    const full = nodePath.join(dir, name);
    if (name.startsWith('.')) {
      warnings.push({ source: { file: full, path: '' }, message: 'hidden; not read (give it by name to read it)' });
      continue;
    }
    let stat;
    try {
      stat = await fs.stat(full);
    } catch (e) {
      warnings.push({ source: { file: full, path: '' }, message: `skipped: ${errnoMessage(e)}` });
      continue;
    }
    if (stat.isDirectory()) {
      await walk(full, [...dirNames, name], out, warnings, problems, seenDirs);
    } else if (stat.isFile()) {
      if (name.toLowerCase().endsWith('.json')) out.push({ file: full, region: regionFromPath(dirNames, name) });
      else warnings.push({ source: { file: full, path: '' }, message: 'not a .json file; skipped' });
    }
  }
}

async function loadSnapshotAsync(paths: readonly string[]): Promise<Either<SnapshotLoadError, Snapshot>> {
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  if (paths.length === 0) {
    return E.left(snapshotLoadError([{ file: '', path: '', message: 'no snapshot files or directories given' }]));
  }
  const candidates: Candidate[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch (e) {
      problems.push({ file: p, path: '', message: errnoMessage(e) });
      continue;
    }
    const resolved = nodePath.resolve(p);
    if (stat.isDirectory()) {
      await walk(p, [nodePath.basename(resolved)], candidates, warnings, problems, new Set());
    } else {
      candidates.push({ file: p, region: regionFromPath([nodePath.basename(nodePath.dirname(resolved))], nodePath.basename(p)) });
    }
  }

  // The same file reached twice (a directory and a file inside it, or symlinks) is read once.
  const seen = new Set<string>();
  const unique: Candidate[] = [];
  for (const c of candidates) {
    let key: string;
    try {
      key = await fs.realpath(c.file);
    } catch {
      key = nodePath.resolve(c.file);
    }
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(c);
  }

  const texts = await mapLimited(unique, READ_CONCURRENCY, async (c) => {
    try {
      return { c, text: decodeJsonBytes(await fs.readFile(c.file)) };
    } catch (e) {
      return { c, error: errnoMessage(e) };
    }
  });

  const docs: SnapshotDocument[] = [];
  for (const t of texts) {
    if (t.error !== undefined || t.text === undefined) {
      problems.push({ file: t.c.file, path: '', message: t.error ?? 'cannot read' });
      continue;
    }
    if (t.text.trim() === '') {
      warnings.push({ source: { file: t.c.file, path: '' }, message: 'empty file; skipped' });
      continue;
    }
    const parsed = parseJsonText(t.text);
    if (E.isLeft(parsed)) {
      const { line, column, message } = parsed.left;
      problems.push({ file: t.c.file, path: '', message: `invalid JSON at line ${line}, column ${column}: ${message}` });
      continue;
    }
    docs.push({ file: t.c.file, json: parsed.right, ...(t.c.region !== undefined ? { region: t.c.region } : {}) });
  }
  const result = decodeSnapshotDocuments(docs, { warnings, problems });
  if (E.isRight(result)) return result;
  // Report in file order (read failures were collected before the decoding problems).
  const order = new Map(unique.map((c, i) => [c.file, i]));
  const rank = (p: Problem): number => order.get(p.file) ?? -1;
  return E.left(snapshotLoadError([...result.left.problems].sort((a, b) => rank(a) - rank(b))));
}

/** Files read at once: enough to overlap I/O, few enough not to run out of file descriptors. */
const READ_CONCURRENCY = 16;

/** `Promise.all(items.map(f))` with at most `limit` calls in flight; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function uniqueStrings(values: readonly string[]): string[] {
  return [...new Set(values)];
}
