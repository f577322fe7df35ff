/** `--snapshot PATH` (repeatable): load and index, turning load errors into a UsageError. */
import { loadSnapshot, formatSnapshotLoadError } from '../aws/load-snapshot.js';
import { indexSnapshot, type SnapshotIndex } from '../engine/snapshot-index.js';
import { E } from '../fp.js';
import type { Warning } from '../model/warning.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { printable } from '../report/printable.js';

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function loadIndexedSnapshot(paths: readonly string[], opts: { quiet?: boolean; verbose?: boolean }, io: Pick<Io, 'stderr'>): Promise<SnapshotIndex> {
  if (paths.length === 0) throw new UsageError('--snapshot PATH is required (files or directories of `aws ec2 describe-*` JSON)');
  const result = await loadSnapshot(paths)();
  if (E.isLeft(result)) throw new UsageError(formatSnapshotLoadError(result.left));
  if (!opts.quiet) printWarnings(result.right.warnings, opts.verbose ?? false, io);
  const snap = result.right;
  if (snap.enis.length === 0 && snap.securityGroups.length === 0 && snap.networkAcls.length === 0 && snap.routeTables.length === 0) {
    // Not an error (a partial snapshot may be meant), but every answer will be "unknown": say why.
    io.stderr.write(`warning: ${paths.join(', ')}: no network interfaces, security groups, network ACLs or route tables found; are these \`aws ec2 describe-*\` outputs?\n`);
  }
  return indexSnapshot(snap);
}

export function printWarnings(warnings: readonly Warning[], all: boolean, io: Pick<Io, 'stderr'>): void {
  if (warnings.length === 0) return;
  const shown = all ? warnings : warnings.slice(0, 20);
  for (const w of shown) io.stderr.write(printable(`warning: ${w.source.file}: ${w.source.path ? `${w.source.path}: ` : ''}${w.message}\n`));
  if (warnings.length > shown.length) io.stderr.write(`warning: ... and ${warnings.length - shown.length} more warnings (--verbose lists them all)\n`);
}
