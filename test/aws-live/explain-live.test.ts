/**
 * `vpcwhy explain` against live-account fakes: the snapshot taken on the fly over the EC2 Query API,
 * flow logs from S3 (ListObjectsV2 + GetObject) and CloudWatch Logs (FilterLogEvents), all through the
 * real SDK clients on 127.0.0.1.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLogs, startFakeS3 } from '../aws-remote/servers.js';
import { validateExplainRecord } from '../cli/schemas.js';
import { startFakeEc2 } from './fake-ec2.js';
import { runVpcwhy, secretsIn, threeTierAccount, useFakeAwsEnvironment } from './support.js';

const LOG = readFileSync('examples/three-tier/flows.log', 'utf8');
const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const closers: Array<() => Promise<void>> = [];

beforeEach(() => useFakeAwsEnvironment(mkdtempSync(nodePath.join(tmpdir(), 'vpcwhy-live-'))));
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((c) => c()));
});

function rows(stdout: string) {
  return stdout.trim().split('\n').map((l) => {
    const o = JSON.parse(l);
    expect(validateExplainRecord(o)).toBe(true);
    return o as { line: number; file: string; verdict: string; blockedBy?: { rule?: number }; explanation?: string };
  });
}

describe('explain on a live account', () => {
  it('takes the snapshot on the fly with --region and explains a local log like --snapshot does', async () => {
    const ec2 = await startFakeEc2({ regions: { 'us-east-1': threeTierAccount() } });
    closers.push(() => ec2.close());
    const live = await runVpcwhy(['explain', '--region', 'us-east-1', '--endpoint-url', ec2.url, '--format', 'jsonl', 'examples/three-tier/flows.log']);
    const fromFiles = await runVpcwhy(['explain', '--snapshot', 'examples/three-tier/snapshot', '--format', 'jsonl', 'examples/three-tier/flows.log']);
    expect(live.code).toBe(0);
    const strip = (o: { explanation?: string }) => ({ ...o, explanation: undefined });
    expect(rows(live.stdout).map(strip)).toEqual(rows(fromFiles.stdout).map(strip));
    expect(secretsIn(live.stdout + live.stderr)).toEqual([]);
  });

  it('exits 2 naming the permission when a describe call is denied', async () => {
    const ec2 = await startFakeEc2({ regions: { 'us-east-1': threeTierAccount() }, faults: [{ action: 'DescribeNetworkAcls', code: 'UnauthorizedOperation', status: 403 }] });
    closers.push(() => ec2.close());
    const r = await runVpcwhy(['explain', '--region', 'us-east-1', '--endpoint-url', ec2.url, 'examples/three-tier/flows.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ec2:DescribeNetworkAcls');
  });

  it('reads gzip objects with a header line from s3:// and names them in the output', async () => {
    const key = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/11/27/123456789012_vpcflowlogs_us-east-1_fl-0abc_20241127T1200Z_fe123456.log.gz';
    const s3 = await startFakeS3({ bucket: 'flow-bucket', objects: new Map([[key, gzipSync(`${HEADER}\n${LOG}`)]]) });
    closers.push(() => s3.close());
    const r = await runVpcwhy(['explain', '--snapshot', 'examples/three-tier/snapshot', '--region', 'us-east-1', '--endpoint-url', s3.url, '--format', 'jsonl', 's3://flow-bucket/']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const out = rows(r.stdout);
    expect(out.map((o) => [o.line, o.blockedBy?.rule ?? null])).toEqual([[2, 32767], [4, 90], [8, 32767], [10, 32768], [11, null], [12, null], [13, null]]);
    expect(out[0]!.file).toBe(`s3://flow-bucket/${key}`);
  });

  it('reads CloudWatch Logs events with the REJECT filter pushed down', async () => {
    const events = LOG.trim().split('\n').map((message, i) => ({ logStreamName: 'eni-0web100000000001-all', timestamp: 1732700000000 + i, message }));
    const logs = await startFakeLogs({ logGroupName: '/vpc/flow-logs', pages: [events.slice(0, 6), events.slice(6)] });
    closers.push(() => logs.close());
    const r = await runVpcwhy(['explain', '--snapshot', 'examples/three-tier/snapshot', '--region', 'us-east-1', '--endpoint-url', logs.url, '--log-group', '/vpc/flow-logs', '--format', 'jsonl']);
    expect(r.code).toBe(0);
    expect(rows(r.stdout).map((o) => o.verdict)).toEqual(['blocked', 'blocked', 'blocked', 'blocked', 'blocked', 'config-allows', 'unknown-interface']);
    expect(String(logs.filterCalls()[0]!['filterPattern'])).toContain('REJECT');
    expect(logs.filterCalls()).toHaveLength(2);
  });
});
