/**
 * Input the CLI must not take silently (found by a garbage-input review): misspelled flow-log fields,
 * empty snapshots, options that do not apply, usage errors caught before any output, and terminal
 * control characters from the input.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/report/printable.js';
import { runCli } from './run-cli.js';

const SNAP = 'examples/three-tier/snapshot';
const LOG = 'examples/three-tier/flows.log';
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('explain: input it warns about or refuses', () => {
  it('names a misspelled field of a header line, with the field it probably means, and a missing field explain needs (ref 1.4)', async () => {
    const log = file('typo.log', 'version interface-id srcadr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 eni-0web100000000001 198.51.100.7 10.0.1.10 40000 22 6 1 40 1 2 REJECT OK\n');
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', log]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('header line 1: "srcadr" is not a flow-log field (did you mean "srcaddr"?)');
    expect(r.stderr).toContain('header line 1: no srcaddr field, so records cannot be attributed to a rule');
  });

  it('refuses a VPCWHY_READ_THREADS other than 1 or 2, and 2 where there is no read worker (the TypeScript sources), before any output', async () => {
    const saved = process.env.VPCWHY_READ_THREADS;
    try {
      process.env.VPCWHY_READ_THREADS = 'yes';
      let r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', LOG]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('VPCWHY_READ_THREADS: expected 1 (read on the main thread) or 2 (read on a worker), got "yes"');
      expect(r.stdout).toBe('');
      process.env.VPCWHY_READ_THREADS = '2';
      r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', LOG]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('VPCWHY_READ_THREADS=2: this build has no read worker');
      expect(r.stderr).not.toContain('internal error');
    } finally {
      if (saved === undefined) delete process.env.VPCWHY_READ_THREADS;
      else process.env.VPCWHY_READ_THREADS = saved;
    }
  });

  it('refuses a snapshot that holds nothing vpcwhy reads (exit 2; every class and command: unusable-input.test.ts)', async () => {
    const r = await runCli(['explain', '--snapshot', file('empty.json', '{}'), '--format', 'jsonl', LOG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no network interfaces, security groups, network ACLs or route tables found');
  });

  it('says that --since applies to S3 and CloudWatch only, and that an --interface is not in the snapshot', async () => {
    const r = await runCli(['explain', '--snapshot', SNAP, '--since', '2h', '--interface', 'eni-nowhere', '--format', 'jsonl', LOG]);
    expect(r.stderr).toContain('--since and --until select S3 objects and CloudWatch events; local files and stdin are read whole');
    expect(r.stderr).toContain('--interface "eni-nowhere" is not a network interface in the snapshot');
  });

  it('says that live-AWS options are not used with --snapshot and local files', async () => {
    const r = await runCli(['explain', '--snapshot', SNAP, '--allow-partial', '--region', 'us-east-1', '--format', 'jsonl', LOG]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('--allow-partial, --region are for live snapshots, S3 and CloudWatch');
  });

  it('refuses an empty --log-group, a malformed s3:// URL and other URLs before writing any output', async () => {
    for (const args of [['--log-group', '', LOG], ['s3:///prefix', LOG], ['https://example.com/flows.log']]) {
      const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('shows control characters from the input as \\xNN in text output, never raw', async () => {
    const log = file('esc.log', '2 123456789012 eni-\u001b[31mred 198.51.100.7 10.0.1.10 40000 22 6 1 40 1 2 REJECT OK\n');
    const r = await runCli(['explain', '--snapshot', SNAP, log]);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('eni-\\x1b[31mred');
    expect(printable('a\tb\nc\u0000\u009b')).toBe('a\tb\nc\\x00\\x9b');
  });
});

describe('trace: options that do not apply are usage errors', () => {
  it.each([
    [['--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004', '--protocol', 'tcp', '--port', '5432', '--icmp-type', '3'], '--icmp-type and --icmp-code apply to icmp and icmpv6 only'],
    [['--from', '10.0.1.10', '--to', '10.0.3.30', '--protocol', 'tcp', '--port', '5432', '--ipv6'], '--ipv6 picks the IPv6 addresses of two ENI ids'],
    [['--from', 'eni-0web100000000001', '--to', '10.0.1.10', '--protocol', 'tcp', '--port', '22'], 'are the same address (10.0.1.10)'],
  ])('%j', async (args, message) => {
    const r = await runCli(['trace', '--snapshot', SNAP, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('hidden and metadata entries of walked directories are named, not dropped silently', () => {
  it('explain reports the flow-log files it did not read', async () => {
    const d = path.join(dir, 'logs');
    mkdirSync(path.join(d, '_meta'), { recursive: true });
    file('logs/_SUCCESS', '');
    file('logs/.hidden.log', '2 123456789012 eni-0web100000000001 198.51.100.7 10.0.1.10 40000 22 6 1 40 1 2 REJECT OK\n');
    file('logs/a.log', '2 123456789012 eni-0web100000000001 198.51.100.7 10.0.1.10 40000 22 6 1 40 1 2 REJECT OK\n');
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', d]);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`not read: ${path.join(d, '.hidden.log')}, ${path.join(d, '_SUCCESS')}, ${path.join(d, '_meta')}`);
  });

  it('the snapshot loader warns of a hidden file it did not read', async () => {
    const d = path.join(dir, 'snap');
    mkdirSync(d, { recursive: true });
    file('snap/.network-interfaces.json', '{"NetworkInterfaces": []}');
    file('snap/vpcs.json', '{"Vpcs": []}');
    const r = await runCli(['explain', '--snapshot', d, '--format', 'jsonl', LOG]);
    expect(r.stderr).toContain(`${path.join(d, '.network-interfaces.json')}: hidden; not read`);
  });
});

describe('the column order of a CloudWatch log group (ref 1.10)', () => {
  it('comes from the flow log that writes to the group, found by name or by ARN; an unknown group gets a warning', async () => {
    const { formatForLogGroup } = await import('../../src/cli/explain.js');
    const { indexSnapshot } = await import('../../src/engine/snapshot-index.js');
    const { emptySnapshot } = await import('../../src/model/snapshot.js');
    const index = indexSnapshot({
      ...emptySnapshot(),
      flowLogs: [{ id: 'fl-1', resourceId: 'vpc-1', logGroupName: '/vpc/custom', logFormat: '${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${log-status}', source: { file: 'f', path: 'FlowLogs[0]' } }],
    } as never);
    const warnings: string[] = [];
    const warn = (m: string) => void warnings.push(m);
    for (const group of ['/vpc/custom', 'arn:aws:logs:us-east-1:123456789012:log-group:/vpc/custom:*', 'arn:aws:logs:us-east-1:123456789012:log-group:/vpc/custom']) {
      expect(formatForLogGroup(index, group, undefined, warn)?.fields.indexOf('action'), group).toBe(7);
    }
    expect(warnings).toEqual([]);
    expect(formatForLogGroup(index, '/vpc/other', undefined, warn)).toBeUndefined();
    expect(warnings).toEqual(['log group /vpc/other: no --log-format and no flow log in the snapshot writes to it, so the default format is assumed (events of a custom format would all be bad lines; pass --log-format)']);
  });
});
