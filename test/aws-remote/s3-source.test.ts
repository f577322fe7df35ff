/**
 * readS3FlowLogs against a local S3 stand-in speaking the REST protocol, through the real @aws-sdk/client-s3
 * (path-style, endpoint http://127.0.0.1:port, fake credentials from the environment).
 */
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { AwsSourceError, type RemoteOptions } from '../../src/aws/remote-common.js';
import { fileNameTime, isS3Url, parseS3Url, prefetch, readS3FlowLogs } from '../../src/aws/s3-source.js';
import { E } from '../../src/fp.js';
import { collect } from '../flowlog/helpers.js';
import { FAKE_ACCESS_KEY, FAKE_SECRET_KEY, FAKE_SESSION_TOKEN, s3Error, startFakeS3, useFakeAwsEnv, type FakeS3, type FakeS3Options } from './servers.js';

const BUCKET = 'flow-logs-bucket';
const ACCOUNT = '123456789012';
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

function rec(i: number, action: 'ACCEPT' | 'REJECT' = 'REJECT', eni = 'eni-0a1b2c3d4e5f60001'): string {
  return `2 ${ACCOUNT} ${eni} 10.0.1.${i % 250} 10.0.2.20 ${40000 + i} 5432 6 2 120 1704448800 1704448860 ${action} OK`;
}

/** A gzip text object as S3 delivery writes it: header line, then records (ref 1.9). */
function gzText(lines: readonly string[], header = true): Buffer {
  return gzipSync(`${header ? `${HEADER}\n` : ''}${lines.join('\n')}\n`);
}

function fileName(stamp: string, hash = 'fe123456', ext = 'log.gz', region = 'us-east-1'): string {
  return `${ACCOUNT}_vpcflowlogs_${region}_fl-1234abcd_${stamp}_${hash}.${ext}`;
}

const DEFAULT_ROOT = `AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/`;
const HIVE_ROOT = `AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/aws-region=eu-west-1/`;

let restoreEnv: () => void;
const servers: FakeS3[] = [];
const warnings: string[] = [];

beforeAll(() => {
  restoreEnv = useFakeAwsEnv();
});
afterAll(() => restoreEnv());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  warnings.length = 0;
});

async function s3(objects: Record<string, Buffer | Uint8Array | string>, extra: Partial<FakeS3Options> = {}): Promise<FakeS3> {
  const server = await startFakeS3({ bucket: BUCKET, objects: new Map(Object.entries(objects)), ...extra });
  servers.push(server);
  return server;
}

function opts(server: FakeS3, more: RemoteOptions = {}): RemoteOptions {
  return { region: 'us-east-1', endpointUrl: server.url, warn: (m) => warnings.push(m), ...more };
}

/** Everything a run could print, to check that no credential leaks into it. */
function noSecrets(...texts: unknown[]): void {
  const all = JSON.stringify(texts, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  for (const secret of [FAKE_ACCESS_KEY, FAKE_SECRET_KEY, FAKE_SESSION_TOKEN]) expect(all).not.toContain(secret);
}

async function failure(p: Promise<unknown>): Promise<AwsSourceError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AwsSourceError);
    return err as AwsSourceError;
  }
  throw new Error('expected a failure');
}

describe('S3 URLs', () => {
  it('splits s3://bucket/prefix and S3 ARNs (a flow log LogDestination)', () => {
    expect(parseS3Url('s3://b-1/AWSLogs/')).toEqual(E.right({ bucket: 'b-1', prefix: 'AWSLogs/' }));
    expect(parseS3Url('s3://b-1')).toEqual(E.right({ bucket: 'b-1', prefix: '' }));
    expect(parseS3Url('arn:aws:s3:::b-1/logs')).toEqual(E.right({ bucket: 'b-1', prefix: 'logs' }));
    expect(E.isLeft(parseS3Url('s3:///x'))).toBe(true);
    expect(isS3Url('s3://x')).toBe(true);
    expect(isS3Url('./s3/x.log')).toBe(false);
  });

  it('reads the 5-minute time from a delivery file name (ref 1.9)', () => {
    expect(fileNameTime(`x/${fileName('20180620T1620Z')}`)).toBe(Date.UTC(2018, 5, 20, 16, 20));
    expect(fileNameTime('x/flows.log.gz')).toBeNull();
  });
});

