/**
 * Input that cannot work is refused, not run as a success (issue 20 items 7-9): a --snapshot with nothing
 * vpcwhy reads, a log in a format it was not told, a run that reads no record, an empty input directory;
 * and the snapshot warnings that can change an answer are said first.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const SNAP = 'examples/three-tier/snapshot';
const LOG = 'examples/three-tier/flows.log';
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-unusable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const folder = (name: string): string => {
  const p = path.join(dir, name);
  mkdirSync(p, { recursive: true });
  return p;
};

describe('a --snapshot that yields no interface, group, NACL or route table is exit 2 naming the path (issue 20 item 7)', () => {
  const snapshots: Array<[string, () => string]> = [
    ['an empty file', () => file('empty.json', '')],
    ['{}', () => file('object.json', '{}')],
    ['a directory without JSON', () => (file('nojson/notes.txt', 'hello'), path.join(dir, 'nojson'))],
    ['an empty directory', () => folder('emptydir')],
  ];
  const commands: Array<[string, (s: string) => string[]]> = [
    ['explain', (s) => ['explain', '--snapshot', s, LOG]],
    ['trace', (s) => ['trace', '--snapshot', s, '--from', '10.0.1.10', '--to', '10.0.3.30', '--protocol', 'tcp', '--port', '5432']],
    ['reach', (s) => ['reach', '--snapshot', s, '--to', 'eni-0web100000000001']],
    ['audit', (s) => ['audit', '--snapshot', s]],
    ['sql', (s) => ['sql', '--snapshot', s, '--dialect', 'athena', '--location', 's3://bucket/prefix', '--region', 'us-east-1']],
    ['snapshot --check', (s) => ['snapshot', '--check', '--snapshot', s]],
  ];
  for (const [what, make] of snapshots) {
    it.each(commands)(`${what}: %s`, async (_name, args) => {
      const s = make();
      const r = await runCli(args(s));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('vpcwhy: '));
      expect(errors).toEqual([`vpcwhy: ${s}: no network interfaces, security groups, network ACLs or route tables found; give files or directories of \`aws ec2 describe-*\` JSON output`]);
      expect(r.stderr).not.toContain('UNKNOWN INTERFACE');
    });
  }
});

describe('a log every line of which has the same wrong field count: probably a custom format (issue 20 item 8, ref 1.4)', () => {
  it('says so, with the field count seen, the formats it fits, and --log-format; no record read is exit 2', async () => {
    const log = file('custom.log', 'eni-0web100000000001 198.51.100.7 10.0.1.10 40000 22 6 REJECT\neni-0web100000000001 198.51.100.7 10.0.1.10 40001 22 6 REJECT\n');
    const r = await runCli(['explain', '--snapshot', SNAP, log]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Bad lines: 2 (skipped)');
    expect(r.stderr).toContain(`vpcwhy: no record read from ${log}: the 2 lines read have 7 fields, not the 14 of the default format: probably a custom format. Pass the flow log's LogFormat (aws ec2 describe-flow-logs shows it) as --log-format '\${version} \${interface-id} ...', or put its header line first; no format vpcwhy knows has 7 fields`);
  });

  it('names the known format the count fits: 29 fields are every VPC field of versions 2-5 (ref 1.5)', async () => {
    const line = Array.from({ length: 29 }, () => '-').join(' ');
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', file('v5.log', `${line}\n${line}\n`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('have 29 fields, not the 14 of the default format: probably a custom format');
    expect(r.stderr).toContain('29 fields fit every VPC field of versions 2-5');
  });

  it('lines that read with --log-format are explained, exit 0', async () => {
    const log = path.join(dir, 'custom.log');
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', '--log-format', '${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}', log]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('under --strict the summary does not say "(skipped)": the run stopped at the bad line', async () => {
    const r = await runCli(['explain', '--snapshot', SNAP, '--strict', path.join(dir, 'custom.log')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Bad lines: 1 (the run stopped at it: --strict)');
    expect(r.stdout).not.toContain('(skipped)');
    expect(r.stderr).toContain('the line read has 7 fields, not the 14 of the default format: probably a custom format');
  });

  it('bad lines of several kinds: no custom-format advice, but no record read is still exit 2', async () => {
    const log = file('mixed.log', '1 2 3\n2 123456789012 eni-0web100000000001 198.51.100.7 10.0.1.10 40000 99999 6 3 180 1732700000 1732700060 REJECT OK\n');
    const r = await runCli(['explain', '--snapshot', SNAP, log]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`vpcwhy: no record read from ${log}: 2 bad lines and no good one`);
    expect(r.stderr).not.toContain('custom format');
  });
});

describe('a run that reads no record from any of its inputs exits 2 (issue 20 item 8)', () => {
  it('an empty file', async () => {
    const log = file('empty.log', '');
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', log]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`vpcwhy: no record read from ${log}: the file holds no flow-log line`);
  });

  it('an empty directory warns, and alone reads nothing (exit 2); beside a log it only warns', async () => {
    const empty = folder('logs-empty');
    let r = await runCli(['explain', '--snapshot', SNAP, empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`vpcwhy: warning: ${empty}: the directory holds no flow-log file; nothing is read from it`);
    expect(r.stderr).toContain(`vpcwhy: no record read from ${empty}: no flow-log file found`);
    r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', empty, LOG]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`vpcwhy: warning: ${empty}: the directory holds no flow-log file`);
  });

  it('a log with records but none of --interface is not an error: the answer is that there is none', async () => {
    const r = await runCli(['explain', '--snapshot', SNAP, '--format', 'jsonl', '--interface', 'eni-0nat000000000001', LOG]);
    expect(r.code).toBe(0);
  });
});

describe('snapshot warnings: those that can change an answer first, "not modelled" outputs in one line (issue 20 item 9)', () => {
  const snap = path.join(dir, 'warned');
  cpSync(SNAP, snap, { recursive: true });
  // Sorted after the example's files: its warnings would come last in file order.
  file('warned/zz-extra.json', JSON.stringify({
    LoadBalancers: [],
    VpnGateways: [],
    SecurityGroups: [{ GroupId: 'sg-0zz0000000000001', VpcId: 'vpc-0a1b2c3d4e5f60001', GroupName: 'zz', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-0gone000000000001' }] }], IpPermissionsEgress: [] }],
    NetworkAcls: [{ NetworkAclId: 'acl-0zz0000000000001', VpcId: 'vpc-0a1b2c3d4e5f60001', IsDefault: false, Entries: [{ RuleNumber: 40000, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }], Associations: [] }],
  }));
  const trace = ['trace', '--snapshot', snap, '--from', 'eni-0web100000000001', '--to', 'eni-0db1000000000004', '--protocol', 'tcp', '--port', '5432'];

  it('the missing referenced group comes before the other warnings; the not-modelled outputs are one line naming them', async () => {
    const r = await runCli(trace);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toContain('references security group sg-0gone000000000001, which is not in the snapshot');
    expect(lines[1]).toContain('rule number 40000 is outside 1-32766');
    expect(lines.filter((l) => l.includes('not modelled'))).toEqual(['warning: 2 describe-* outputs not modelled by vpcwhy, ignored: LoadBalancers, VpnGateways (--verbose lists them)']);
  });

  it('--verbose lists each not-modelled output once, without repeating its key', async () => {
    const r = await runCli([...trace, '--verbose']);
    const extra = path.join(snap, 'zz-extra.json');
    expect(r.stderr).toContain(`warning: ${extra}: LoadBalancers: not modelled by vpcwhy; ignored\n`);
    expect(r.stderr).toContain(`warning: ${extra}: VpnGateways: not modelled by vpcwhy; ignored\n`);
    expect(r.stderr).not.toContain('LoadBalancers: LoadBalancers');
  });
});
