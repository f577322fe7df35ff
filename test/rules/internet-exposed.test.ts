/**
 * internet-exposed-admin-port, -database-port and -all-ports (issue 15): judged on whole-path reachability
 * (ref 4.1, 5.1, 8.12), with the false-positive traps of peer-tools.md section 5: a group open to 0.0.0.0/0
 * on an interface without a public address; a group open to ::/0 where the NACL denies IPv6; a NACL that
 * denies the responses; sources within the threshold.
 */
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runAudit } from '../../src/audit/run.js';
import type { Finding } from '../../src/audit/rule-api.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot } from '../cli/path-snapshot.js';

async function audit(file: string, rule: string, options?: Record<string, unknown>): Promise<Finding[]> {
  const r = await loadSnapshot([file])();
  if (r._tag !== 'Right') throw new Error('load');
  return [...runAudit(indexSnapshot(r.right), { rules: [rule], ...(options ? { options: { [rule]: options } } : {}) }).findings];
}

const tcp = (port: number, cidr4 = '0.0.0.0/0', cidr6?: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr4 }], ...(cidr6 ? { Ipv6Ranges: [{ CidrIpv6: cidr6 }] } : {}) });
const groups = (web: unknown[]) => [group('sg-open', OPEN), group('sg-web', web), group('sg-app', []), group('sg-peer', OPEN, OPEN, 'vpc-2')];
const webOn = (g: string) => ({ 'eni-web': { Groups: [{ GroupId: g }] } });
const acls = (entries: unknown[]) => [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], entries), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')];

describe('internet-exposed-admin-port', () => {
  it('SSH open to the internet on an interface with public addresses: high, exact sources, the group rule as entry (ref 4.1, 8.12)', async () => {
    const file = snapshot({ groups: groups([tcp(22, '0.0.0.0/0', '::/0')]), eni: webOn('sg-web') });
    const f = await audit(file, 'internet-exposed-admin-port');
    expect(f.map((x) => [x.resource, x.severity, x.details?.['family'], x.details?.['protocol'], x.details?.['ports']])).toEqual([
      ['eni-web', 'high', 4, 6, [[22, 22]]],
      ['eni-web', 'high', 6, 6, [[22, 22]]],
    ]);
    expect(f[0]!.entry).toEqual({ kind: 'sg-rule', groupId: 'sg-web', direction: 'inbound', index: 0 });
    // The internet: all but the private ranges, loopback, link-local, the VPCs and the snapshot's own public addresses.
    const sources = f[0]!.details?.['sources'] as string[];
    expect(sources.slice(0, 2)).toEqual(['0.0.0.0/7', '2.0.0.0/8']); // 3.3.3.3 is the NAT gateway's: the snapshot's own
    expect(sources.some((s) => s.startsWith('10.'))).toBe(false);
    expect(f[0]!.message).toMatch(/eni-web is reachable from the internet on administration port tcp\/22 over IPv4 from [\d,]+ addresses/);
    expect(f[0]!.location.jsonPath).toMatch(/NetworkInterfaces\[0\]/);
  });

  it('trap: the same group on an interface without a public address is not exposed (peer-tools 5)', async () => {
    const file = snapshot({ groups: groups([tcp(22, '0.0.0.0/0', '::/0')]), eni: { 'eni-fw': { Groups: [{ GroupId: 'sg-web' }] } } });
    expect((await audit(file, 'internet-exposed-admin-port')).filter((x) => x.resource === 'eni-fw')).toEqual([]);
  });

  it('trap: a group open to ::/0 where the NACL denies IPv6 is exposed over IPv4 only (ref 5.1)', async () => {
    const denyV6 = [{ RuleNumber: 10, Protocol: '-1', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0' }, ...ALLOW_ALL];
    const file = snapshot({ groups: groups([tcp(22, '0.0.0.0/0', '::/0')]), eni: webOn('sg-web'), acls: acls(denyV6) });
    expect((await audit(file, 'internet-exposed-admin-port')).map((x) => x.details?.['family'])).toEqual([4]);
  });

  it('trap: a NACL that denies the responses (outbound to ephemeral ports) leaves nothing exposed (ref 5.1)', async () => {
    const noReturn = [
      { RuleNumber: 10, Protocol: '6', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 65535 } },
      { RuleNumber: 11, Protocol: '6', RuleAction: 'deny', Egress: true, Ipv6CidrBlock: '::/0', PortRange: { From: 0, To: 65535 } },
      ...ALLOW_ALL,
    ];
    const file = snapshot({ groups: groups([tcp(22, '0.0.0.0/0', '::/0')]), eni: webOn('sg-web'), acls: acls(noReturn) });
    expect(await audit(file, 'internet-exposed-admin-port')).toEqual([]);
  });

  it('negative: SSH from one office /24 is within the /16 threshold; a /8 threshold option reports it only when wider', async () => {
    const file = snapshot({ groups: groups([tcp(22, '198.51.100.0/24')]), eni: webOn('sg-web') });
    expect(await audit(file, 'internet-exposed-admin-port')).toEqual([]);
    expect((await audit(file, 'internet-exposed-admin-port', { maxPrefixV4: 25 })).map((x) => x.details?.['sources'])).toEqual([['198.51.100.0/24']]);
  });
});

describe('internet-exposed-database-port', () => {
  it('PostgreSQL open to the internet: reported; HTTPS open is not a database port', async () => {
    const file = snapshot({ groups: groups([tcp(5432), tcp(443)]), eni: webOn('sg-web') });
    const f = await audit(file, 'internet-exposed-database-port');
    expect(f.map((x) => [x.resource, x.details?.['ports']])).toEqual([['eni-web', [[5432, 5432]]]]);
    expect(await audit(snapshot({ groups: groups([tcp(443)]), eni: webOn('sg-web') }), 'internet-exposed-database-port')).toEqual([]);
  });

  it('trap: a NACL deny before the allow for the port closes it (first match, ref 5.1)', async () => {
    const deny = [{ RuleNumber: 5, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 5432, To: 5432 } }, ...ALLOW_ALL];
    expect(await audit(snapshot({ groups: groups([tcp(5432)]), eni: webOn('sg-web'), acls: acls(deny) }), 'internet-exposed-database-port')).toEqual([]);
  });
});

describe('internet-exposed-all-ports', () => {
  it('all traffic from 0.0.0.0/0 with public addresses: critical, tcp and udp', async () => {
    const file = snapshot({ eni: webOn('sg-open') });
    const f = (await audit(file, 'internet-exposed-all-ports')).filter((x) => x.resource === 'eni-web' && x.details?.['family'] === 4);
    expect(f.map((x) => [x.severity, x.details?.['protocol'], x.details?.['ports']])).toEqual([
      ['critical', 6, [[0, 65535]]],
      ['critical', 17, [[0, 65535]]],
    ]);
  });

  it('negative: one closed port (a NACL deny of tcp/25) means not every port is open', async () => {
    const deny = [
      { RuleNumber: 5, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 25, To: 25 } },
      { RuleNumber: 6, Protocol: '6', RuleAction: 'deny', Egress: false, Ipv6CidrBlock: '::/0', PortRange: { From: 25, To: 25 } },
      ...ALLOW_ALL,
    ];
    const f = await audit(snapshot({ eni: webOn('sg-open'), acls: acls(deny) }), 'internet-exposed-all-ports');
    expect(f.filter((x) => x.details?.['protocol'] === 6)).toEqual([]);
    expect(f.filter((x) => x.details?.['protocol'] === 17).length).toBeGreaterThan(0);
  });
});
