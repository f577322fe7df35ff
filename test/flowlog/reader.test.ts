import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { E } from '../../src/fp.js';
import {
  DEFAULT_FORMAT,
  MAX_LINE_BYTES,
  STDIN_NAME,
  parseFlowLogLines,
  parseLogFormat,
  readFlowLogStream,
  readFlowLogs,
  type FlowLogFormat,
} from '../../src/flowlog/index.js';
import { chunked, collect, eventShape, tempDir } from './helpers.js';
import { decodeSource, fileChunks } from '../../src/flowlog/sources.js';

const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const SSH = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
const RDP = '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';
const NODATA = '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA';
const SKIPDATA = '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA';
const NAT_FORMAT = '${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}';
const NAT_LINE = '- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5';

function fmt(text: string): FlowLogFormat {
  const f = parseLogFormat(text);
  if (E.isLeft(f)) throw new Error(f.left.message);
  return f.right;
}

/** Default-format lines, numbered so their order can be checked. */
function manyLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`2 123456789010 eni-${String(i % 97).padStart(17, '0')} 10.0.${(i >> 8) & 255}.${i & 255} 10.1.0.1 ${1024 + (i % 50000)} 443 6 ${i} ${i * 40} 1418530010 1418530070 ${i % 5 === 0 ? 'REJECT' : 'ACCEPT'} OK`);
  }
  return out;
}

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function write(rel: string, content: string | Uint8Array): string {
  const p = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

describe('format selection per file', () => {
  it('takes the column order from a header line, which overrides --log-format (ref 1.9)', async () => {
    const f = write('a.log', `${HEADER}\n${SSH}\n`);
    const got = await collect(readFlowLogs([f], { logFormat: fmt(NAT_FORMAT) }));
    expect(got.starts).toHaveLength(1);
    expect(got.starts[0]!.formatSource).toBe('header');
    expect(got.starts[0]!.format.fields).toEqual(DEFAULT_FORMAT.fields);
    expect(got.records).toHaveLength(1);
    expect(got.records[0]!.line).toBe(2); // header counted (ref 1.9)
    expect(got.records[0]!.dstport).toBe(22);
    expect(got.badLines).toEqual([]);
  });

  it('uses --log-format without a header, else the default format (ref 1.3, 1.4)', async () => {
    const nat = write('nat.log', `${NAT_LINE}\n`);
    const withOption = await collect(readFlowLogs([nat], { logFormat: fmt(NAT_FORMAT) }));
    expect(withOption.starts[0]!.formatSource).toBe('option');
    expect(withOption.records[0]!.pktDstaddr).toBe('203.0.113.5');
    const def = write('def.log', `${SSH}\n`);
    const withDefault = await collect(readFlowLogs([def]));
    expect(withDefault.starts[0]!.formatSource).toBe('default');
    expect(withDefault.records[0]!.srcport).toBe(20641);
  });

  it("reads a custom format given in Terraform's $${} escaping (ref 1.4)", async () => {
    const f = write('tf.log', `${NAT_LINE}\n`);
    const got = await collect(readFlowLogs([f], { logFormat: fmt('$${instance-id} $${interface-id} $${srcaddr} $${dstaddr} $${pkt-srcaddr} $${pkt-dstaddr}') }));
    expect(got.records[0]!.fields()).toEqual({
      'instance-id': null,
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '10.0.1.5',
      dstaddr: '10.0.0.220',
      'pkt-srcaddr': '10.0.1.5',
      'pkt-dstaddr': '203.0.113.5',
    });
  });

  it('keeps unknown header fields as strings (ref 1.6)', async () => {
    const f = write('u.log', 'version srcaddr future-field dstaddr\n9 10.0.0.1 1234 10.0.0.2\n');
    const got = await collect(readFlowLogs([f]));
    expect(got.records[0]!.fields()).toEqual({ version: 9, srcaddr: '10.0.0.1', 'future-field': '1234', dstaddr: '10.0.0.2' });
  });

  it('switches format at a header line later in the file (concatenated S3 files)', async () => {
    const f = write('cat.log', `${HEADER}\n${SSH}\n\ninstance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n${NAT_LINE}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.badLines).toEqual([]);
    expect(got.records.map((r) => [r.line, r.format.fields.length])).toEqual([[2, 14], [5, 6]]);
    expect(got.starts).toHaveLength(1);
  });

  it('reports a broken header line as a bad line and keeps going', async () => {
    const f = write('dup.log', `version srcaddr srcaddr\n${SSH}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.badLines.map((b) => [b.line, b.message])).toEqual([[1, 'header line: field "srcaddr" appears twice']]);
    expect(got.records.map((r) => r.line)).toEqual([2]);
  });
});

describe('lines', () => {
  it('reads NODATA and SKIPDATA lines as records without an action (ref 2.3)', async () => {
    const f = write('nd.log', `${NODATA}\n${SKIPDATA}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.records.map((r) => [r.logStatus, r.action])).toEqual([['NODATA', null], ['SKIPDATA', null]]);
  });

  it('accepts "-" in every field (ref 1.1)', async () => {
    const f = write('dash.log', `${Array(14).fill('-').join(' ')}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.badLines).toEqual([]);
    expect(Object.values(got.records[0]!.fields()).every((v) => v === null)).toBe(true);
  });

  it('skips empty lines but counts them; handles CRLF, a BOM and a missing final newline', async () => {
    const f = write('crlf.log', `\ufeff${HEADER}\r\n\r\n${SSH}\r\n   \r\n${RDP}`);
    const got = await collect(readFlowLogs([f]));
    expect(got.starts[0]!.formatSource).toBe('header');
    expect(got.badLines).toEqual([]);
    expect(got.records.map((r) => [r.line, r.action, r.text])).toEqual([
      [3, 'ACCEPT', SSH],
      [5, 'REJECT', RDP],
    ]);
  });

  it('reports a bad line in its place and goes on', async () => {
    const f = write('bad.log', `${SSH}\nPhony unsupported log format.\n${RDP}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(eventShape(got.events)).toEqual(['file-start', 'records', 'bad-line:2', 'records']);
    expect(got.badLines[0]).toEqual({ file: f, line: 2, message: 'expected 14 fields (default format), got 4', text: 'Phony unsupported log format.' });
    expect(got.records.map((r) => r.line)).toEqual([1, 3]);
  });

  it('names the header in the message of a line that does not fit it', async () => {
    const f = write('h.log', `${HEADER}\n${NAT_LINE}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.badLines[0]!.message).toBe('expected 14 fields (header line 1), got 6');
  });

  it('unwraps {"message": ...} lines (CloudWatch Logs / Firehose exports, ref 1.10)', async () => {
    const f = write('j.log', `{"message":"${NODATA}"}\n{"other":1}\n`);
    const got = await collect(readFlowLogs([f]));
    expect(got.records.map((r) => [r.line, r.logStatus])).toEqual([[1, 'NODATA']]);
    expect(got.badLines.map((b) => b.line)).toEqual([2]);
  });

  it('reports an over-long line without holding it, then goes on', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const data = Buffer.from(`${SSH}\n${long}\n${RDP}\n`);
    const got = await collect(readFlowLogStream('big', chunked(data, Array.from({ length: 20 }, (_, i) => i * 65536 + 7))));
    expect(got.records.map((r) => r.line)).toEqual([1, 3]);
    expect(got.badLines.map((b) => [b.line, b.message])).toEqual([[2, `line is longer than ${MAX_LINE_BYTES} bytes; skipped`]]);
    const oneChunk = await collect(readFlowLogStream('big', chunked(data, [])));
    expect(oneChunk.records.map((r) => r.line)).toEqual([1, 3]);
    expect(oneChunk.badLines.map((b) => b.line)).toEqual([2]);
    const unterminated = await collect(readFlowLogStream('big', chunked(Buffer.from(`${SSH}\n${long}`), [100, 70000])));
    expect(unterminated.badLines.map((b) => b.line)).toEqual([2]);
  });

  it('gives the same events whatever the chunk boundaries, multi-byte characters included', async () => {
    const text = `${HEADER}\n${SSH}\nbad ü line\n\n${NODATA}\n${'x'.repeat(70)}\n${RDP}`;
    const data = Buffer.from(text);
    const whole = await collect(readFlowLogStream('s', chunked(data, [])));
    const bytewise = await collect(readFlowLogStream('s', chunked(data, Array.from({ length: data.length }, (_, i) => i))));
    const summary = (c: typeof whole) => ({
      records: c.records.map((r) => [r.line, r.text]),
      bad: c.badLines,
      shape: eventShape(c.events).filter((k) => k !== 'records'),
    });
    expect(summary(bytewise)).toEqual(summary(whole));
    expect(whole.badLines[0]!.text).toBe('bad ü line');
  });

  it('batches records, never more than batchSize at a time', async () => {
    const lines = manyLines(1000);
    const f = write('many.log', lines.join('\n'));
    const got = await collect(readFlowLogs([f], { batchSize: 64 }));
    const sizes = got.events.flatMap((e) => (e.kind === 'records' ? [e.records.length] : []));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
    expect(got.records.map((r) => r.text)).toEqual(lines);
  });
});

