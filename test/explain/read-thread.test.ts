import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputsAtLeast } from '../../src/explain/read-thread.js';

describe('inputsAtLeast (whether a read worker pays off)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-size-'));
  mkdirSync(path.join(dir, 'tree', 'deep'), { recursive: true });
  writeFileSync(path.join(dir, 'a.log'), 'x'.repeat(1000));
  writeFileSync(path.join(dir, 'tree', 'deep', 'b.log.gz'), 'x'.repeat(100));
  writeFileSync(path.join(dir, 'tree', 'c.log'), 'x'.repeat(300));

  it('adds file sizes, walking directories, gzip files counted 8 times', () => {
    const inputs = [path.join(dir, 'a.log'), path.join(dir, 'tree')];
    expect(inputsAtLeast(inputs, 1000 + 800 + 300)).toBe(true);
    expect(inputsAtLeast(inputs, 1000 + 800 + 301)).toBe(false);
    expect(inputsAtLeast([path.join(dir, 'tree')], 1100)).toBe(true);
    expect(inputsAtLeast([path.join(dir, 'tree')], 1101)).toBe(false);
  });

  it('counts a missing path as nothing (the reader reports it)', () => {
    expect(inputsAtLeast([path.join(dir, 'missing.log'), path.join(dir, 'a.log')], 1000)).toBe(true);
    expect(inputsAtLeast([path.join(dir, 'missing.log')], 1)).toBe(false);
  });
});
