/**
 * explain reads local files on a worker thread (src/pipeline/read-thread.ts) in the built CLI. The worker
 * must not change anything a user sees: for every input and option set below, the built CLI's stdout,
 * stderr and exit code are the same with VPCWHY_READ_THREADS=2 (the worker, required) as with
 * VPCWHY_READ_THREADS=1 (one thread, the path the in-process tests cover).
 *
 * The worker exists only as compiled JavaScript, so these tests run dist/ (npm test builds it first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertDistFresh } from '../dist-fresh.js';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const WORKER = path.join(ROOT, 'dist', 'src', 'pipeline', 'read-worker.js');
/** The bundle the `vpcwhy` bin runs (scripts/bundle.mjs): the same code, one module graph. */
const BUNDLE = path.join(ROOT, 'dist', 'bundle', 'main.js');
const BUNDLE_WORKER = path.join(ROOT, 'dist', 'bundle', 'read-worker.js');
const SNAPSHOT = path.join(ROOT, 'examples', 'three-tier', 'snapshot');
const EXAMPLE_LOG = path.join(ROOT, 'examples', 'three-tier', 'flows.log');

let dir = '';

beforeAll(() => {
  assertDistFresh(ROOT, [WORKER, BUNDLE_WORKER]);
  dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-read-worker-'));
  const lines = readFileSync(EXAMPLE_LOG, 'utf8').trim().split('\n');
  // Many batches (4,096 records each) and every credit of the worker used: the example's lines with ports varied.
  const many: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    const t = lines[i % lines.length]!.split(' ');
    t[5] = String(1024 + ((i * 7919) % 60000));
    many.push(t.join(' '));
  }
  writeFileSync(path.join(dir, 'many.log'), `${many.join('\n')}\n`);
  // A header naming the columns (S3 delivery), gzipped, with tcp-flags and flow-direction.
  const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction';
  const custom = lines.map((l, i) => `${l} ${i % 2 ? 2 : 18} ${i % 3 ? 'ingress' : 'egress'}`);
  writeFileSync(path.join(dir, 'custom.log.gz'), gzipSync(`${header}\n${custom.join('\n')}\n`));
  // Bad lines of every kind, a JSON-wrapped line, a non-ASCII line, CRLF.
  writeFileSync(
    path.join(dir, 'bad.log'),
    [lines[0], 'garbage', `${lines[2]!.replace(' 22 ', ' 70000 ')}`, `{"message": "${lines[3]}"}`, `${lines[4]} \u00e9`, `${lines[5]}\r`, lines[6], ''].join('\n'),
  );
  // Good and bad lines interleaved, past the worker's batch sizes.
  writeFileSync(path.join(dir, 'mixed.log'), `${many.slice(0, 12_000).map((l, i) => (i % 3 === 1 ? `junk ${i}` : l)).join('\n')}\n`);
  // A gzip cut short: the records before the damage, then an error naming the file.
  const gz = gzipSync(`${many.slice(0, 5000).join('\n')}\n`);
  writeFileSync(path.join(dir, 'truncated.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
  mkdirSync(path.join(dir, 'tree', 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'tree', 'sub', 'a.log'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'tree', '.hidden.log'), 'not read\n');
});

function run(threads: '1' | '2', args: string[], cli = CLI) {
  const r = spawnSync(process.execPath, [cli, 'explain', '--snapshot', SNAPSHOT, ...args], {
    cwd: dir,
    env: { ...process.env, VPCWHY_READ_THREADS: threads },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CASES: Array<[string, string[]]> = [
  ['every kind of input, jsonl', ['--format', 'jsonl', 'many.log', 'custom.log.gz', 'bad.log', 'truncated.log.gz', 'tree', 'missing.log']],
  ['every kind of input, --all, json', ['--all', '--format', 'json', 'many.log', 'custom.log.gz', 'bad.log', 'tree']],
  ['--strict stops at the first bad line', ['--strict', '--format', 'jsonl', 'many.log', 'bad.log', 'custom.log.gz']],
  ['--interface, text', ['--interface', 'eni-0web100000000001', 'many.log', 'custom.log.gz', 'bad.log']],
  ['good and bad lines interleaved', ['--format', 'jsonl', 'mixed.log', 'bad.log']],
  ['a --log-format that makes every line bad (many bad lines per message)', ['--format', 'jsonl', '--log-format', '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}', 'many.log', 'mixed.log']],
  ['--log-format for files without a header', ['--format', 'jsonl', '--log-format', '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}', 'many.log', 'custom.log.gz']],
];

describe('explain reads local files on a worker thread without changing its output (built CLI)', () => {
  it.each(CASES)('%s: same stdout, stderr and exit code as one thread', (_name, args) => {
    const one = run('1', args);
    const two = run('2', args);
    expect(two.code).toBe(one.code);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout.length + one.stderr.length).toBeGreaterThan(1000);
  });

  it('the bundled CLI (the bin) finds its worker and writes the same as the compiled sources on one thread', () => {
    const args = CASES[0]![1];
    const one = run('1', args);
    const bundled = run('2', args, BUNDLE);
    expect(bundled.code).toBe(one.code);
    expect(bundled.stderr).toBe(one.stderr);
    expect(bundled.stdout).toBe(one.stdout);
  });

  it('explains the records of a truncated gzip before the damage, then names the file (ref: issue 3, sources)', () => {
    const r = run('2', ['--format', 'jsonl', 'truncated.log.gz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: truncated\.log\.gz: /);
    expect(r.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(100);
  });
});