/** Default-format lines with pseudo-random values (they compress poorly, as real logs' numbers do). */
function noisyLines(n: number, seed = 7): string[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`2 ${next()} eni-${next().toString(16)} 10.${next() & 255}.${next() & 255}.${next() & 255} 198.51.${next() & 255}.${next() & 255} ${next() & 65535} ${next() & 65535} 6 ${next() & 1023} ${next()} 1418530010 1418530070 ${next() & 1 ? 'ACCEPT' : 'REJECT'} OK`);
  }
  return out;
}

describe('files of many reads (the reader reuses its read buffers)', () => {
  it('reads every line of a file several read buffers long, lines across every boundary, the last without a newline', async () => {
    const lines = noisyLines(12_000);
    const f = write('big.log', lines.join('\n'));
    const got = await collect(readFlowLogs([f]));
    expect(got.badLines).toEqual([]);
    expect(got.records.map((r) => r.text)).toEqual(lines);
    expect(got.records.map((r) => r.line)).toEqual(lines.map((_, i) => i + 1));
  });

  it('reads a gzip file several read buffers long', async () => {
    const lines = noisyLines(20_000, 11);
    const gz = gzipSync(`${HEADER}\n${lines.join('\n')}\n`);
    // More compressed bytes than the reader's two buffers hold (2 x 256 KiB).
    expect(gz.length).toBeGreaterThan(2 << 18);
    const got = await collect(readFlowLogs([write('big.log.gz', gz)]));
    expect(got.fileErrors).toEqual([]);
    expect(got.records.map((r) => r.text)).toEqual(lines);
  });

  it('gathers a Parquet source read from a file whole, byte for byte', async () => {
    const bytes = Buffer.concat([Buffer.from('PAR1'), Buffer.from(noisyLines(10_000).join('\n'))]);
    const d = await decodeSource(fileChunks(write('data.parquet', bytes)));
    if (d.kind !== 'parquet') throw new Error('expected parquet');
    expect(d.bytes.equals(bytes)).toBe(true);
  });
});

