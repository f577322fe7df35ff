/**
 * Flow-log parsing throughput. Not a test.
 *
 *   npm run build && node dist/bench/flowlog-parse-bench.js [lines]   (default 1,000,000)
 *
 * Generates default-format lines (ref 1.3; a mix of ACCEPT/REJECT, IPv4/IPv6, one NODATA in 1000) and
 * times the reader over a plain file and a gzip file (touching the fields a consumer reads: interface,
 * addresses, ports, protocol, action), then over the same bytes held in memory (parsing alone). It prints
 * records/s and the RSS before and at the peak of each run: for the file runs the growth must not depend
 * on the number of lines (try 1,000,000 and 5,000,000).
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createGzip } from 'node:zlib';
import { readFlowLogStream, readFlowLogs, type FlowLogEvent, type FlowRecord } from '../src/flowlog/index.js';

const N = Number(process.argv[2] ?? 1_000_000);

function ip4(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

function makeLines(from: number, to: number): string {
  const parts: string[] = [];
  const ports = [22, 80, 443, 3389, 5432];
  for (let i = from; i < to; i++) {
    const eni = `eni-${(0x10000000 + (i % 5000)).toString(16)}abcdef012`;
    if (i % 1000 === 999) {
      parts.push(`2 123456789010 ${eni} - - - - - - - 1418530010 1418530070 - NODATA`);
      continue;
    }
    const v6 = i % 50 === 0;
    const src = v6 ? `2001:db8:1234:a100::${(i % 65536).toString(16)}` : ip4(i * 7919);
    const dst = v6 ? `2001:db8:1234:a102::${((i * 31) % 65536).toString(16)}` : ip4(i * 104729);
    parts.push(
      `2 123456789010 ${eni} ${src} ${dst} ${1024 + (i % 60000)} ${ports[i % 5]} 6 ${1 + (i % 100)} ${40 + (i % 100000)} 1418530010 1418530070 ${i % 7 === 0 ? 'REJECT' : 'ACCEPT'} OK`,
    );
  }
  return parts.join('\n') + '\n';
}

/** Write the plain and the gzip file block by block, so the generator never holds the whole input. */
async function writeInputs(plain: string, gz: string, n: number): Promise<void> {
  const out = createWriteStream(plain);
  const z = createGzip({ level: 6 });
  const done = pipeline(z, createWriteStream(gz));
  for (let i = 0; i < n; i += 10_000) {
    const block = makeLines(i, Math.min(n, i + 10_000));
    if (!out.write(block)) await once(out, 'drain');
    if (!z.write(block)) await once(z, 'drain');
  }
  out.end();
  z.end();
  await Promise.all([once(out, 'finish'), done]);
}

let sink = 0;
function touch(r: FlowRecord): void {
  const a = r.action;
  if (a === 'REJECT') {
    sink += (r.srcaddr?.length ?? 0) + (r.dstaddr?.length ?? 0) + (r.interfaceId?.length ?? 0);
    sink += (r.srcport ?? 0) + (r.dstport ?? 0) + (r.protocol ?? 0);
  } else if (a === 'ACCEPT') {
    sink += r.dstport ?? 0;
  }
}

async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let p = 0; p < buf.length; p += size) yield buf.subarray(p, Math.min(p + size, buf.length));
}

async function measure(label: string, events: AsyncIterable<FlowLogEvent>, touchFields: boolean): Promise<void> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const t0 = performance.now();
  let records = 0;
  let bad = 0;
  let batches = 0;
  for await (const ev of events) {
    if (ev.kind === 'records') {
      records += ev.records.length;
      batches++;
      if (touchFields) for (const r of ev.records) touch(r);
      if ((batches & 31) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    } else if (ev.kind === 'bad-lines') bad += ev.errors.length;
    else if (ev.kind === 'file-error') throw new Error(ev.message);
  }
  const s = (performance.now() - t0) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const mib = (b: number) => Math.round(b / 2 ** 20);
  console.log(
    `${label.padEnd(30)} ${records.toLocaleString('en-US').padStart(11)} records in ${s.toFixed(2)} s = ${Math.round(records / s).toLocaleString('en-US').padStart(10)} records/s  (bad ${bad}; RSS ${mib(rssBefore)} -> peak ${mib(peakRss)} MiB)`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vpcwhy-bench-'));
  try {
    const plain = path.join(dir, 'flows.log');
    const gz = path.join(dir, 'flows.log.gz');
    await writeInputs(plain, gz, N);
    console.log(`${N.toLocaleString('en-US')} default-format lines, ${(statSync(plain).size / 2 ** 20).toFixed(1)} MiB (gzip ${(statSync(gz).size / 2 ** 20).toFixed(1)} MiB), node ${process.version}`);
    for (let round = 1; round <= 2; round++) {
      console.log(`round ${round}`);
      await measure('plain file, parse + touch', readFlowLogs([plain]), true);
      await measure('gzip file, parse + touch', readFlowLogs([gz]), true);
    }
    // Parsing alone, from bytes already in memory (the input is held, so RSS grows by its size here).
    const data = readFileSync(plain);
    for (let round = 1; round <= 2; round++) {
      await measure(`memory, parse only (${round})`, readFlowLogStream('mem', chunksOf(data, 1 << 18)), false);
      await measure(`memory, parse + touch (${round})`, readFlowLogStream('mem', chunksOf(data, 1 << 18)), true);
    }
    if (sink === 42) console.log('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
