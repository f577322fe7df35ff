/**
 * What `npm pack` ships (issue 20 item 11): every `exports` entry (`.`, `./audit`, `./testing`) with its
 * types, the bin and the rule docs it reads, and nothing else a user does not need (no benchmark code, no
 * tests, no source maps without their sources). Run on the built tree (`npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertDistFresh } from '../dist-fresh.js';

interface Pkg {
  exports: Record<string, string | { types?: string; default?: string }>;
  bin: Record<string, string>;
  main: string;
  types: string;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Pkg;
let files: Set<string>;

beforeAll(() => {
  assertDistFresh('.', ['dist/src/index.js', 'dist/bundle/main.js']);
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
});

const rel = (p: string): string => p.replace(/^\.\//, '');

describe('npm pack', () => {
  it('ships ., ./audit and ./testing, each with its types, and the main, types and bin entries', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './audit', './package.json', './testing']);
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (key === './package.json') continue;
      expect(typeof target, key).toBe('object');
      const t = target as { types?: string; default?: string };
      expect(t.types, key).toMatch(/\.d\.ts$/);
      expect(files.has(rel(t.types!)), t.types).toBe(true);
      expect(files.has(rel(t.default!)), t.default).toBe(true);
    }
    for (const f of [pkg.main, pkg.types, ...Object.values(pkg.bin)]) expect(files.has(rel(f)), f).toBe(true);
  });

  it('ships the rule docs audit reads, the compiled rules, the read worker, README and NOTICE', () => {
    for (const f of ['rules/docs/blackhole-route.md', 'dist/rules/index.js', 'dist/bundle/read-worker.js', 'README.md', 'NOTICE', 'package.json']) expect(files.has(f), f).toBe(true);
  });

  it('ships no benchmark code, tests, TypeScript sources or source maps', () => {
    const unwanted = [...files].filter((f) => /^(dist\/)?(bench|test|examples|scripts)\//.test(f) || /\.map$/.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)));
    expect(unwanted).toEqual([]);
  });
});