describe('gzip', () => {
  it('reads a gzip file with a header line (ref 1.9)', async () => {
    const f = write('123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz', gzipSync(`${HEADER}\n${SSH}\n${RDP}\n`));
    const got = await collect(readFlowLogs([f]));
    expect(got.starts[0]!.formatSource).toBe('header');
    expect(got.records.map((r) => [r.line, r.action])).toEqual([[2, 'ACCEPT'], [3, 'REJECT']]);
    expect(got.fileErrors).toEqual([]);
  });

  it('detects gzip by its magic bytes, not by the file name', async () => {
    const gzNoExt = write('flows', gzipSync(`${SSH}\n`));
    const textGz = write('plain.gz', `${RDP}\n`);
    const got = await collect(readFlowLogs([gzNoExt, textGz]));
    expect(got.records.map((r) => r.action)).toEqual(['ACCEPT', 'REJECT']);
    expect(got.badLines).toEqual([]);
  });

  it('reads a named pipe as a stream (a FIFO, bash process substitution): it cannot be sniffed and reopened', async () => {
    const fifo = path.join(tmp.dir, 'flows.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat > "$1"', 'sh', fifo]);
    writer.stdin.end(gzipSync(`${HEADER}\n${SSH}\n${RDP}\n`));
    const got = await collect(readFlowLogs([fifo]));
    expect(got.fileErrors).toEqual([]);
    expect(got.records.map((r) => [r.file, r.line, r.action])).toEqual([[fifo, 2, 'ACCEPT'], [fifo, 3, 'REJECT']]);
  });

  it('names a pipe met while walking a directory instead of reading it (with no writer it would wait forever)', async () => {
    write('tree/a.log', `${SSH}\n`);
    execFileSync('mkfifo', [path.join(tmp.dir, 'tree', 'b.fifo')]);
    const got = await collect(readFlowLogs([path.join(tmp.dir, 'tree')]));
    expect(got.records.map((r) => r.action)).toEqual(['ACCEPT']);
    expect(got.events.filter((e) => e.kind === 'file-skipped')).toEqual([{ kind: 'file-skipped', file: path.join(tmp.dir, 'tree', 'b.fifo') }]);
  });

  it('closes the file when a decoded source is closed before it is read (library use)', async () => {
    const f = write('closed.log.gz', gzipSync(`${SSH}\n`));
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 20; i++) {
      const d = await decodeSource(fileChunks(f));
      if (d.kind !== 'text') throw new Error('expected text');
      await d.chunks[Symbol.asyncIterator]().return?.();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fds()).toBeLessThanOrEqual(before + 2);
  });

  it('reads concatenated gzip members', async () => {
    const f = write('multi.log.gz', Buffer.concat([gzipSync(`${HEADER}\n${SSH}\n`), gzipSync(`${HEADER}\n${RDP}\n`)]));
    const got = await collect(readFlowLogs([f]));
    expect(got.records.map((r) => [r.line, r.action])).toEqual([[2, 'ACCEPT'], [4, 'REJECT']]);
    expect(got.fileErrors).toEqual([]);
  });

  it('emits the records before the damage of a truncated gzip, then a file-error naming the file', async () => {
    const lines = manyLines(20000);
    const full = gzipSync(`${HEADER}\n${lines.join('\n')}\n`);
    const f = write('truncated.log.gz', full.subarray(0, Math.floor(full.length * 0.6)));
    // Every line zlib can decode before the cut, however slowly the consumer reads (a slow one used to
    // lose what the failed stream still held).
    const decodable = gunzipSync(full.subarray(0, Math.floor(full.length * 0.6)), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString();
    const intact = decodable.split('\n').length - 2; // the header, and the cut line at the end
    const slow = async function* () {
      for await (const ev of readFlowLogs([f], { batchSize: 500 })) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield ev;
      }
    };
    const got = await collect(slow());
    expect(intact).toBeGreaterThan(1000);
    expect(got.records.length).toBe(intact);
    // every record is the intact line it claims to be, in order
    got.records.forEach((r, i) => {
      expect(r.line).toBe(i + 2);
      expect(r.text).toBe(lines[i]);
    });
    expect(got.badLines).toEqual([]);
    expect(got.fileErrors).toHaveLength(1);
    expect(got.fileErrors[0]!.file).toBe(f);
    expect(got.fileErrors[0]!.message).toMatch(/truncated gzip data/);
    expect(got.events[got.events.length - 1]!.kind).toBe('file-error');
    expect(got.events[0]!.kind).toBe('file-start');
  });

  it('reports corrupt gzip data as a file-error and goes on to the next file', async () => {
    const full = Buffer.from(gzipSync(`${HEADER}\n${manyLines(3000).join('\n')}\n`));
    for (let i = 200; i < 260; i++) full[i] = full[i]! ^ 0x5a;
    const bad = write('a-corrupt.log.gz', full);
    const good = write('b-good.log', `${SSH}\n`);
    const got = await collect(readFlowLogs([bad, good]));
    expect(got.fileErrors.map((e) => e.file)).toEqual([bad]);
    expect(got.records[got.records.length - 1]!.file).toBe(good);
  });
});

