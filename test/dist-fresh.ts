/**
 * Tests that run compiled code (the read worker, the bundle) first check that dist/ is at least as new as
 * src/, so a stale build fails loudly instead of testing old code.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Throws when any of `built` is missing or older than the newest file under `<root>/src`. */
export function assertDistFresh(root: string, built: readonly string[]): void {
  const newest = newestSource(path.join(root, 'src'));
  if (built.some((f) => (statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0) < newest)) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` (npm test does it first)');
  }
}
