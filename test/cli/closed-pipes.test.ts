/**
 * The built bin when its reader goes away early (`vpcwhy ... | head`, `vpcwhy ... 2>&1 | head`): a closed
 * stdout ends the run quietly with 0, and a closed stderr leaves the exit code the run would have had.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/bundle/main.js');
const EXAMPLE = path.join(ROOT, 'examples/three-tier');
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bin with one of its output pipes closed after the first chunk read from it. */
function runClosing(args: string[], closing: 'stdout' | 'stderr'): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', closing === 'stdout' ? 'pipe' : 'ignore', closing === 'stderr' ? 'pipe' : 'ignore'] });
    const pipe = closing === 'stdout' ? child.stdout! : child.stderr!;
    pipe.once('data', () => pipe.destroy());
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe('closed output pipes', () => {
  it('ends with 0 when stdout is closed early, however much output is left', async () => {
    // Enough records that the output outlasts the first chunk read.
    const lines = Array.from({ length: 20_000 }, (_, i) => `2 123456789012 eni-0web100000000001 198.51.100.7 10.0.1.10 ${40000 + (i % 1000)} 22 6 1 40 1700000000 1700000060 REJECT OK`);
    const log = path.join(dir, 'many.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    expect(await runClosing(['explain', '--snapshot', path.join(EXAMPLE, 'snapshot'), '--format', 'jsonl', log], 'stdout')).toBe(0);
  });

  it('keeps exit code 2 for a bad snapshot when stderr is closed while its 200,000 problems are written', async () => {
    const snap = path.join(dir, 'bad-snapshot');
    mkdirSync(snap);
    writeFileSync(path.join(snap, 'enis.json'), JSON.stringify({ NetworkInterfaces: new Array<number>(200_000).fill(1) }));
    expect(await runClosing(['explain', '--snapshot', snap, path.join(EXAMPLE, 'flows.log')], 'stderr')).toBe(2);
  });
});
