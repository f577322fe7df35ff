/** One fast-check seed source: every property file takes its run parameters from fcParams (fc-params.ts). */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('fast-check seeds', () => {
  it('every fc.assert runs with fcParams (the fixed FC_SEED, FC_RUNS_FACTOR, FC_PATH replay)', () => {
    const offenders: string[] = [];
    for (const f of testFiles(TEST)) {
      const s = readFileSync(f, 'utf8');
      const asserts = s.split('fc.assert(').length - 1;
      if (asserts === 0 || f.endsWith('fc-params.ts')) continue;
      if (/\bseed:\s/.test(s) || !s.includes('fcParams(')) offenders.push(path.relative(TEST, f));
    }
    expect(offenders).toEqual([]);
  });
});
