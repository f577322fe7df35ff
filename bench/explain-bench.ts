/**
 * End-to-end throughput of `vpcwhy explain`, both engines side by side (issue 17). Not a test.
 *
 *   npm run bench                                  (build, then node dist/bench/explain-bench.js)
 *   VPCWHY_BENCH_RECORDS=100000 npm run bench      (a quick run; default 1,000,000 records)
 *   npm run bench:flat                             (also the log five times over: peak RSS must stay flat)
 *
 * Environment:
 *   VPCWHY_BENCH_RECORDS  flow-log records to generate (default 1000000)
 *   VPCWHY_BENCH_SIZES    comma-separated sizes instead (10000,100000,1000000: which engine wins from which size)
 *   VPCWHY_BENCH_FLAT     1: also the VPCWHY_BENCH_RECORDS log written five times over (5M records by default)
 *   VPCWHY_BENCH_ENGINES  ts, duckdb or ts,duckdb (default; duckdb only when @duckdb/node-api is installed)
 *   VPCWHY_BENCH_OUT      data directory (default bench/out/, git-ignored; data is reused when unchanged)
 *   VPCWHY_BENCH_SEED     generator seed (default 1)
 *   VPCWHY_BENCH_RUNS     timed runs per engine, alternating between the engines; the fastest is reported (default 1)
 *   VPCWHY_BENCH_PROFILE  1: runs the TypeScript engine under `node --cpu-prof` (empty log, full log), summarised
 *   VPCWHY_BENCH_SPLIT    1: also time each engine on the REJECT lines alone and on the other lines alone
 *
 * Generates (or reuses, see generate.ts) a snapshot and a flow log, then runs the built CLI as a child
 * process per engine, `node dist/bundle/main.js explain --snapshot <dir> --format jsonl [--engine duckdb]
 * <log>` (the bin), stdout to /dev/null, measuring wall time and peak RSS (GNU /usr/bin/time -f %M when
 * present, else the child's own process.resourceUsage().maxRSS written at exit by a --require hook), so
 * each engine's RSS is its own. The yardstick is DuckDB's own `count(*) ... WHERE action = 'REJECT'` over
 * the same file, in its own process too (duckdb-count.ts, fastest of 3); each engine's time is given as a
 * multiple of it. Without DuckDB installed the bench says so and measures the TypeScript engine against
 * `grep -c REJECT`. A counting run per engine (stdout piped) checks exit 0, one JSONL line per REJECT record
 * and, with both engines, the same bytes (SHA-256). The last line printed is the one-line summary.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { loadDuckDb } from '../src/sql/duckdb.js';
import { defaultOutDir, ensureBenchData } from './generate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What the `vpcwhy` bin runs: the bundle of the compiled CLI (scripts/bundle.mjs). */
const CLI = path.join(ROOT, 'dist', 'bundle', 'main.js');
/** DuckDB's own count of the REJECT records (duckdb-count.ts), the yardstick. */
const YARDSTICK = path.join(ROOT, 'dist', 'bench', 'duckdb-count.js');
const GNU_TIME = '/usr/bin/time';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const RECORDS = envInt('VPCWHY_BENCH_RECORDS', 1_000_000);
const SEED = envInt('VPCWHY_BENCH_SEED', 1);
const RUNS = envInt('VPCWHY_BENCH_RUNS', 1);
const PROFILE = process.env['VPCWHY_BENCH_PROFILE'] === '1';
const SPLIT = process.env['VPCWHY_BENCH_SPLIT'] === '1';
const FLAT = process.env['VPCWHY_BENCH_FLAT'] === '1';
const OUT = path.resolve(process.env['VPCWHY_BENCH_OUT'] ?? defaultOutDir());

function hasGnuTime(): boolean {
  try {
    accessSync(GNU_TIME, constants.X_OK);
  } catch {
    return false;
  }
  return true;
}

const USE_GNU_TIME = hasGnuTime();