describe('prefetch', () => {
  it('keeps source order when later requests finish first, and discards what was never consumed', async () => {
    async function* items() {
      yield* [30, 10, 20, 5, 1];
    }
    const started: number[] = [];
    const discarded: number[] = [];
    const out: number[] = [];
    const delay = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
    for await (const v of prefetch(items(), (ms) => (started.push(ms), delay(ms)), 3, (v) => discarded.push(v))) {
      out.push(v);
      if (out.length === 3) break;
    }
    expect(out).toEqual([30, 10, 20]);
    await delay(10);
    expect(started).toEqual([30, 10, 20, 5, 1]);
    expect(discarded.sort((a, b) => a - b)).toEqual([1, 5]);
  });
});

describe('readS3FlowLogs', () => {
  it('follows ListObjectsV2 continuation tokens and reads every object in key order, signed with the env credentials', async () => {
    const objects: Record<string, Buffer> = {};
    const stamps = ['20240105T1000Z', '20240105T1005Z', '20240105T1010Z', '20240105T1015Z', '20240105T1020Z'];
    // inserted out of order on purpose
    for (const [i, s] of [...stamps.entries()].reverse()) objects[`${DEFAULT_ROOT}2024/01/05/${fileName(s)}`] = gzText([rec(i)]);
    const server = await s3(objects, { pageSize: 2 });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server)));

    const calls = server.listCalls();
    expect(calls.map((c) => c.prefix)).toEqual([DEFAULT_ROOT, DEFAULT_ROOT, DEFAULT_ROOT]);
    expect(calls.map((c) => c.token === null)).toEqual([true, false, false]);
    expect(got.fileErrors).toEqual([]);
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4']);
    // requests overlap (prefetch), so they may arrive in any order; the records above are in key order
    expect([...server.getCalls()].sort()).toEqual(stamps.map((s) => `${DEFAULT_ROOT}2024/01/05/${fileName(s)}`));
    expect(got.starts.map((s) => s.file)).toEqual(stamps.map((s) => `s3://${BUCKET}/${DEFAULT_ROOT}2024/01/05/${fileName(s)}`));
    const auth = server.requests[0]!.headers['authorization'] ?? '';
    expect(auth).toContain(`Credential=${FAKE_ACCESS_KEY}/`);
    noSecrets(got.events, warnings);
  });

  it('maps --since/--until onto the default layout: only the day prefixes in the window are listed (ref 1.9)', async () => {
    const day = (d: string, stamp: string) => `${DEFAULT_ROOT}2024/01/${d}/${fileName(stamp)}`;
    const server = await s3({
      [day('04', '20240104T2355Z')]: gzText([rec(1)]),
      [day('05', '20240105T0950Z')]: gzText([rec(2)]),
      [day('05', '20240105T0955Z')]: gzText([rec(3)]), // 09:55-10:00, ends where the window starts
      [day('05', '20240105T1000Z')]: gzText([rec(4)]),
      [day('06', '20240106T1200Z')]: gzText([rec(5)]),
      [day('07', '20240107T0155Z')]: gzText([rec(6)]),
      [day('07', '20240107T0200Z')]: gzText([rec(7)]),
      [day('08', '20240108T0000Z')]: gzText([rec(8)]),
      [`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2024/01/05/trail.json.gz`]: gzipSync('{"Records":[]}'),
      [`AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2023/12/31/${fileName('20231231T2300Z', 'aa', 'log.gz', 'eu-west-1')}`]: gzText([rec(9)]),
    });
    const got = await collect(
      readS3FlowLogs(`s3://${BUCKET}`, opts(server, { since: new Date('2024-01-05T10:00:00Z'), until: new Date('2024-01-07T02:00:00Z') })),
    );
    expect(got.fileErrors).toEqual([]);
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.4', '10.0.1.5', '10.0.1.6']);
    const listed = server.listCalls().map((c) => `${c.prefix}|${c.delimiter}`);
    expect(listed).toEqual([
      '|/', // the bucket: finds AWSLogs/
      'AWSLogs/|/', // the accounts
      `AWSLogs/${ACCOUNT}/vpcflowlogs/|/`, // the regions (CloudTrail/ is never listed)
      // eu-west-1 has no 2024 folders; they are computed, not listed, so they cost one empty listing each
      `AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2024/01/05/|/`,
      `AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2024/01/06/|`,
      `AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2024/01/07/|/`,
      `${DEFAULT_ROOT}2024/01/05/|/`, // partly in the window: files filtered by name time
      `${DEFAULT_ROOT}2024/01/06/|`, // wholly in the window: listed in one go
      `${DEFAULT_ROOT}2024/01/07/|/`,
    ]);
    expect([...server.getCalls()].sort()).toEqual([day('05', '20240105T1000Z'), day('06', '20240106T1200Z'), day('07', '20240107T0155Z')]);
  });

  it('maps --since/--until onto the Hive layout with per-hour partitions (ref 1.9)', async () => {
    const at = (d: string, h: string, stamp: string) => `${HIVE_ROOT}year=2024/month=01/day=${d}/hour=${h}/${fileName(stamp, 'bb', 'log.gz', 'eu-west-1')}`;
    const server = await s3({
      [at('05', '09', '20240105T0955Z')]: gzText([rec(1)]),
      [at('05', '10', '20240105T1000Z')]: gzText([rec(2)]),
      [at('05', '10', '20240105T1055Z')]: gzText([rec(3)]),
      [at('06', '00', '20240106T0000Z')]: gzText([rec(4)]),
      [at('06', '23', '20240106T2355Z')]: gzText([rec(5)]),
      [at('07', '01', '20240107T0100Z')]: gzText([rec(6)]),
      [at('07', '03', '20240107T0300Z')]: gzText([rec(7)]),
    });
    const got = await collect(
      readS3FlowLogs(`s3://${BUCKET}/AWSLogs/`, opts(server, { since: new Date('2024-01-05T10:00:00Z'), until: new Date('2024-01-07T02:00:00Z') })),
    );
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6']);
    expect(server.listCalls().map((c) => `${c.prefix}|${c.delimiter}`)).toEqual([
      'AWSLogs/|/',
      `AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/|/`,
      `${HIVE_ROOT}year=2024/month=01/day=05/|/`, // hours 09 and 10
      `${HIVE_ROOT}year=2024/month=01/day=05/hour=09/|`, // its last files may run past 10:00 (5-minute files); 09:55 ends at 10:00
      `${HIVE_ROOT}year=2024/month=01/day=05/hour=10/|`,
      `${HIVE_ROOT}year=2024/month=01/day=06/|`,
      `${HIVE_ROOT}year=2024/month=01/day=07/|/`,
      `${HIVE_ROOT}year=2024/month=01/day=07/hour=01/|`,
    ]);
  });

  it("reads a file of the day before --since whose 5 minutes run past midnight into the window (ref 1.9)", async () => {
    const server = await s3({
      [`${DEFAULT_ROOT}2024/11/26/${fileName('20241126T2350Z')}`]: gzText([rec(1)]),
      [`${DEFAULT_ROOT}2024/11/26/${fileName('20241126T2357Z')}`]: gzText([rec(2)]),
      [`${DEFAULT_ROOT}2024/11/27/${fileName('20241127T0005Z')}`]: gzText([rec(3)]),
    });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server, { since: new Date('2024-11-27T00:00:00Z'), until: new Date('2024-11-28T00:00:00Z') })));
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.2', '10.0.1.3']);
  });

  it('lists whole months when a window covers them, and the years when it has no start', async () => {
    const server = await s3({
      [`${DEFAULT_ROOT}2023/11/30/${fileName('20231130T2355Z')}`]: gzText([rec(1)]),
      [`${DEFAULT_ROOT}2023/12/15/${fileName('20231215T1200Z')}`]: gzText([rec(2)]),
      [`${DEFAULT_ROOT}2024/01/01/${fileName('20240101T0000Z')}`]: gzText([rec(3)]),
      [`${DEFAULT_ROOT}2024/01/02/${fileName('20240102T0000Z')}`]: gzText([rec(4)]),
    });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server, { until: new Date('2024-01-02T00:00:00Z') })));
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.3']);
    expect(server.listCalls().map((c) => `${c.prefix}|${c.delimiter}`)).toEqual([
      `${DEFAULT_ROOT}|/`, // no --since: the years are listed
      `${DEFAULT_ROOT}2023/|`, // all of 2023 is before --until
      `${DEFAULT_ROOT}2024/01/01/|`,
    ]);
  });

  it('reads a gzip text object by its header line; file is s3://bucket/key and line counts the header', async () => {
    const key = `${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z')}`;
    const custom = 'version interface-id srcaddr dstaddr srcport dstport protocol action tcp-flags flow-direction';
    const body = gzipSync(`${custom}\n5 eni-0a1b2c3d4e5f60001 10.0.1.10 10.0.2.20 50612 5432 6 REJECT 2 ingress\n\n5 eni-0a1b2c3d4e5f60001 10.0.1.11 10.0.2.20 50613 5432 6 ACCEPT 2 ingress\n`);
    const server = await s3({ [key]: body });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${key}`, opts(server)));
    expect(got.starts).toHaveLength(1);
    expect(got.starts[0]!.formatSource).toBe('header');
    expect(got.starts[0]!.format.fields).toEqual(custom.split(' '));
    expect(got.records.map((r) => [r.file, r.line, r.action, r.flowDirection])).toEqual([
      [`s3://${BUCKET}/${key}`, 2, 'REJECT', 'ingress'],
      [`s3://${BUCKET}/${key}`, 4, 'ACCEPT', 'ingress'],
    ]);
  });

  it('reads a Parquet object written with the GZIP codec (ref 1.9)', async () => {
    const n = 50;
    const names = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status'];
    const types = ['INT32', 'STRING', 'STRING', 'STRING', 'STRING', 'INT32', 'INT32', 'INT32', 'INT64', 'INT64', 'INT64', 'INT64', 'STRING', 'STRING'] as const;
    const rows = Array.from({ length: n }, (_, i) => [2, ACCOUNT, 'eni-0a1b2c3d4e5f60001', `10.0.3.${i}`, '10.0.2.20', 40000 + i, 443, 6, 1n, 60n, 1704448800n, 1704448860n, i % 2 ? 'ACCEPT' : 'REJECT', 'OK']);
    const ab = parquetWriteBuffer({
      columnData: names.map((name, c) => ({ name, type: types[c]!, nullable: true, data: rows.map((r) => r[c]) })),
      codec: 'GZIP',
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
      rowGroupSize: 20,
    });
    const key = `${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z', 'cc', 'log.parquet')}`;
    const server = await s3({ [key]: new Uint8Array(ab) });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server)));
    expect(got.fileErrors).toEqual([]);
    expect(got.starts[0]!.formatSource).toBe('parquet-schema');
    expect(got.records).toHaveLength(n);
    expect(got.records[0]!.fields()).toMatchObject({ 'interface-id': 'eni-0a1b2c3d4e5f60001', srcaddr: '10.0.3.0', dstport: 443, action: 'REJECT', 'log-status': 'OK' });
    expect(got.records[n - 1]!.line).toBe(n);
    expect(got.records[0]!.file).toBe(`s3://${BUCKET}/${key}`);
  });

  it('reports a corrupt or truncated gzip object as a file-error naming s3://bucket/key and goes on', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => rec(i, i % 3 ? 'ACCEPT' : 'REJECT', `eni-${(i * 7919).toString(16).padStart(17, '0')}`));
    const whole = gzText(lines);
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]), Buffer.from('this is not deflate data at all, just junk '.repeat(20))]);
    const k = (stamp: string) => `${DEFAULT_ROOT}2024/01/05/${fileName(stamp)}`;
    const server = await s3({ [k('20240105T1000Z')]: truncated, [k('20240105T1005Z')]: garbage, [k('20240105T1010Z')]: gzText([rec(7)]) });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server)));
    expect(got.fileErrors.map((e) => e.file)).toEqual([`s3://${BUCKET}/${k('20240105T1000Z')}`, `s3://${BUCKET}/${k('20240105T1005Z')}`]);
    expect(got.fileErrors[0]!.message).toMatch(/gzip|unexpected end/i);
    const fromTruncated = got.records.filter((r) => r.file.endsWith(k('20240105T1000Z')));
    expect(fromTruncated.length).toBeGreaterThan(100);
    expect(fromTruncated.length).toBeLessThan(3000);
    expect(fromTruncated.map((r) => r.line)).toEqual(Array.from({ length: fromTruncated.length }, (_, i) => i + 2));
    // the next object is still read, after the errors
    expect(got.records.at(-1)!.file).toBe(`s3://${BUCKET}/${k('20240105T1010Z')}`);
    expect(got.records.at(-1)!.srcaddr).toBe('10.0.1.7');
  });

  it('stops with an error naming s3:ListBucket and the bucket when ListObjectsV2 is denied', async () => {
    const server = await s3({ [`${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z')}`]: gzText([rec(1)]) }, {
      intercept: (req) => (req.query.get('list-type') === '2' ? s3Error(403, 'AccessDenied', 'Access Denied') : undefined),
    });
    const err = await failure(collect(readS3FlowLogs(`s3://${BUCKET}/AWSLogs/`, opts(server))));
    expect(err.permission).toBe('s3:ListBucket');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('s3:ListBucket');
    expect(err.message).toContain(BUCKET);
    expect(err.message).toContain('AccessDenied');
    expect(err.message).not.toMatch(/\n\s+at /);
    noSecrets(err.message, err);
  });

  it('stops with an error naming s3:GetObject and s3://bucket/key when GetObject is denied', async () => {
    const key = `${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z')}`;
    const server = await s3({ [key]: gzText([rec(1)]) }, {
      intercept: (req) => (req.query.get('list-type') !== '2' ? s3Error(403, 'AccessDenied', 'Access Denied') : undefined),
    });
    const err = await failure(collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server))));
    expect(err.permission).toBe('s3:GetObject');
    expect(err.message).toContain(`s3://${BUCKET}/${key}`);
    expect(err.message).toContain('s3:GetObject');
    noSecrets(err.message);
  });

  it('names a missing bucket', async () => {
    const server = await s3({});
    const err = await failure(collect(readS3FlowLogs('s3://no-such-bucket/AWSLogs/', opts(server))));
    expect(err.message).toMatch(/bucket "no-such-bucket" does not exist/);
  });

  it('retries 503 SlowDown on ListObjectsV2 and GetObject (the SDK retry)', async () => {
    const key = `${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z')}`;
    let listFailures = 1;
    let getFailures = 1;
    const server = await s3({ [key]: gzText([rec(1), rec(2)]) }, {
      intercept: (req) => {
        const isList = req.query.get('list-type') === '2';
        if (isList && listFailures-- > 0) return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
        if (!isList && getFailures-- > 0) return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
        return undefined;
      },
    });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server)));
    expect(got.fileErrors).toEqual([]);
    expect(got.records).toHaveLength(2);
    expect(server.listCalls()).toHaveLength(2);
    expect(server.getCalls()).toEqual([key, key]);
  });

  it('a missing (deleted after the listing) or archived object is a file-error, and the read goes on', async () => {
    const k = (stamp: string) => `${DEFAULT_ROOT}2024/01/05/${fileName(stamp)}`;
    const server = await s3({ [k('20240105T1000Z')]: gzText([rec(1)]), [k('20240105T1005Z')]: gzText([rec(2)]), [k('20240105T1010Z')]: gzText([rec(3)]) }, {
      intercept: (req) =>
        req.path.endsWith(fileName('20240105T1000Z'))
          ? s3Error(404, 'NoSuchKey', 'The specified key does not exist.')
          : req.path.endsWith(fileName('20240105T1005Z'))
            ? s3Error(403, 'InvalidObjectState', 'The operation is not valid for the object\'s storage class', '<StorageClass>GLACIER</StorageClass>')
            : undefined,
    });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server)));
    expect(got.fileErrors).toEqual([
      { file: `s3://${BUCKET}/${k('20240105T1000Z')}`, message: expect.stringContaining('NoSuchKey') },
      { file: `s3://${BUCKET}/${k('20240105T1005Z')}`, message: expect.stringContaining('archived') },
    ]);
    expect(got.records.map((r) => r.srcaddr)).toEqual(['10.0.1.3']);
  });

  it('stops cleanly when the consumer stops early (explain --strict), discarding prefetched bodies', async () => {
    const objects: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) objects[`${DEFAULT_ROOT}2024/01/05/${fileName(`20240105T10${String(i * 5).padStart(2, '0')}Z`)}`] = gzText([rec(i)]);
    const server = await s3(objects);
    let done = 0;
    const seen: string[] = [];
    for await (const ev of readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server, { progress: { update: () => {}, done: () => done++ } }))) {
      if (ev.kind === 'records') {
        seen.push(...ev.records.map((r) => r.srcaddr ?? ''));
        break;
      }
    }
    expect(seen).toEqual(['10.0.1.0']);
    expect(done).toBe(1);
    expect(server.getCalls().length).toBeLessThanOrEqual(5);
  });

  it('keeps only the records of --interface ENIs', async () => {
    const key = `${DEFAULT_ROOT}2024/01/05/${fileName('20240105T1000Z')}`;
    const server = await s3({ [key]: gzText([rec(1, 'REJECT', 'eni-0000000000000000a'), rec(2, 'REJECT', 'eni-0000000000000000b'), rec(3, 'REJECT', 'eni-0000000000000000a')]) });
    const got = await collect(readS3FlowLogs(`s3://${BUCKET}/${DEFAULT_ROOT}`, opts(server, { interfaceIds: ['eni-0000000000000000a'] })));
    expect(got.records.map((r) => r.line)).toEqual([2, 4]);
  });

  it('reads a prefix without an AWSLogs/ tree whole, with a warning, and reports progress', async () => {
    const server = await s3({ 'copied/a.log.gz': gzText([rec(1)]), 'copied/b.log': `${HEADER}\n${rec(2)}\n` });
    const updates: number[] = [];
    let done = 0;
    const got = await collect(
      readS3FlowLogs(`s3://${BUCKET}/copied`, opts(server, { progress: { update: (p) => updates.push(p.objectsRead), done: () => done++ } })),
    );
    expect(got.records.map((r) => r.file)).toEqual([`s3://${BUCKET}/copied/a.log.gz`, `s3://${BUCKET}/copied/b.log`]);
    expect(server.listCalls().map((c) => `${c.prefix}|${c.delimiter}`)).toEqual(['copied|/', 'copied/|/', 'copied/|']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no AWSLogs\/ folder/);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.at(-1)).toBe(2);
    expect(done).toBe(1);
  });
});
