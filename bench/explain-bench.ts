/**
 * End-to-end throughput of `vpcwhy explain`. Not a test.
 *
 *   npm run bench                                  (build, then node dist/bench/explain-bench.js)
 *   VPCWHY_BENCH_RECORDS=100000 npm run bench      (a quick run; default 1,000,000 records)
 *
 * Environment:
 *   VPCWHY_BENCH_RECORDS  flow-log records to generate (default 1000000)
 *   VPCWHY_BENCH_OUT      data directory (default bench/out/, git-ignored; data is reused when unchanged)
 *   VPCWHY_BENCH_SEED     generator seed (default 1)
 *   VPCWHY_BENCH_RUNS     timed explain runs; the fastest is reported (default 1)
 *   VPCWHY_BENCH_PROFILE  1: runs under `node --cpu-prof` (empty log, full log), summarised (top self and total time)
 *   VPCWHY_BENCH_SPLIT    1: also time explain on the REJECT lines alone and on the other lines alone
 *   VPCWHY_BENCH_DUCKDB   1: also time `explain --engine duckdb` (the optional @duckdb/node-api) on the same log
 *
 * Generates (or reuses, see generate.ts) a snapshot and a flow log, then runs the built CLI as a child
 * process, `node dist/bundle/main.js explain --snapshot <dir> --format jsonl <log>` (the bin), stdout to /dev/null,
 * measuring wall time and peak RSS (GNU /usr/bin/time -f %M when present, else the child's own
 * process.resourceUsage().maxRSS written at exit by a --require hook). Then it times `grep -c REJECT` on
 * the same file, and checks, in a separate run with stdout piped and counted, that explain exits 0 and
 * writes exactly one JSONL line per REJECT record. The last line printed is the one-line summary.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { defaultOutDir, ensureBenchData } from './generate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What the `vpcwhy` bin runs: the bundle of the compiled CLI (scripts/bundle.mjs). */
const CLI = path.join(ROOT, 'dist', 'bundle', 'main.js');
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
const DUCKDB = process.env['VPCWHY_BENCH_DUCKDB'] === '1';
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
  readonly verdicts: Map<string, number>;
  readonly blockers: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Runs `node [nodeArgs] dist/bundle/main.js <args>` and measures it. */
