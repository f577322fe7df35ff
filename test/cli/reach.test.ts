/**
 * `vpcwhy reach` (issue 15): the JSON contract, exit codes, bad input, and the false-positive traps of
 * peer-tools.md section 5 judged on the whole path (ref 4.1, 5.1, 8.12).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot } from './path-snapshot.js';

const EXAMPLE = 'examples/three-tier/snapshot';

interface ReachJson {
  to: string;
  from: string;
  allowed: Array<{ protocol: number; ports: [number, number][] | null; srcPorts: [number, number][] | null; sources: string[]; destinations: string[]; allowedBy: Array<Record<string, unknown>>; icmp?: unknown }>;
  unknown: unknown[];
  notes: string[];
  explanation: string;
}

async function reachJson(args: string[]): Promise<{ code: number; json: ReachJson }> {
  const r = await runCli(['reach', ...args, '--format', 'json']);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return { code: r.code, json: JSON.parse(r.stdout) as ReachJson };
}

const SSH_FROM_ANYWHERE = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];

describe('vpcwhy reach', () => {
  it('JSON rows of the example: tcp/22 from 192.0.2.0/24 only, with the group rule and both NACL entries (ref 4.1, 5.1)', async () => {
    const { code, json } = await reachJson(['--snapshot', EXAMPLE, '--to', 'eni-0web100000000001', '--protocol', 'tcp', '--port', '22']);
    expect(code).toBe(0);
    expect(Object.keys(json)).toEqual(['to', 'from', 'allowed', 'unknown', 'notes', 'explanation']);
    expect(json.to).toBe('eni-0web100000000001');
    expect(json.from).toBe('internet');
    expect(json.allowed).toHaveLength(1);
    const row = json.allowed[0]!;
    expect(Object.keys(row)).toEqual(['protocol', 'ports', 'srcPorts', 'sources', 'destinations', 'allowedBy']);
    expect(row).toMatchObject({ protocol: 6, ports: [[22, 22]], sources: ['192.0.2.0/24'], destinations: ['54.210.1.10/32'] });
    expect(row.allowedBy).toEqual([
      { component: 'security-group', id: 'sg-0web000000000001', direction: 'inbound', rule: 3 },
      { component: 'network-acl', id: 'acl-0public000000001', direction: 'inbound', rule: 110 },
      { component: 'network-acl', id: 'acl-0public000000001', direction: 'outbound', rule: 100 },
    ]);
    expect(json.explanation).toMatch(/eni-0web100000000001 is reachable from the internet on tcp\/22/);
  });

  it('the database is not reachable from the internet (no public address, no internet route): exit 1, no rows', async () => {
    const { code, json } = await reachJson(['--snapshot', EXAMPLE, '--to', 'eni-0db1000000000004']);
    expect(code).toBe(1);
    expect(json.allowed).toEqual([]);
    expect(json.explanation).toMatch(/^Nothing from the internet reaches eni-0db1000000000004/);
  });

  it('from the app subnet to the database: tcp/5432 from 10.0.2.20 with the sgr- rule id', async () => {
    const { code, json } = await reachJson(['--snapshot', EXAMPLE, '--to', 'eni-0db1000000000004', '--from', 'eni-0app100000000003']);
    expect(code).toBe(0);
    expect(json.allowed.map((r) => [r.protocol, r.ports, r.sources])).toEqual([[6, [[5432, 5432]], ['10.0.2.20/32']]]);
    expect(json.allowed[0]!.allowedBy).toContainEqual({ component: 'security-group', id: 'sg-0db0000000000003', direction: 'inbound', rule: 'sgr-0dbpostgres00001' });
  });

  it('a group open to 0.0.0.0/0 on an interface without a public address is not internet-reachable (peer-tools 5; ref 8.12)', async () => {
    const file = snapshot({ groups: [group('sg-open', SSH_FROM_ANYWHERE), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')] });
    // eni-fw has no public address; its subnet routes 0.0.0.0/0 to the internet gateway.
    const { code, json } = await reachJson(['--snapshot', file, '--to', 'eni-fw']);
    expect(code).toBe(1);
    expect(json.allowed).toEqual([]);
  });

  it('a group open to ::/0 where the NACL denies IPv6: only IPv4 rows (peer-tools 5; ref 5.1)', async () => {
    const denyV6 = [
      { RuleNumber: 50, Protocol: '-1', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0' },
      ...ALLOW_ALL,
    ];
    const file = snapshot({
      groups: [group('sg-open', SSH_FROM_ANYWHERE), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')],
      acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], denyV6), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')],
    });
    const { code, json } = await reachJson(['--snapshot', file, '--to', 'eni-web', '--port', '22']);
    expect(code).toBe(0);
    expect(json.allowed.length).toBeGreaterThan(0);
    expect(json.allowed.every((r) => r.destinations.every((d) => !d.includes(':')))).toBe(true);
    expect(json.allowed.flatMap((r) => r.destinations).sort()).toEqual(['54.1.2.3/32', '54.1.2.4/32']);
    const open = await reachJson(['--snapshot', snapshot({ groups: [group('sg-open', SSH_FROM_ANYWHERE), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')] }), '--to', 'eni-web', '--port', '22']);
    expect(open.json.allowed.flatMap((r) => r.destinations)).toContain('2600:1f18:1:102::10/128');
  });

  it('a deny entry before the allow narrows the sources exactly (first match, ref 5.1)', async () => {
    const entries = [
      { RuleNumber: 10, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/1', PortRange: { From: 22, To: 22 } },
      ...ALLOW_ALL,
    ];
    const file = snapshot({
      groups: [group('sg-open', SSH_FROM_ANYWHERE), group('sg-app'), group('sg-peer', OPEN, OPEN, 'vpc-2')],
      acls: [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], entries), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')],
    });
    const { json } = await reachJson(['--snapshot', file, '--to', 'eni-web', '--protocol', 'tcp', '--port', '22']);
    const v4 = json.allowed.filter((r) => !r.destinations[0]!.includes(':'));
    expect(v4.length).toBeGreaterThan(0);
    for (const r of v4) expect(r.sources.every((s) => Number(s.split('.')[0]) >= 128)).toBe(true);
  });

  it('text output is a table with the verdict, rows and the rules', async () => {
    const r = await runCli(['reach', '--snapshot', EXAMPLE, '--to', 'eni-0web100000000001', '--port', '22', '--protocol', 'tcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^REACHABLE: eni-0web100000000001 from internet\n/);
    expect(r.stdout).toContain('1. tcp/22');
    expect(r.stdout).toContain('   from 192.0.2.0/24');
    expect(r.stdout).toContain('   by   group sg-0web000000000001 inbound rule 3; network ACL acl-0public000000001 inbound rule 110; network ACL acl-0public000000001 outbound rule 100');
  });

  it('bad input: exit 2 with a message naming the option', async () => {
    for (const [args, msg] of [
      [['--to', 'eni-nope'], /--to: no network interface eni-nope/],
      [['--to', 'eni-0web100000000001', '--from', 'nowhere'], /--from: expected internet, any, a CIDR/],
      [['--to', 'eni-0web100000000001', '--port', '70000'], /--port: expected a port or a range/],
      [['--to', 'eni-0web100000000001', '--protocol', 'icmp', '--port', '22'], /--port applies to tcp and udp only/],
      [['--to', 'eni-0web100000000001', '--format', 'xml'], /--format: expected text or json/],
    ] as const) {
      const r = await runCli(['reach', '--snapshot', EXAMPLE, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
