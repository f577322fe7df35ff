/** The committed outputs in examples/three-tier/ are what the CLI prints today (the READMEs quote them). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const SNAP = 'examples/three-tier/snapshot';

describe('examples/three-tier outputs are current', () => {
  it('explain-output.txt', async () => {
    const r = await runCli(['explain', '--snapshot', SNAP, 'examples/three-tier/flows.log']);
    expect(r.stdout).toBe(readFileSync('examples/three-tier/explain-output.txt', 'utf8'));
  });

  it('trace-app-to-internet.txt', async () => {
    const r = await runCli(['trace', '--snapshot', SNAP, '--from', 'eni-0app100000000003', '--to', '203.0.113.5', '--protocol', 'tcp', '--port', '443']);
    expect(r.stdout).toBe(readFileSync('examples/three-tier/trace-app-to-internet.txt', 'utf8'));
  });
});