describe('paths', () => {
  it('walks directories recursively in sorted order: AWSLogs and Hive-style trees, hidden files skipped (ref 1.9)', async () => {
    const gz = (s: string) => gzipSync(`${HEADER}\n${s}\n`);
    const files = [
      'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/02/123456789012_vpcflowlogs_us-east-1_fl-1_20240102T0000Z_aa.log.gz',
      'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/123456789012_vpcflowlogs_us-east-1_fl-1_20240101T0005Z_bb.log.gz',
      'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/123456789012_vpcflowlogs_us-east-1_fl-1_20240101T0000Z_cc.log.gz',
      'AWSLogs/123456789012/vpcflowlogs/eu-west-1/2023/12/31/123456789012_vpcflowlogs_eu-west-1_fl-2_20231231T2355Z_dd.log.gz',
      'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=02/day=01/hour=13/x_20240201T1300Z.log.gz',
      'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=01/day=31/hour=23/x_20240131T2300Z.log.gz',
    ];
    for (const rel of files) write(rel, gz(SSH));
    write('AWSLogs/.DS_Store', 'junk');
    write('AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/.partial.log.gz.tmp', 'junk');
    write('AWSLogs/.hidden/123.log', 'junk');
    write('AWSLogs/_SUCCESS', '');
    const got = await collect(readFlowLogs([tmp.dir]));
    const rel = (p: string) => path.relative(tmp.dir, p);
    expect(got.starts.map((s) => rel(s.file))).toEqual([
      files[3],
      files[2],
      files[1],
      files[0],
      files[5],
      files[4],
    ]);
    expect(got.records).toHaveLength(6);
    expect(got.badLines).toEqual([]);
  });

  it('reports a missing path as a file-error and reads the rest', async () => {
    const good = write('g.log', `${SSH}\n`);
    const missing = path.join(tmp.dir, 'nope.log');
    const got = await collect(readFlowLogs([missing, good]));
    expect(got.fileErrors).toEqual([{ file: missing, message: 'no such file or directory' }]);
    expect(got.records).toHaveLength(1);
  });

  it('announces an empty file with a file-start and nothing else', async () => {
    const f = write('empty.log', '');
    const got = await collect(readFlowLogs([f]));
    expect(got.events).toEqual([{ kind: 'file-start', file: f, format: DEFAULT_FORMAT, formatSource: 'default' }]);
  });

  it('reads "-" from stdin (a stream), gzip included', async () => {
    const got = await collect(readFlowLogs(['-'], { stdin: Readable.from([Buffer.from(`${HEADER}\n${SSH}\n`), Buffer.from(`${RDP}\n`)]) }));
    expect(got.starts[0]!.file).toBe(STDIN_NAME);
    expect(got.records.map((r) => [r.file, r.line, r.action])).toEqual([[STDIN_NAME, 2, 'ACCEPT'], [STDIN_NAME, 3, 'REJECT']]);
    const gz = await collect(readFlowLogs(['-'], { stdin: Readable.from([gzipSync(`${NODATA}\n`)]) }));
    expect(gz.records[0]!.logStatus).toBe('NODATA');
  });

  it('reads a stream of strings (readFlowLogStream, as the S3 reader calls it)', async () => {
    const got = await collect(readFlowLogStream('s3://bucket/key.log', Readable.from([`${SSH}\n${RDP}`], { objectMode: true })));
    expect(got.records.map((r) => [r.file, r.line])).toEqual([['s3://bucket/key.log', 1], ['s3://bucket/key.log', 2]]);
  });

  it('reports a failing stream as a file-error after its records', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${SSH}\n${RDP.slice(0, 20)}`);
      throw new Error('connection reset');
    }
    const got = await collect(readFlowLogStream('s3://b/k', failing()));
    expect(got.records).toHaveLength(1);
    expect(got.fileErrors).toEqual([{ file: 's3://b/k', message: 'connection reset after line 1; the incomplete line 2 (20 bytes) before the damage was dropped' }]);
  });

  it('stops reading when the consumer stops', async () => {
    const f = write('many.log', manyLines(50000).join('\n'));
    let n = 0;
    for await (const ev of readFlowLogs([f], { batchSize: 100 })) {
      if (ev.kind === 'records') n += ev.records.length;
      if (n >= 300) break;
    }
    expect(n).toBe(300);
  });
});

describe('CloudWatch events (parseFlowLogLines)', () => {
  it('reads one record per event, numbered by position, with the given format (ref 1.10)', async () => {
    const got = await collect(parseFlowLogLines('cw:/vpc/flow/eni-1-all', [NAT_LINE, '', 'garbage', NAT_LINE], { logFormat: fmt(NAT_FORMAT) }));
    expect(got.starts[0]!.formatSource).toBe('option');
    expect(got.records.map((r) => [r.file, r.line])).toEqual([['cw:/vpc/flow/eni-1-all', 1], ['cw:/vpc/flow/eni-1-all', 4]]);
    expect(got.badLines.map((b) => b.line)).toEqual([3]);
  });

  it('accepts an async iterable of lines', async () => {
    async function* lines(): AsyncGenerator<string> {
      yield SSH;
      yield NODATA;
    }
    const got = await collect(parseFlowLogLines('cw', lines()));
    expect(got.records.map((r) => r.logStatus)).toEqual(['OK', 'NODATA']);
  });
});

describe('Parquet (ref 1.9)', () => {
  const rows = [
    { version: 5, account_id: '123456789012', interface_id: 'eni-1235b8ca123456789', srcaddr: '10.0.0.71', dstaddr: '52.95.128.179', srcport: 34210, dstport: 443, protocol: 6, packets: 7n, bytes: 471n, start: 1616729292n, end: 1616729349n, action: 'REJECT', log_status: 'OK', tcp_flags: 2, flow_direction: 'egress', pkt_dst_aws_service: 'S3', my_tag: 'web tier' },
    { version: 5, account_id: '123456789012', interface_id: 'eni-1235b8ca123456789', srcaddr: null, dstaddr: null, srcport: null, dstport: null, protocol: null, packets: null, bytes: null, start: 1616729292n, end: 1616729349n, action: null, log_status: 'NODATA', tcp_flags: null, flow_direction: null, pkt_dst_aws_service: null, my_tag: null },
  ];
  type Row = (typeof rows)[number];
  const types: Record<keyof Row, 'INT32' | 'INT64' | 'STRING'> = {
    version: 'INT32', account_id: 'STRING', interface_id: 'STRING', srcaddr: 'STRING', dstaddr: 'STRING', srcport: 'INT32', dstport: 'INT32', protocol: 'INT32',
    packets: 'INT64', bytes: 'INT64', start: 'INT64', end: 'INT64', action: 'STRING', log_status: 'STRING', tcp_flags: 'INT32', flow_direction: 'STRING',
    pkt_dst_aws_service: 'STRING', my_tag: 'STRING',
  };

  function parquet(n: number): Uint8Array {
    const all: Row[] = Array.from({ length: n }, (_, i) => rows[i % 2]!);
    const names = Object.keys(types) as (keyof Row)[];
    const ab = parquetWriteBuffer({
      columnData: names.map((name) => ({ name, type: types[name], nullable: true, data: all.map((r) => r[name]) })),
      codec: 'GZIP',
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
      rowGroupSize: 1000,
    });
    return new Uint8Array(ab);
  }

  function check(got: Awaited<ReturnType<typeof collect>>, n: number): void {
    expect(got.fileErrors).toEqual([]);
    expect(got.badLines).toEqual([]);
    expect(got.starts[0]!.formatSource).toBe('parquet-schema');
    expect(got.starts[0]!.format.fields).toEqual([
      'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end',
      'action', 'log-status', 'tcp-flags', 'flow-direction', 'pkt-dst-aws-service', 'my_tag',
    ]);
    expect(got.records).toHaveLength(n);
    expect(got.records.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(got.records[0]!.fields()).toEqual({
      version: 5, 'account-id': '123456789012', 'interface-id': 'eni-1235b8ca123456789', srcaddr: '10.0.0.71', dstaddr: '52.95.128.179', srcport: 34210,
      dstport: 443, protocol: 6, packets: 7, bytes: 471, start: 1616729292, end: 1616729349, action: 'REJECT', 'log-status': 'OK', 'tcp-flags': 2,
      'flow-direction': 'egress', 'pkt-dst-aws-service': 'S3', my_tag: 'web tier',
    });
    expect(got.records[0]!.action).toBe('REJECT');
    expect(got.records[1]!.action).toBeNull();
    expect(got.records[1]!.logStatus).toBe('NODATA');
    expect(got.records[1]!.srcaddr).toBeNull();
    expect(got.records[n - 1]!.line).toBe(n);
  }

  it('reads a GZIP-codec Parquet file, one record per row, columns in schema order', async () => {
    const bytes = parquet(2500);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(meta.row_groups.length).toBeGreaterThan(1);
    expect(meta.row_groups[0]!.columns[0]!.meta_data?.codec).toBe('GZIP');
    const f = write('123456789012_vpcflowlogs_us-east-1_fl-1_20240101T0000Z_aa.log.parquet', bytes);
    check(await collect(readFlowLogs([f])), 2500);
  });

  it('reads Parquet from a stream (an S3 object body) and inside gzip', async () => {
    const bytes = parquet(10);
    check(await collect(readFlowLogStream('s3://b/k.parquet', chunked(bytes, [3, 100, 1000]))), 10);
    check(await collect(readFlowLogStream('s3://b/k.parquet.gz', chunked(gzipSync(bytes), [5]))), 10);
  });

  it('keeps a column whose name no flow log writes, such as the index pandas adds, as an unknown field', async () => {
    const ab = parquetWriteBuffer({
      columnData: [
        { name: '__index_level_0__', type: 'INT64', nullable: true, data: [0n] },
        { name: 'interface_id', type: 'STRING', nullable: true, data: ['eni-1235b8ca123456789'] },
        { name: 'action', type: 'STRING', nullable: true, data: ['REJECT'] },
        { name: 'my col.v2', type: 'STRING', nullable: true, data: ['x'] },
      ],
    });
    const f = write('pandas.parquet', new Uint8Array(ab));
    const got = await collect(readFlowLogs([f]));
    expect(got.fileErrors).toEqual([]);
    expect(got.starts[0]!.format.fields).toEqual(['__index_level_0__', 'interface-id', 'action', 'my col.v2']);
    expect(got.records[0]!.fields()).toEqual({ __index_level_0__: '0', 'interface-id': 'eni-1235b8ca123456789', action: 'REJECT', 'my col.v2': 'x' });
  });

  it('reports a damaged Parquet file as a file-error', async () => {
    const bytes = parquet(10);
    const f = write('broken.parquet', bytes.subarray(0, bytes.length - 30));
    const got = await collect(readFlowLogs([f]));
    expect(got.fileErrors).toHaveLength(1);
    expect(got.fileErrors[0]!.file).toBe(f);
  });
});