interface RunResult {
  readonly seconds: number;
  /** Peak resident set size of the explain process, KiB (null when it could not be read). */
  readonly maxRssKb: number | null;
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  /** With countOutput: lines written to stdout, and tallies of verdicts and blocking components. */
  readonly lines: number;
  readonly bytes: number;
  /** With countOutput: the start of stdout, and the SHA-256 of all of it. */
  readonly stdout: string;
  readonly sha256: string;
  readonly verdicts: Map<string, number>;
  readonly blockers: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Runs `node [nodeArgs] dist/bundle/main.js <args>` and measures it. */
function runExplain(args: readonly string[], opts: { countOutput?: boolean; nodeArgs?: readonly string[]; script?: string } = {}): Promise<RunResult> {
  const rssFile = path.join(OUT, `.maxrss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const nodeArgs = [...(opts.nodeArgs ?? [])];
  let cmd: string;
  let argv: string[];
  if (USE_GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs, opts.script ?? CLI, ...args];
  } else {
    const hook = path.join(OUT, '.maxrss-hook.cjs');
    writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.VPCWHY_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
    cmd = process.execPath;
    argv = ['--require', hook, ...nodeArgs, opts.script ?? CLI, ...args];
  }
  const devNull = opts.countOutput ? null : openSync('/dev/null', 'w');
  const verdicts = new Map<string, number>();
  const blockers = new Map<string, number>();
  let lines = 0;
  let bytes = 0;
  let stderr = '';
  let stdout = '';
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, {
      stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
      env: { ...process.env, VPCWHY_BENCH_RSS_FILE: rssFile },
    });
    if (devNull !== null) closeSync(devNull);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < 100_000) stderr += s;
    });
    if (opts.countOutput) {
      let rest = '';
      const decoder = new StringDecoder('utf8');
      child.stdout!.on('data', (buf: Buffer) => {
        bytes += buf.length;
        hash.update(buf);
        if (stdout.length < 1000) stdout += buf.toString('utf8', 0, Math.min(buf.length, 1000));
        const text = rest + decoder.write(buf);
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          lines++;
          const line = text.slice(start, nl);
          const verdict = /"verdict":"([a-z-]+)"/.exec(line)?.[1] ?? '(none)';
          bump(verdicts, verdict);
          // Only the top-level blockedBy: ambiguous records carry one per candidate.
          const b = verdict === 'blocked' ? /"blockedBy":\{"component":"([a-z-]+)"/.exec(line) : null;
          if (b?.[1]) bump(blockers, b[1]);
          start = nl + 1;
        }
        rest = text.slice(start);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - t0) / 1000;
      let maxRssKb: number | null = null;
      try {
        // GNU time may write "Command exited with non-zero status N" first; the figure is on the last line.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
        const n = Number(last.trim());
        if (Number.isFinite(n) && last.trim() !== '') maxRssKb = n;
      } catch {
        /* not written: the child died before exit */
      }
      rmSync(rssFile, { force: true });
      resolve({ seconds, maxRssKb, code, signal, stderr, stdout, lines, bytes, sha256: hash.digest('hex'), verdicts, blockers });
    });
  });
}

function runGrep(file: string): Promise<{ seconds: number; count: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('grep', ['-c', 'REJECT', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0 && code !== 1) reject(new Error(`grep -c REJECT exited with ${code}`));
      else resolve({ seconds, count: Number(out.trim()) });
    });
  });
}

/** Writes the REJECT lines and the other lines of `file` apart, unless both are newer than it. */
async function splitLog(file: string, rejects: string, others: string): Promise<void> {
  const mtime = statSync(file).mtimeMs;
  if ([rejects, others].every((f) => existsSync(f) && statSync(f).mtimeMs >= mtime)) return;
  const a = openSync(`${rejects}.tmp`, 'w');
  const b = openSync(`${others}.tmp`, 'w');
  try {
    let rest = '';
    const decoder = new StringDecoder('latin1');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const end = text.lastIndexOf('\n') + 1;
      rest = text.slice(end);
      const ra: string[] = [];
      const rb: string[] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && nl < end; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl + 1);
        (line.includes('REJECT') ? ra : rb).push(line);
        start = nl + 1;
      }
      writeSync(a, ra.join(''), null, 'latin1');
      writeSync(b, rb.join(''), null, 'latin1');
    }
    if (rest) writeSync(rest.includes('REJECT') ? a : b, rest, null, 'latin1');
  } finally {
    closeSync(a);
    closeSync(b);
  }
  renameSync(`${rejects}.tmp`, rejects);
  renameSync(`${others}.tmp`, others);
}

function lineCount(file: string): number {
  const buf = readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// CPU profile summary

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  let u = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (u.startsWith(ROOT + path.sep)) u = path.relative(ROOT, u);
  u = u.replace(/^node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, 'node_modules/');
  return u;
}

function frameKey(n: ProfileNode): string {
  const f = n.callFrame;
  const name = f.functionName || (f.url ? '(anonymous)' : '');
  if (!f.url) return name; // (garbage collector), (program), (idle), (root)
  return `${name} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
}

function summarizeProfile(file: string, rows: number): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Duration of sample i: the gap to the next sample (DevTools' convention); microseconds.
  const selfByKey = new Map<string, number>();
  const totalByKey = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let total = 0;
  const n = prof.samples.length;
  for (let i = 0; i < n; i++) {
    const dt = i + 1 < n ? prof.timeDeltas[i + 1]! : 0;
    if (dt <= 0) continue;
    const id = prof.samples[i]!;
    const node = byId.get(id);
    if (!node) continue;
    total += dt;
    const key = frameKey(node);
    selfByKey.set(key, (selfByKey.get(key) ?? 0) + dt);
    const fileKey = node.callFrame.url ? shortUrl(node.callFrame.url) : key;
    selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = frameKey(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      totalByKey.set(k, (totalByKey.get(k) ?? 0) + dt);
    }
  }
  const fmt = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const top = (m: Map<string, number>, k: number, filter: (key: string) => boolean = () => true) =>
    [...m.entries()]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, k);
  const out: string[] = [`profile: ${file} (${(total / 1e6).toFixed(2)} s sampled)`];
  out.push('  top self time, by function:');
  for (const [k, v] of top(selfByKey, rows)) out.push(`    ${fmt(v)}  ${k}`);
  out.push('  top self time, by file:');
  for (const [k, v] of top(selfByFile, Math.min(rows, 15))) out.push(`    ${fmt(v)}  ${k}`);
  out.push("  top total (inclusive) time, vpcwhy's own functions:");
  for (const [k, v] of top(totalByKey, rows, (key) => key.includes(' dist/src/') || key.includes(' dist/bundle/'))) out.push(`    ${fmt(v)}  ${k}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const mb = (kb: number | null) => (kb === null ? 'n/a' : `${Math.round(kb / 1024)}`);
const fmtN = (n: number) => n.toLocaleString('en-US');

function tally(m: Map<string, number>): string {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmtN(v)}`)
    .join(', ');
}

function failed(r: RunResult): boolean {
  return r.code !== 0;
}

function describeFailure(label: string, r: RunResult): string {
  const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  return `${label}: FAILED (${why})${r.stderr ? `\n${r.stderr.trimEnd().split('\n').slice(-15).join('\n')}` : ''}`;
}

/** Whether @duckdb/node-api (the optional dependency) loads in this Node.js (VPCWHY_NO_DUCKDB=1: as if not). */
async function duckDbInstalled(): Promise<boolean> {
  return (await loadDuckDb()) !== null;
}

/** `file` written `times` times over into `target`, unless that is already there and newer. */
function repeatLog(file: string, target: string, times: number): void {
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs && statSync(target).size === times * statSync(file).size) return;
  const buf = readFileSync(file);
  const fd = openSync(`${target}.tmp`, 'w');
  try {
    for (let i = 0; i < times; i++) writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  renameSync(`${target}.tmp`, target);
}

interface BenchInput {
  readonly label: string;
  readonly file: string;
  readonly records: number;
  readonly rejects: number;
}

interface EngineFigures {
  readonly best: RunResult;
  readonly counted: RunResult;
}

const secs = (s: number) => `${s.toFixed(s < 1 ? 3 : 2)} s`;
const rate = (records: number, s: number) => fmtN(Math.round(records / s));

/**
 * One input: RUNS rounds of (yardstick, ts, duckdb), alternating so that a change in the machine's load
 * meets every engine alike, the fastest of each kept; then a counting run of each engine (stdout piped,
 * lines and SHA-256) to check one JSONL line per REJECT and the same bytes from both engines.
 */
async function benchInput(input: BenchInput, args: readonly string[], engines: ReadonlyArray<'ts' | 'duckdb'>, yardstick: boolean): Promise<{ ok: boolean; yard: RunResult | null; figures: Map<string, EngineFigures | null> }> {
  let ok = true;
  const bestOf = new Map<string, RunResult | null>();
  const keep = (key: string, r: RunResult) => {
    const b = bestOf.get(key);
    if (failed(r)) {
      console.log(describeFailure(`${input.label}: ${key}`, r));
      ok = false;
      bestOf.set(key, null);
    } else if (b !== null && (b === undefined || r.seconds < b.seconds)) bestOf.set(key, r);
  };
  const engineArgs = (e: string) => [...args, ...(e === 'duckdb' ? ['--engine', 'duckdb'] : []), input.file];
  for (let i = 0; i < Math.max(RUNS, yardstick ? 3 : 1); i++) {
    if (yardstick) keep('yardstick', await runExplain([input.file], { script: YARDSTICK, countOutput: true }));
    if (i >= RUNS) continue;
    for (const e of engines) keep(e, await runExplain(engineArgs(e)));
  }
  const yard = bestOf.get('yardstick') ?? null;
  if (yard && Number(yard.stdout.trim()) !== input.rejects) {
    console.log(`${input.label}: yardstick counted ${yard.stdout.trim()} REJECT records, the generator wrote ${input.rejects}`);
    ok = false;
  }
  const figures = new Map<string, EngineFigures | null>();
  for (const e of engines) {
    const best = bestOf.get(e) ?? null;
    const counted = best ? await runExplain(engineArgs(e), { countOutput: true }) : null;
    if (!best || !counted || failed(counted)) {
      if (counted) console.log(describeFailure(`${input.label}: ${e} (counting run)`, counted));
      ok = false;
      figures.set(e, null);
      continue;
    }
    if (counted.lines !== input.rejects) {
      console.log(`${input.label}: ${e} wrote ${fmtN(counted.lines)} JSONL lines for ${fmtN(input.rejects)} REJECT records: MISMATCH`);
      ok = false;
    }
    if (counted.stderr.trim() !== '') console.log(`${input.label}: ${e} stderr: ${counted.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
    figures.set(e, { best, counted });
  }
  const ts = figures.get('ts');
  const duck = figures.get('duckdb');
  if (ts && duck) {
    const same = ts.counted.sha256 === duck.counted.sha256;
    if (!same) ok = false;
    console.log(`${input.label}: check: ${fmtN(ts.counted.lines)} JSONL lines (${(ts.counted.bytes / 2 ** 20).toFixed(0)} MiB) from each engine for ${fmtN(input.rejects)} REJECT records; ${same ? 'the same bytes (SHA-256)' : 'OUTPUTS DIFFER'}`);
  } else if (ts) {
    console.log(`${input.label}: check: ${fmtN(ts.counted.lines)} JSONL lines for ${fmtN(input.rejects)} REJECT records${ts.counted.lines === input.rejects ? ', one per REJECT' : ''}`);
  }
  return { ok, yard, figures };
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: build first (npm run build)`);
  mkdirSync(OUT, { recursive: true });

  const data = ensureBenchData({ outDir: OUT, records: RECORDS, seed: SEED, log: (m) => console.log(m) });
  const s = data.snapshot;
  const l = data.log;
  const logBytes = statSync(data.logFile).size;
  console.log(
    `data: ${data.reused.snapshot ? 'reused' : 'generated'} snapshot ${path.relative(ROOT, data.snapshotDir)} (${s.vpcs} VPCs, ${s.subnets} subnets, ${fmtN(s.enis)} ENIs, ${s.securityGroups} security groups, ${s.networkAcls} NACLs / ${s.naclEntries} entries, ${s.prefixLists} prefix lists, ${s.routeTables} route tables)`,
  );
  console.log(
    `data: ${data.reused.log ? 'reused' : 'generated'} flow log ${path.relative(ROOT, data.logFile)} (${fmtN(l.records)} records, ${(logBytes / 2 ** 20).toFixed(0)} MiB; ACCEPT ${fmtN(l.accept)}, REJECT ${fmtN(l.reject)} = ${((100 * l.reject) / l.records).toFixed(1)} %, NODATA ${l.nodata}, IPv6 ${((100 * l.ipv6) / l.records).toFixed(1)} %, unknown interface ${l.unknownInterface})`,
  );
  console.log(`data: REJECT scenarios: ${tally(new Map(Object.entries(l.rejectsBy)))}; ${fmtN(l.distinctRejectTuples)} distinct REJECT tuples`);
  const cpus = os.cpus();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`host: node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, load average ${load} at the start; peak RSS via ${USE_GNU_TIME ? `${GNU_TIME} -f %M` : 'process.resourceUsage() at exit (--require hook)'}`);

  const hasDuck = await duckDbInstalled();
  const wanted = (process.env['VPCWHY_BENCH_ENGINES'] ?? 'ts,duckdb').split(',').map((e) => e.trim());
  for (const e of wanted) if (e !== 'ts' && e !== 'duckdb') throw new Error(`VPCWHY_BENCH_ENGINES: expected ts and/or duckdb, got ${JSON.stringify(e)}`);
  const engines = wanted.filter((e): e is 'ts' | 'duckdb' => e === 'ts' || (e === 'duckdb' && hasDuck));
  if (!hasDuck) {
    console.log('DuckDB: @duckdb/node-api (the optional dependency) is NOT installed: the DuckDB engine and the DuckDB yardstick are not measured; the TypeScript engine is, against grep -c REJECT');
  }

  const args = ['explain', '--snapshot', data.snapshotDir, '--format', 'jsonl'];
  let ok = true;

  // Fixed cost: start-up, snapshot load and index, with a log of one NODATA record (a run that reads no
  // record at all is exit 2).
  const empty = path.join(OUT, 'empty.log');
  writeFileSync(empty, '2 123456789012 eni-00000000000000000 - - - - - - - 1732700000 1732700060 - NODATA\n');
  const base = await runExplain([...args, empty]);
  if (failed(base)) {
    console.log(describeFailure('explain (empty log)', base));
    ok = false;
  } else {
    console.log(`explain, empty log (start-up + snapshot load): ${base.seconds.toFixed(2)} s, peak RSS ${mb(base.maxRssKb)} MB`);
  }

  // The inputs: VPCWHY_BENCH_SIZES (generated logs of those sizes) or the VPCWHY_BENCH_RECORDS log, and with
  // VPCWHY_BENCH_FLAT=1 that log five times over (the same tuples again: memory must not grow with input).
  const inputs: BenchInput[] = [];
  const sizes = (process.env['VPCWHY_BENCH_SIZES'] ?? '').split(',').filter((x) => x.trim() !== '').map((x) => Number(x.replaceAll('_', '')));
  for (const n of sizes) if (!Number.isInteger(n) || n <= 0) throw new Error(`VPCWHY_BENCH_SIZES: expected positive integers, got ${JSON.stringify(process.env['VPCWHY_BENCH_SIZES'])}`);
  for (const n of sizes.length ? sizes : [RECORDS]) {
    const d = n === RECORDS ? data : ensureBenchData({ outDir: OUT, records: n, seed: SEED, log: (m) => console.log(m) });
    inputs.push({ label: path.basename(d.logFile), file: d.logFile, records: d.log.records, rejects: d.log.reject });
  }
  if (FLAT) {
    const x5 = data.logFile.replace(/\.log$/, '.x5.log');
    repeatLog(data.logFile, x5, 5);
    inputs.push({ label: path.basename(x5), file: x5, records: 5 * l.records, rejects: 5 * l.reject });
  }

  const rows: string[] = [];
  const summary: string[] = [];
  for (const input of inputs) {
    const r = await benchInput(input, args, engines, hasDuck);
    if (!r.ok) ok = false;
    const yard = r.yard;
    const grep = yard ? null : [await runGrep(input.file), await runGrep(input.file), await runGrep(input.file)].reduce((a, g) => (g.seconds < a.seconds ? g : a));
    const stick = yard ? yard.seconds : grep!.seconds;
    const stickName = yard ? 'yardstick' : 'grep';
    rows.push(`${input.label.padEnd(26)} ${fmtN(input.records).padStart(10)}  ${stickName.padEnd(9)} ${secs(stick).padStart(8)} ${yard ? `${mb(yard.maxRssKb).padStart(4)} MB` : '       '}`);
    for (const e of engines) {
      const f = r.figures.get(e);
      const t = f?.best.seconds;
      const line = f && t !== undefined
        ? `${e.padEnd(9)} ${secs(t).padStart(8)} ${mb(f.best.maxRssKb).padStart(4)} MB ${rate(input.records, t).padStart(10)} records/s ${(t / stick).toFixed(1).padStart(5)}x ${stickName}`
        : `${e.padEnd(9)} FAILED`;
      rows.push(`${''.padEnd(38)}${line}`);
      if (f && t !== undefined) summary.push(`${e} ${rate(input.records, t)} records/s, ${mb(f.best.maxRssKb)} MB, ${(t / stick).toFixed(1)}x`);
    }
    summary.push(`${stickName} ${secs(stick)} (${input.label})`);
  }
  console.log(`\n${'input'.padEnd(26)} ${'records'.padStart(10)}  time and peak RSS (fastest of ${RUNS}${hasDuck ? '; the yardstick of 3' : ''}), records/s, time as a multiple of the ${hasDuck ? "yardstick (DuckDB's own count(*) where action = 'REJECT')" : 'grep -c REJECT'}`);
  for (const row of rows) console.log(row);
  console.log('');

  const first = inputs[0]!;
  // Optional: the REJECT path and the ACCEPT path apart (files derived from the log, kept next to it).
  if (SPLIT) {
    const rejects = data.logFile.replace(/\.log$/, '.reject-only.log');
    const others = data.logFile.replace(/\.log$/, '.accept-only.log');
    await splitLog(data.logFile, rejects, others);
    for (const [label, file] of [
      ['REJECT lines only', rejects],
      ['other lines only (ACCEPT, NODATA)', others],
    ] as const) {
      const lines = lineCount(file);
      for (const e of engines) {
        const r = await runExplain([...args, ...(e === 'duckdb' ? ['--engine', 'duckdb'] : []), file]);
        if (failed(r)) {
          console.log(describeFailure(`explain ${e} (${label})`, r));
          ok = false;
          continue;
        }
        const net = r.seconds - (failed(base) ? 0 : base.seconds);
        console.log(
          `split: ${e}: ${label}: ${fmtN(lines)} records in ${r.seconds.toFixed(2)} s, peak RSS ${mb(r.maxRssKb)} MB; minus the empty-log run ${net.toFixed(2)} s = ${net > 0 ? `${((1e6 * net) / lines).toFixed(1)} µs/record, ${fmtN(Math.round(lines / net))} records/s` : 'n/a'}`,
        );
      }
    }
  }

  // Optional CPU profiles of the TypeScript engine: the empty-log run (fixed cost) and one full run.
  if (PROFILE) {
    const dir = path.join(OUT, 'profile');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [label, log, name, rows] of [
      ['empty log', empty, 'explain-empty.cpuprofile', 8],
      ['full log', first.file, 'explain.cpuprofile', 25],
    ] as const) {
      const r = await runExplain([...args, log], { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`] });
      if (failed(r)) {
        console.log(describeFailure(`explain (profiled, ${label})`, r));
        ok = false;
        continue;
      }
      console.log(`explain under --cpu-prof, ${label}: ${r.seconds.toFixed(2)} s`);
      for (const line of summarizeProfile(path.join(dir, name), rows)) console.log(line);
    }
  }

  if (!ok) process.exitCode = 1;
  console.log(`explain: ${summary.join('; ')}${ok ? '' : '; FAILED (see above)'}`);
}

main().catch((err: unknown) => {
  console.error(`explain-bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
