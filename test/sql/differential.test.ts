/**
 * The DuckDB paths against the TypeScript engine, in process: `vpcwhy sql --dialect duckdb` run by DuckDB
 * and `explain --engine duckdb` must give every REJECT the verdict, traffic and blockedBy that
 * `vpcwhy explain` gives it (ref 8.2-8.9), and `explain --engine duckdb` the same bytes in every format.
 * Logs: the bundled example, generated logs of more than 100,000 records with every verdict
 * (bench/generate.ts), and the corpus flow-log samples.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBenchData } from '../../bench/generate.js';
import { runCli } from '../cli/run-cli.js';
import { corpus, hasCorpus } from '../flowlog/helpers.js';
import { HAS_DUCKDB, deriveLogs, differences, duckTitle, explainOutcomes, sqlOutcomes } from './support.js';

const EXAMPLE_SNAPSHOT = 'examples/three-tier/snapshot';
const EXAMPLE_LOG = 'examples/three-tier/flows.log';

async function sameBytes(args: string[]): Promise<void> {
  for (const format of ['text', 'json', 'jsonl']) {
    const ts = await runCli(['explain', '--format', format, ...args]);
    const duck = await runCli(['explain', '--engine', 'duckdb', '--format', format, ...args]);
    expect(duck.code, duck.stderr).toBe(ts.code);
    expect(duck.stderr).not.toContain('note:');
    expect(duck.stdout === ts.stdout, `${format} output of --engine duckdb equals the default engine's`).toBe(true);
  }
}

describe.skipIf(!HAS_DUCKDB)(duckTitle('DuckDB and the TypeScript engine on the bundled example'), () => {
  it('gives every REJECT the same verdict, traffic and blockedBy in `vpcwhy sql --dialect duckdb` (ref 8.2)', async () => {
    const want = await explainOutcomes(EXAMPLE_SNAPSHOT, [EXAMPLE_LOG]);
    const got = await sqlOutcomes(EXAMPLE_SNAPSHOT, EXAMPLE_LOG);
    expect(want.size).toBeGreaterThan(5);
    expect(differences(got, want)).toEqual([]);
  });

  it('writes the same bytes with --engine duckdb, in text, json and jsonl', async () => {
    await sameBytes(['--snapshot', EXAMPLE_SNAPSHOT, EXAMPLE_LOG]);
    await sameBytes(['--all', '--snapshot', EXAMPLE_SNAPSHOT, EXAMPLE_LOG]);
  });
});

describe.skipIf(!HAS_DUCKDB)(duckTitle('DuckDB and the TypeScript engine on generated logs of 130,000 records'), () => {
  let dir = '';
  let snapshot = '';
  let logs = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-sql-'));
    const data = ensureBenchData({ outDir: path.join(dir, 'gen'), records: 100_000 });
    snapshot = data.snapshotDir;
    logs = path.join(dir, 'logs');
    deriveLogs(data.logFile, logs, 30_000);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees on every REJECT in `vpcwhy sql --dialect duckdb`, with every verdict present (ref 8.2-8.9)', async () => {
    const want = await explainOutcomes(snapshot, [logs]);
    const got = await sqlOutcomes(snapshot, logs);
    const verdicts = new Set([...want.values()].map((o) => o.verdict));
    expect([...verdicts].sort()).toEqual(['ambiguous', 'blocked', 'config-allows', 'unknown-interface']);
    const traffic = new Set([...want.values()].map((o) => o.traffic));
    expect([...traffic].sort()).toEqual(['request', 'response', 'unknown']);
    const components = new Set([...want.values()].map((o) => (o.blockedBy as { component?: string } | undefined)?.component ?? 'none'));
    expect([...components].sort()).toEqual(['block-public-access', 'network-acl', 'none', 'security-group']);
    expect(want.size).toBeGreaterThan(10_000);
    expect(got.size).toBe(want.size);
    expect(differences(got, want)).toEqual([]);
  }, 60_000);

  it('writes the same bytes with --engine duckdb (text, json, jsonl)', async () => {
    await sameBytes(['--snapshot', snapshot, logs]);
  }, 60_000);
});

/** Corpus samples DuckDB's strict CSV reader takes as they are (the others fall back to the default engine). */
const CORPUS_SAMPLES = [
  ['derived', 'awsdocs-flowlog-examples', 'default-format.log'],
  ['derived', 'awsdocs-flowlog-examples', 'nat-gateway.log'],
  ['derived', 'awsdocs-flowlog-examples', 'traffic-path-v5.log'],
  ['elastic-beats', 'vpcflow', 'accept-reject-traffic.log'],
  ['elastic-beats', 'vpcflow', 'ipv6.log'],
  ['elastic-beats', 'vpcflow', 'tcp-flag-sequence.log'],
  ['elastic-beats', 'vpcflow', 'no-data-skip-data.log'],
  ['elastic-integrations', 'vpcflow', 'test-extra-samples.log'],
] as const;

describe.skipIf(!HAS_DUCKDB || !hasCorpus('elastic-beats', 'vpcflow'))(duckTitle('DuckDB and the TypeScript engine on the corpus flow-log samples'), () => {
  it.each(CORPUS_SAMPLES.map((p) => ({ name: p.join('/'), file: corpus(...p) })))('agrees on $name (ref 1.9)', async ({ file }) => {
    await sameBytes(['--snapshot', EXAMPLE_SNAPSHOT, file]);
    await sameBytes(['--all', '--snapshot', EXAMPLE_SNAPSHOT, file]);
    const want = await explainOutcomes(EXAMPLE_SNAPSHOT, [file]);
    const got = await sqlOutcomes(EXAMPLE_SNAPSHOT, file);
    expect(got.size).toBe(want.size);
    expect(differences(got, want)).toEqual([]);
  });

  it('falls back to the default engine, with a note, for a sample DuckDB does not read strictly', async () => {
    const file = corpus('elastic-beats', 'vpcflow', 'bad.log');
    const ts = await runCli(['explain', '--snapshot', EXAMPLE_SNAPSHOT, file]);
    const duck = await runCli(['explain', '--engine', 'duckdb', '--snapshot', EXAMPLE_SNAPSHOT, file]);
    expect(duck.stdout).toBe(ts.stdout);
    expect(duck.code).toBe(ts.code);
    expect(duck.stderr).toContain('explained by the default engine');
  });
});
