/**
 * sg-*-open-to-internet and nacl-*-open-to-internet (issue 21, "Latent and effective exposure"): a group
 * rule, or a NACL inbound entry that decides the packets (first match, ref 5.1), admitting the exposure
 * ports from the internet, effective (high, the interfaces and the matching internet-exposed-* finding
 * named) or latent (medium, with the reason in `details.latentReasons`), on the hand-written snapshot of
 * test/cli/path-snapshot.ts and on a Terraform plan alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/aws/load-snapshot.js';
import { loadSnapshotWithPlan } from '../../src/iac/load.js';
import { indexSnapshot } from '../../src/engine/snapshot-index.js';
import { runAudit } from '../../src/audit/run.js';
import type { Finding, LatentReason } from '../../src/audit/rule-api.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { ALLOW_ALL, OPEN, acl, group, snapshot } from '../cli/path-snapshot.js';
import { planOf, ref } from '../iac/plan-builder.js';

async function load(file: string): Promise<Snapshot> {
  const r = await loadSnapshot([file])();
  if (r._tag !== 'Right') throw new Error('load');
  return r.right;
}

function auditOf(s: Snapshot, rule: string, options?: Record<string, unknown>): Finding[] {
  return [...runAudit(indexSnapshot(s), { rules: [rule], ...(options ? { options: { [rule]: options } } : {}) }).findings];
}

async function audit(file: string, rule: string, options?: Record<string, unknown>): Promise<Finding[]> {
  return auditOf(await load(file), rule, options);
}

const tcp = (from: number, to = from, cidr4 = '0.0.0.0/0') => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [{ CidrIp: cidr4 }] });
const tcp6 = (port: number, cidr6 = '::/0') => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, Ipv6Ranges: [{ CidrIpv6: cidr6 }] });
/** sg-test holds the rules under test; `on` lists the interfaces that carry it (others keep their groups). */
function withGroup(rules: unknown[], on: string[], acls?: Record<string, unknown>[]): string {
  const groups = [group('sg-open', OPEN), group('sg-app', []), group('sg-peer', OPEN, OPEN, 'vpc-2'), group('sg-closed', []), group('sg-test', rules)];
  const eni = Object.fromEntries(['eni-web', 'eni-db', 'eni-fw', 'eni-app'].map((id) => [id, { Groups: [{ GroupId: on.includes(id) ? 'sg-test' : 'sg-closed' }] }]));
  return snapshot({ groups, eni, ...(acls ? { acls } : {}) });
}
const acls = (entries: unknown[]) => [acl('acl-1', ['subnet-pub', 'subnet-priv', 'subnet-fw'], entries), acl('acl-2', ['subnet-peer'], ALLOW_ALL, 'vpc-2')];
const of = (fs: Finding[], resource: string) => fs.filter((f) => f.resource === resource);
const reasons = (f: Finding | undefined) => ((f?.details?.['latentReasons'] ?? []) as LatentReason[]).map((r) => ('eni' in r ? `${r.reason} ${r.eni}` : r.reason));

