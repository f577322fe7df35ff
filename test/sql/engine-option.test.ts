/**
 * `explain --engine` without DuckDB (VPCWHY_NO_DUCKDB=1 stands for @duckdb/node-api not installed): a clear
 * usage error for --engine duckdb, the default engine for auto, and a usage error for an unknown engine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const ARGS = ['--snapshot', 'examples/three-tier/snapshot', '--format', 'jsonl', 'examples/three-tier/flows.log'];

describe('explain --engine when DuckDB is not installed', () => {
  beforeEach(() => {
    process.env['VPCWHY_NO_DUCKDB'] = '1';
  });
  afterEach(() => {
    delete process.env['VPCWHY_NO_DUCKDB'];
  });

  it('--engine duckdb: a one-line usage error naming the optional dependency (exit 2)', async () => {
    const r = await runCli(['explain', '--engine', 'duckdb', ...ARGS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('DuckDB is not installed: --engine duckdb needs the optional dependency @duckdb/node-api');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--engine auto: the default engine, the same output, no message', async () => {
    const ts = await runCli(['explain', ...ARGS]);
    const auto = await runCli(['explain', '--engine', 'auto', ...ARGS]);
    expect(auto.code).toBe(ts.code);
    expect(auto.stdout).toBe(ts.stdout);
    expect(auto.stderr).toBe(ts.stderr);
  });

  it('an unknown engine is a usage error', async () => {
    const r = await runCli(['explain', '--engine', 'spark', ...ARGS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--engine: expected ts, duckdb or auto, got "spark"');
  });
});
