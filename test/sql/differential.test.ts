/**
 * The DuckDB paths against the TypeScript engine, in process: `vpcwhy sql --dialect duckdb` run by DuckDB
 * and `explain --engine duckdb` must give every REJECT the verdict, traffic and blockedBy that
 * `vpcwhy explain` gives it (ref 8.2-8.9), and `explain --engine duckdb` the same bytes in every format.
 * Logs: the bundled example, generated logs of more than 100,000 records with every verdict
 * (bench/generate.ts), and the corpus flow-log samples.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe.skipIf(!HAS_DUCKDB)(duckTitle('explain --engine duckdb reads exactly the lines the default reader reads, or leaves the input to it (ref 1.3)'), () => {
  let dir = '';
  const lines = readFileSync(EXAMPLE_LOG, 'utf8').split('\n').filter((l) => l !== '');
  const acceptAt = lines.findIndex((l) => l.includes(' ACCEPT '));
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-duckedge-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Both engines on `text` (as a file): the same stdout and exit code; whether DuckDB left it to the default engine. */
  async function both(name: string, text: string, extra: string[] = []): Promise<{ fellBack: boolean; stderr: string }> {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const args = ['--snapshot', EXAMPLE_SNAPSHOT, '--format', 'jsonl', ...extra, file];
    const ts = await runCli(['explain', ...args]);
    const duck = await runCli(['explain', '--engine', 'duckdb', ...args]);
    expect(duck.stdout === ts.stdout, `${name}: the same JSONL as the default engine`).toBe(true);
    expect(duck.code).toBe(ts.code);
    return { fellBack: duck.stderr.includes('explained by the default engine'), stderr: duck.stderr };
  }

  const withAccept = (edit: (l: string) => string) => lines.map((l, i) => (i === acceptAt ? edit(l) : l)).join('\n') + '\n';

  it('numbers lines across blank lines as the reader does: trailing ones read, one before a record left to the default engine', async () => {
    expect((await both('trailing-blank.log', `${lines.join('\n')}\n\n\n`)).fellBack).toBe(false);
    const middle = await both('middle-blank.log', `${lines.slice(0, 4).join('\n')}\n\n${lines.slice(4).join('\n')}\n`);
    expect(middle.fellBack).toBe(true);
    expect(middle.stderr).toContain('a blank line before the last record');
  });

  it.each([
    ['an IPv4 address out of range', (l: string) => l.replace(/ 10\.0\.\d+\.\d+ /, ' 999.0.1.10 ')],
    ['a log-status that is not one', (l: string) => l.replace(/ OK$/, ' OKAY')],
    ['a tab between fields', (l: string) => l.replace(' ACCEPT ', '\tACCEPT ')],
    ['a port with a leading zero', (l: string) => l.replace(/ (\d+) (\d+) 6 /, ' 0$1 $2 6 ')],
    ['IPv6 with an embedded IPv4 address', (l: string) => l.replace(/ 10\.0\.(\d+)\.(\d+) /, ' ::ffff:10.0.$1.$2 ')],
  ])('leaves an ACCEPT line with %s to the default engine (never counts it as an ACCEPT the reader rejects)', async (_what, edit) => {
    const edited = withAccept(edit);
    expect(edited).not.toBe(`${lines.join('\n')}\n`);
    expect((await both(`accept-${acceptAt}-${_what.replace(/\W+/g, '-')}.log`, edited)).fellBack).toBe(true);
  });

  it('reads CRLF line ends, --interface and --all as the default engine does', async () => {
    await both('crlf.log', `${lines.join('\r\n')}\r\n`);
    const iid = /eni-\S+/.exec(lines[acceptAt]!)![0];
    expect((await both('interface.log', `${lines.join('\n')}\n`, ['--interface', iid])).fellBack).toBe(false);
    expect((await both('all.log', `${lines.join('\n')}\n`, ['--all'])).fellBack).toBe(false);
  });
});