describe('sg-admin-port-open-to-internet', () => {
  it('effective: SSH from 0.0.0.0/0 on an interface with a public address: high, names the interface and the internet-exposed-admin-port finding (ref 4.1, 8.12)', async () => {
    const file = withGroup([tcp(22)], ['eni-web']);
    const [f, ...rest] = of(await audit(file, 'sg-admin-port-open-to-internet'), 'sg-test');
    expect(rest).toEqual([]);
    expect([f!.severity, f!.details?.['exposure'], f!.details?.['family'], f!.details?.['exposedInterfaces']]).toEqual(['high', 'effective', 4, ['eni-web']]);
    expect(f!.entry).toEqual({ kind: 'sg-rule', groupId: 'sg-test', direction: 'inbound', index: 0 });
    const match = (f!.details?.['effectiveOn'] as { finding: Record<string, unknown> }[])[0]!.finding;
    expect(match).toEqual({ rule: 'internet-exposed-admin-port', resource: 'eni-web', family: 4, protocol: 6 });
    // The matching finding really exists.
    const exposed = await audit(file, 'internet-exposed-admin-port');
    expect(exposed.some((x) => x.resource === match['resource'] && x.details?.['family'] === match['family'] && x.details?.['protocol'] === match['protocol'])).toBe(true);
    expect(f!.message).toMatch(/^sg-test inbound rule #0 admits administration port tcp\/22 from [\d,]+ internet addresses over IPv4 .*: effective on eni-web \(internet-exposed-admin-port tcp\)$/);
  });

  it('effective over IPv6: ::/0 on an interface with an IPv6 address (ref 4.1)', async () => {
    const [f] = of(await audit(withGroup([tcp6(22)], ['eni-web']), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['exposure'], f!.details?.['family']]).toEqual(['high', 'effective', 6]);
  });

  it('latent, not attached: the group is on no interface (medium, reason not-attached)', async () => {
    const [f] = of(await audit(withGroup([tcp(3389)], []), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['exposure']]).toEqual(['medium', 'latent']);
    expect(f!.details?.['latentReasons']).toEqual([{ reason: 'not-attached', text: 'sg-test is attached to no network interface' }]);
    expect(f!.message).toMatch(/latent: sg-test is attached to no network interface$/);
  });

  it('latent, no public address: only on eni-fw (no public IPv4); over IPv6, no IPv6 address (peer-tools 5)', async () => {
    const fs = of(await audit(withGroup([tcp(22), tcp6(22)], ['eni-fw']), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect(fs.map((f) => [f.severity, f.details?.['family'], reasons(f)])).toEqual([
      ['medium', 4, ['no-public-address eni-fw']],
      ['medium', 6, ['no-public-address eni-fw']],
    ]);
    expect(fs[0]!.message).toContain('eni-fw has no public IPv4 address');
  });

  it('latent, no route to an internet gateway: eni-db has a public IP but its subnet routes 0.0.0.0/0 to a NAT gateway (ref 6.1)', async () => {
    const [f] = of(await audit(withGroup([tcp(22)], ['eni-db']), 'sg-admin-port-open-to-internet'), 'sg-test');
    const r = (f!.details?.['latentReasons'] as LatentReason[])[0]!;
    expect(r).toMatchObject({ reason: 'no-route-to-internet-gateway', eni: 'eni-db', routeTable: 'rtb-priv', code: 'no-route', leg: 'return' });
    expect(f!.severity).toBe('medium');
    expect(f!.message).toMatch(/eni-db: tcp [\d.]+:50000 -> 54\.1\.2\.30:22 finds no route back to an internet gateway in rtb-priv/);
  });

  it('latent, the NACL denies it: entry 5 denies tcp/22 before the allow (first match, ref 5.1)', async () => {
    const deny = [{ RuleNumber: 5, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } }, ...ALLOW_ALL];
    const [f] = of(await audit(withGroup([tcp(22)], ['eni-web'], acls(deny)), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect(f!.details?.['exposure']).toBe('latent');
    expect(f!.details?.['latentReasons']).toEqual([expect.objectContaining({ reason: 'nacl-denies', eni: 'eni-web', networkAcl: 'acl-1', ruleNumber: 5 })]);
    expect(f!.message).toContain('is denied by acl-1 inbound entry 5');
  });

  it('latent, the return path is denied: the NACL denies tcp outbound at entry 10 (ref 5.1, stateless)', async () => {
    const noReturn = [{ RuleNumber: 10, Protocol: '6', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 65535 } }, ...ALLOW_ALL];
    const [f] = of(await audit(withGroup([tcp(22)], ['eni-web'], acls(noReturn)), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect(f!.details?.['latentReasons']).toEqual([expect.objectContaining({ reason: 'return-path-denied', eni: 'eni-web', component: 'network-acl', id: 'acl-1', ruleNumber: 10 })]);
  });

  it('effective on one interface, latent on another: high, both in the details', async () => {
    const [f] = of(await audit(withGroup([tcp(22)], ['eni-web', 'eni-fw']), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['exposedInterfaces'], reasons(f)]).toEqual(['high', ['eni-web'], ['no-public-address eni-fw']]);
    expect(f!.message).toMatch(/effective on eni-web .*; latent on eni-fw/);
  });

  it('not a finding: SSH from an office /24 (within the /16 threshold), from 10.0.0.0/8 (not the internet), HTTPS from anywhere', async () => {
    const file = withGroup([tcp(22, 22, '198.51.100.0/24'), tcp(22, 22, '10.0.0.0/8'), tcp(443)], ['eni-web']);
    expect(of(await audit(file, 'sg-admin-port-open-to-internet'), 'sg-test')).toEqual([]);
    // The threshold is the option of the internet-exposed-* rules.
    expect(of(await audit(file, 'sg-admin-port-open-to-internet', { maxPrefixV4: 25 }), 'sg-test').map((f) => f.details?.['sources'])).toEqual([['198.51.100.0/24']]);
  });

  it('unknown peer: a prefix list whose entries the snapshot lacks is reported as unknown (low), never guessed', async () => {
    const rule = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-0unknown' }] };
    const [f] = of(await audit(withGroup([rule], ['eni-web']), 'sg-admin-port-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['exposure']]).toEqual(['low', 'unknown']);
    expect(f!.message).toContain('pl-0unknown');
  });
});

describe('sg-database-port-open-to-internet', () => {
  it('effective: PostgreSQL from anywhere on eni-web; HTTPS is no database port', async () => {
    const fs = of(await audit(withGroup([tcp(5432), tcp(443)], ['eni-web']), 'sg-database-port-open-to-internet'), 'sg-test');
    expect(fs.map((f) => [f.severity, f.entry, f.details?.['exposure']])).toEqual([['high', { kind: 'sg-rule', groupId: 'sg-test', direction: 'inbound', index: 0 }, 'effective']]);
    expect((fs[0]!.details?.['effectiveOn'] as { finding: { rule: string } }[])[0]!.finding.rule).toBe('internet-exposed-database-port');
  });

  it('latent: MySQL from anywhere on an interface without a public address', async () => {
    const [f] = of(await audit(withGroup([tcp(3306)], ['eni-fw']), 'sg-database-port-open-to-internet'), 'sg-test');
    expect([f!.severity, reasons(f)]).toEqual(['medium', ['no-public-address eni-fw']]);
  });
});

describe('sg-all-ports-open-to-internet', () => {
  it('effective: all traffic from 0.0.0.0/0 on eni-web; tcp and udp both every port', async () => {
    const [f] = of(await audit(withGroup([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], ['eni-web']), 'sg-all-ports-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['protocols'], f!.details?.['exposure']]).toEqual(['high', [6, 17], 'effective']);
    expect((f!.details?.['effectiveOn'] as { finding: { rule: string } }[]).map((e) => e.finding.rule)).toEqual(['internet-exposed-all-ports', 'internet-exposed-all-ports']);
  });

  it('latent, the NACL closes one port: every port is admitted by the rule, not reached (entry 5 denies tcp/25)', async () => {
    const deny = [{ RuleNumber: 5, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 25, To: 25 } }, ...ALLOW_ALL];
    const [f] = of(await audit(withGroup([tcp(0, 65535)], ['eni-web'], acls(deny)), 'sg-all-ports-open-to-internet'), 'sg-test');
    expect([f!.severity, f!.details?.['exposure']]).toEqual(['medium', 'latent']);
    expect(f!.details?.['latentReasons']).toEqual([expect.objectContaining({ reason: 'nacl-denies', ruleNumber: 5, example: expect.stringMatching(/:25$/) })]);
  });

  it('not a finding: tcp 0-65534 is not every port', async () => {
    expect(of(await audit(withGroup([tcp(0, 65534)], ['eni-web']), 'sg-all-ports-open-to-internet'), 'sg-test')).toEqual([]);
  });
});

describe('nacl-admin-port-open-to-internet', () => {
  it('effective: the allow-all entry 100 decides SSH from the internet and eni-web admits it', async () => {
    const fs = (await audit(withGroup([tcp(22)], ['eni-web']), 'nacl-admin-port-open-to-internet')).filter((f) => f.resource === 'acl-1');
    const v4 = fs.find((f) => f.details?.['family'] === 4)!;
    expect([v4.severity, v4.entry, v4.details?.['exposure'], v4.details?.['exposedInterfaces']]).toEqual(['high', { kind: 'nacl-entry', aclId: 'acl-1', direction: 'inbound', ruleNumber: 100 }, 'effective', ['eni-web']]);
    // IPv6: eni-web's group admits no IPv6, the others have no IPv6 address.
    const v6 = fs.find((f) => f.details?.['family'] === 6)!;
    expect([v6.severity, v6.entry?.kind === 'nacl-entry' && v6.entry.ruleNumber]).toEqual(['medium', 101]);
    expect(reasons(v6)).toEqual(expect.arrayContaining(['security-group-denies eni-web', 'no-public-address eni-fw']));
  });

  it('latent, no group admits it: every interface behind acl-1 has a closed group (the default-NACL case)', async () => {
    const [f] = (await audit(withGroup([], []), 'nacl-admin-port-open-to-internet')).filter((x) => x.resource === 'acl-1' && x.details?.['family'] === 4);
    expect(f!.severity).toBe('medium');
    expect(reasons(f)).toEqual(expect.arrayContaining(['security-group-denies eni-web', 'no-route-to-internet-gateway eni-db', 'no-public-address eni-fw']));
  });

  it('latent, not attached: an ACL associated with no subnet', async () => {
    const file = withGroup([tcp(22)], ['eni-web'], [...acls(ALLOW_ALL), acl('acl-spare', [], ALLOW_ALL)]);
    const fs = (await audit(file, 'nacl-admin-port-open-to-internet')).filter((f) => f.resource === 'acl-spare');
    expect(fs.map((f) => [f.severity, f.details?.['latentReasons']])).toEqual([
      ['medium', [{ reason: 'not-attached', text: 'acl-spare is associated with no subnet' }]],
      ['medium', [{ reason: 'not-attached', text: 'acl-spare is associated with no subnet' }]],
    ]);
  });

  it('first match respected: an allow of tcp/22 after a deny of all tcp decides nothing and is not reported (ref 5.1)', async () => {
    const entries = [
      { RuleNumber: 10, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 65535 } },
      { RuleNumber: 20, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 30, Protocol: '17', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 65535 } },
      ...ALLOW_ALL,
    ];
    const fs = (await audit(withGroup([tcp(22)], ['eni-web'], acls(entries)), 'nacl-admin-port-open-to-internet')).filter((f) => f.resource === 'acl-1' && f.details?.['family'] === 4);
    expect(fs).toEqual([]);
  });

  it('not a finding: SSH allowed only from an office /24', async () => {
    const entries = [
      { RuleNumber: 10, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '198.51.100.0/24', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 20, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
    ];
    expect((await audit(withGroup([tcp(22)], ['eni-web'], acls(entries)), 'nacl-admin-port-open-to-internet')).filter((f) => f.resource === 'acl-1')).toEqual([]);
  });
});

describe('nacl-all-ports-open-to-internet', () => {
  it('effective: allow-all entry 100 with an open group on eni-web', async () => {
    const [f] = (await audit(withGroup([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], ['eni-web']), 'nacl-all-ports-open-to-internet')).filter((x) => x.resource === 'acl-1' && x.details?.['family'] === 4);
    expect([f!.severity, f!.details?.['exposure'], f!.details?.['exposedInterfaces']]).toEqual(['high', 'effective', ['eni-web']]);
  });

  it('not a finding for tcp: entry 5 denies tcp/25 first, so entry 100 does not decide every tcp port (udp still is)', async () => {
    const deny = [{ RuleNumber: 5, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 25, To: 25 } }, ...ALLOW_ALL];
    const fs = (await audit(withGroup([], [], acls(deny)), 'nacl-all-ports-open-to-internet')).filter((x) => x.resource === 'acl-1' && x.details?.['family'] === 4);
    expect(fs.map((f) => f.details?.['protocols'])).toEqual([[17]]);
  });
});

describe('a Terraform plan alone (nothing applied yet)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vpcwhy-rule-exposure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sgRule = (over: Record<string, unknown>) => ({ cidr_blocks: [], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: '', ...over });
  const resources = [
    { address: 'aws_vpc.main', values: { cidr_block: '10.9.0.0/16' } },
    { address: 'aws_internet_gateway.gw', values: { vpc_id: ref('aws_vpc.main') } },
    { address: 'aws_subnet.pub', values: { vpc_id: ref('aws_vpc.main'), cidr_block: '10.9.1.0/24', map_public_ip_on_launch: true } },
    { address: 'aws_route_table.pub', values: { vpc_id: ref('aws_vpc.main'), route: [{ cidr_block: '0.0.0.0/0', ipv6_cidr_block: '', gateway_id: ref('aws_internet_gateway.gw'), nat_gateway_id: '' }] } },
    { address: 'aws_route_table_association.pub', values: { subnet_id: ref('aws_subnet.pub'), route_table_id: ref('aws_route_table.pub') } },
    { address: 'aws_eip.x', values: {}, computed: ['public_ip'] },
    {
      address: 'aws_security_group.admin',
      values: {
        name: 'admin', description: 'admin', vpc_id: ref('aws_vpc.main'),
        ingress: [sgRule({ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] })],
        egress: [sgRule({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] })],
      },
    },
    { address: 'aws_security_group.spare', values: { name: 'spare', description: 'spare', vpc_id: ref('aws_vpc.main'), ingress: [sgRule({ protocol: 'tcp', from_port: 3389, to_port: 3389, cidr_blocks: ['0.0.0.0/0'] })], egress: [] } },
    {
      address: 'aws_security_group_rule.from_eip',
      values: { type: 'ingress', security_group_id: ref('aws_security_group.spare'), protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: [ref('aws_eip.x', 'aws_eip.x.public_ip', 'public_ip')], self: false },
    },
    {
      address: 'aws_instance.admin',
      values: { subnet_id: ref('aws_subnet.pub'), private_ip: '10.9.1.10', vpc_security_group_ids: [ref('aws_security_group.admin')], associate_public_ip_address: true, source_dest_check: true },
      computed: ['public_ip', 'primary_network_interface_id'],
    },
  ];

  async function planAudit(rule: string): Promise<Finding[]> {
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(planOf(resources, 'new')));
    const r = await loadSnapshotWithPlan([], file)();
    if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
    return auditOf(r.right.snapshot, rule);
  }

  it('audits the group rules by Terraform address: the public address unknown until apply is a reason, not a guess', async () => {
    const fs = await planAudit('sg-admin-port-open-to-internet');
    const admin = fs.find((f) => f.resource === 'aws_security_group.admin')!;
    expect([admin.severity, admin.details?.['exposure'], reasons(admin)]).toEqual(['medium', 'latent', ['public-address-unknown aws_instance.admin']]);
    expect(admin.message).toContain('whether aws_instance.admin has a public address is unknown until apply');
    expect(admin.location.file).toMatch(/plan\.json$/);
  });

  it('a group nothing uses yet is latent (not attached); a CIDR unknown until apply is reported as unknown', async () => {
    const fs = (await planAudit('sg-admin-port-open-to-internet')).filter((f) => f.resource === 'aws_security_group.spare');
    expect(fs.map((f) => [f.severity, f.details?.['exposure']]).sort()).toEqual([
      ['low', 'unknown'],
      ['medium', 'latent'],
    ]);
    expect(fs.find((f) => f.details?.['exposure'] === 'unknown')!.message).toContain('unknown until apply');
  });
});

describe('renderers', () => {
  it('SARIF results carry the exposure state as a property; the JSON finding has it spread in', async () => {
    const { renderAuditSarif, renderAuditJson } = await import('../../src/report/audit.js');
    const result = runAudit(indexSnapshot(await load(withGroup([tcp(22)], ['eni-web', 'eni-fw']))), { rules: ['sg-admin-port-open-to-internet'] });
    const sarif = JSON.parse(renderAuditSarif(result, { toolVersion: '0', rules: [], docs: new Map(), locate: (f) => ({ uri: f.location.file }) })) as { runs: { results: { properties: Record<string, unknown> }[] }[] };
    const props = sarif.runs[0]!.results.map((r) => r.properties);
    expect(props.find((p) => p['resource'] === 'sg-test')?.['exposure']).toBe('effective');
    expect(props.find((p) => p['resource'] === 'sg-peer')?.['exposure']).toBe('latent');
    const json = JSON.parse(renderAuditJson(result)) as { findings: Record<string, unknown>[] };
    expect(json.findings.find((f) => f['resource'] === 'sg-test')).toMatchObject({ exposure: 'effective', exposedInterfaces: ['eni-web'] });
  });
});