function runExplain(args: readonly string[], opts: { countOutput?: boolean; nodeArgs?: readonly string[] } = {}): Promise<RunResult> {
  const rssFile = path.join(OUT, `.maxrss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const nodeArgs = [...(opts.nodeArgs ?? [])];
  let cmd: string;
  let argv: string[];
  if (USE_GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs, CLI, ...args];
  } else {
    const hook = path.join(OUT, '.maxrss-hook.cjs');
    writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.VPCWHY_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
    cmd = process.execPath;
    argv = ['--require', hook, ...nodeArgs, CLI, ...args];
  }
  const devNull = opts.countOutput ? null : openSync('/dev/null', 'w');
  const verdicts = new Map<string, number>();
  const blockers = new Map<string, number>();
  let lines = 0;
  let bytes = 0;
  let stderr = '';
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
      resolve({ seconds, maxRssKb, code, signal, stderr, lines, bytes, verdicts, blockers });
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
  console.log(`host: node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}; peak RSS via ${USE_GNU_TIME ? `${GNU_TIME} -f %M` : 'process.resourceUsage() at exit (--require hook)'}`);

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

  // Timed runs, stdout to /dev/null.
  const timed: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runExplain([...args, data.logFile]);
    timed.push(r);
    if (failed(r)) {
      console.log(describeFailure(`explain run ${i + 1}`, r));
      ok = false;
      break;
    }
    console.log(`explain run ${i + 1}: ${r.seconds.toFixed(2)} s, peak RSS ${mb(r.maxRssKb)} MB, exit ${r.code}`);
  }
  const best = timed.reduce<RunResult | null>((a, r) => (a === null || r.seconds < a.seconds ? r : a), null);
  if (best && !failed(base) && !failed(best)) {
    const perRecord = best.seconds - base.seconds;
    if (perRecord > 0) console.log(`explain minus the empty-log run: ${perRecord.toFixed(2)} s = ${fmtN(Math.round(RECORDS / perRecord))} records/s`);
  }

  // Optional: the embedded DuckDB engine on the same input (issue 17), side by side with the runs above.
  if (DUCKDB) {
    const d = await runExplain([...args, '--engine', 'duckdb', data.logFile], { countOutput: true });
    if (failed(d)) {
      console.log(describeFailure('explain --engine duckdb', d));
      ok = false;
    } else if (best) {
      console.log(
        `explain --engine duckdb: ${d.seconds.toFixed(2)} s, peak RSS ${mb(d.maxRssKb)} MB, ${fmtN(d.lines)} JSONL lines; time ratio duckdb/ts ${(d.seconds / best.seconds).toFixed(2)}, RSS ratio ${best.maxRssKb && d.maxRssKb ? (d.maxRssKb / best.maxRssKb).toFixed(2) : 'n/a'}`,
      );
    }
  }

  // grep -c REJECT on the same file (fastest of 3).
  const greps = [await runGrep(data.logFile), await runGrep(data.logFile), await runGrep(data.logFile)];
  const grep = greps.reduce((a, g) => (g.seconds < a.seconds ? g : a));
  console.log(`grep -c REJECT: ${grep.count} lines, ${greps.map((g) => g.seconds.toFixed(3)).join(' / ')} s (fastest reported)`);

  // Check: exit 0 and one JSONL line per REJECT record.
  const counted = await runExplain([...args, data.logFile], { countOutput: true });
  if (failed(counted)) {
    console.log(describeFailure('explain (counting run)', counted));
    ok = false;
  } else {
    const match = counted.lines === grep.count;
    if (!match) ok = false;
    console.log(
      `check: explain exit ${counted.code}; ${fmtN(counted.lines)} JSONL lines (${(counted.bytes / 2 ** 20).toFixed(0)} MiB) for ${fmtN(grep.count)} REJECT records: ${match ? 'OK, one line per REJECT' : `MISMATCH (${counted.lines - grep.count > 0 ? '+' : ''}${counted.lines - grep.count})`} (counting run, stdout piped: ${counted.seconds.toFixed(2)} s)`,
    );
    console.log(`check: verdicts: ${tally(counted.verdicts)}; blocked by: ${tally(counted.blockers)}`);
    if (counted.stderr.trim() !== '') console.log(`check: explain stderr: ${counted.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
  }

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
      const r = await runExplain([...args, file]);
      if (failed(r)) {
        console.log(describeFailure(`explain (${label})`, r));
        ok = false;
        continue;
      }
      const net = r.seconds - (failed(base) ? 0 : base.seconds);
      console.log(
        `split: ${label}: ${fmtN(lines)} records in ${r.seconds.toFixed(2)} s, peak RSS ${mb(r.maxRssKb)} MB; minus the empty-log run ${net.toFixed(2)} s = ${net > 0 ? `${((1e6 * net) / lines).toFixed(1)} µs/record, ${fmtN(Math.round(lines / net))} records/s` : 'n/a'}`,
      );
    }
  }

  // Optional CPU profiles: the empty-log run (fixed cost) and one full run.
  if (PROFILE) {
    const dir = path.join(OUT, 'profile');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [label, log, name, rows] of [
      ['empty log', empty, 'explain-empty.cpuprofile', 8],
      ['full log', data.logFile, 'explain.cpuprofile', 25],
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
  const t = best && !failed(best) ? best.seconds : NaN;
  console.log(
    `explain: ${Number.isFinite(t) ? Math.round(RECORDS / t) : 'n/a'} records/s (${RECORDS} records in ${Number.isFinite(t) ? t.toFixed(2) : 'n/a'} s), peak RSS ${mb(best?.maxRssKb ?? null)} MB; grep -c REJECT: ${grep.seconds.toFixed(grep.seconds < 0.1 ? 3 : 2)} s; explain/grep time ratio ${Number.isFinite(t) ? (t / grep.seconds).toFixed(1) : 'n/a'}`,
  );
}

main().catch((err: unknown) => {
  console.error(`explain-bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
